import Logging
import Synchronization

/// Thrown by ``withAbandoningDeadline(_:operation:)`` when the operation did not finish in time.
struct DeadlineExceeded: Error {}

/// A call to one of the server's dependencies (the assistant, customer memory, the ticket store) under the request
/// deadline, its failures turned into the answer the client gets, naming `what` (504 past the deadline, 503 when
/// the store or model is unavailable, 400 for rejected input, 500 otherwise; see `ChatService.mapAssistantError`).
func callDependency<T: Sendable>(
    _ what: String, within limit: Duration, logger: Logger, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    do {
        return try await withAbandoningDeadline(limit, operation: operation)
    } catch {
        throw ChatService.mapAssistantError(error, what: what, timeout: limit, logger: logger)
    }
}

/// Runs `operation`, answering with ``DeadlineExceeded`` once `limit` has passed.
///
/// The operation runs in its own task and is cancelled at the deadline, but the caller does not wait for it
/// to notice: a CPU-bound model call may check for cancellation rarely, and a 504 has to go out on time.
/// Cancelling the caller cancels the operation too.
func withAbandoningDeadline<T: Sendable>(
    _ limit: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let work = Task { try await operation() }
    let gate = ResumeOnce<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            gate.install(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled, gate.resume(with: .failure(DeadlineExceeded())) { work.cancel() }
            }
            Task {
                let result = await work.result
                timer.cancel()
                gate.resume(with: result)
            }
        }
    } onCancel: {
        work.cancel()
    }
}

/// Resumes a continuation exactly once, whichever of the racing tasks gets there first.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, done: Bool)>((nil, false))

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Returns whether this call resumed the continuation.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard !state.done, let continuation = state.continuation else { return nil }
            state.done = true
            state.continuation = nil
            return continuation
        }
        guard let continuation else { return false }
        continuation.resume(with: result)
        return true
    }
}
