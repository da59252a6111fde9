import GRPCCore
import Logging
import SupportKit

/// A server answer that the store handles itself rather than reporting (a missing or existing collection).
struct ServerRefusal: Error {
    var code: RPCError.Code
    var message: String
}

/// Runs one RPC with the store's deadline, API key, retries and error translation.
struct Caller: Sendable {
    let configuration: VectorAIVectorStore.Configuration
    let logger: Logger

    /// The `api-key` header when a key is configured.
    var metadata: Metadata {
        var metadata = Metadata()
        if let key = configuration.apiKey { metadata.addString(key, forKey: "api-key") }
        return metadata
    }

    /// Calls `body` until it succeeds, fails with a non-transient error, or runs out of attempts.
    ///
    /// - Parameters:
    ///   - operation: what is being done, for messages ("upsert 128 point(s) into \"kb\"").
    ///   - timeout: this call's deadline per attempt; default `configuration.callTimeout`.
    ///   - refusals: status codes thrown back as `ServerRefusal` for the caller to handle.
    /// - Throws: `ServerRefusal` for `refusals`, otherwise `SupportKitError`: `.unavailable` when the server
    ///   cannot be reached, refuses the key, or fails; `.invalidInput` when it rejects the request.
    func call<Response>(
        _ operation: String, timeout: Duration? = nil, refusals: Set<RPCError.Code> = [],
        _ body: (Metadata, CallOptions) async throws -> Response
    ) async throws -> Response {
        var options = CallOptions.defaults
        options.timeout = timeout ?? configuration.callTimeout
        options.waitForReady = false
        let metadata = self.metadata
        var attempt = 1
        while true {
            do {
                return try await body(metadata, options)
            } catch let error as RPCError {
                if refusals.contains(error.code) { throw ServerRefusal(code: error.code, message: error.message) }
                let transient = error.code == .unavailable || error.code == .deadlineExceeded
                guard transient, attempt < configuration.retry.maxAttempts else {
                    throw translate(error, operation: operation, attempts: attempt)
                }
                let wait = configuration.retry.backoff(after: attempt)
                // Full jitter on the upper half, so that clients retrying together spread out.
                let jittered = wait * Double.random(in: 0.5...1.0)
                logger.debug("VectorAI DB: \(operation) failed with \(error.code); retry \(attempt) of \(configuration.retry.maxAttempts - 1) in \(jittered)")
                try await Task.sleep(for: jittered)
                attempt += 1
            }
        }
    }

    /// A one-line error for a failed call; the API key never appears (only the server's status message).
    func translate(_ error: RPCError, operation: String, attempts: Int) -> SupportKitError {
        let address = configuration.address
        let detail = error.message.split(whereSeparator: \.isNewline).joined(separator: " ")
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        switch error.code {
        case .unavailable:
            return SupportKitError(
                .unavailable,
                "cannot reach VectorAI DB at \(address) (\(operation)\(tries): \(detail)); start the server, or point --store vectorai://HOST:PORT or VECTORAI_URL at a running one")
        case .deadlineExceeded:
            return SupportKitError(
                .unavailable,
                "VectorAI DB at \(address) did not answer in time (\(operation)\(tries)); check the server's load, or raise VECTORAI_TIMEOUT (seconds)")
        case .unauthenticated, .permissionDenied:
            let hint = configuration.apiKey == nil ? "set VECTORAI_API_KEY" : "check VECTORAI_API_KEY"
            return SupportKitError(.unavailable, "VectorAI DB at \(address) refused the request (\(operation): \(error.code)); \(hint)")
        case .invalidArgument, .failedPrecondition, .outOfRange, .notFound, .alreadyExists:
            return SupportKitError(.invalidInput, "VectorAI DB at \(address) rejected the request (\(operation): \(error.code): \(detail))")
        default:
            return SupportKitError(.unavailable, "VectorAI DB at \(address) failed (\(operation): \(error.code): \(detail)); check the server's logs")
        }
    }
}
