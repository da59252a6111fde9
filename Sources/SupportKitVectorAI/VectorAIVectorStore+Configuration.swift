import Foundation
import SupportKit

extension VectorAIVectorStore {
    /// How to reach VectorAI DB and how patient to be with it.
    public struct Configuration: Sendable {
        /// Host name or address of the server.
        public var host: String
        /// gRPC port (the design's default is 50051).
        public var port: Int
        /// Whether to use TLS (system trust roots) instead of plaintext HTTP/2.
        public var usesTLS: Bool
        /// Sent as the `api-key` gRPC metadata header when set. Never logged, never part of an error.
        public var apiKey: String?
        /// Deadline of each call (one attempt).
        public var callTimeout: Duration
        /// Deadline of the health check made on connect.
        public var connectTimeout: Duration
        /// Points per `Upsert` call; kept within 64...256.
        public var upsertBatchSize: Int
        /// Retries for UNAVAILABLE and DEADLINE_EXCEEDED.
        public var retry: RetryPolicy
        /// Payload fields that get a keyword index besides the collection's declared
        /// `CollectionSpec.indexedKeys` (which always get one).
        public var keywordIndexes: [String]

        /// - Parameters:
        ///   - host: host name or address; default `localhost`.
        ///   - port: gRPC port; default 50051.
        ///   - usesTLS: TLS with the system's trust roots; default off (plaintext).
        ///   - apiKey: sent as `api-key` metadata when set.
        ///   - callTimeout: per-call deadline; default 30 s.
        ///   - connectTimeout: health-check deadline; default 5 s.
        ///   - upsertBatchSize: points per upsert call, clamped to 64...256; default 128.
        ///   - retry: backoff for UNAVAILABLE and DEADLINE_EXCEEDED; default 4 attempts from 100 ms.
        ///   - keywordIndexes: fields to index besides each collection's declared keys; default none.
        public init(
            host: String = "localhost", port: Int = 50051, usesTLS: Bool = false, apiKey: String? = nil,
            callTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(5), upsertBatchSize: Int = 128,
            retry: RetryPolicy = RetryPolicy(),
            keywordIndexes: [String] = []
        ) {
            self.host = host
            self.port = port
            self.usesTLS = usesTLS
            self.apiKey = apiKey
            self.callTimeout = callTimeout
            self.connectTimeout = connectTimeout
            self.upsertBatchSize = min(256, max(64, upsertBatchSize))
            self.retry = retry
            self.keywordIndexes = keywordIndexes
        }

        /// `host:port`, for messages (never includes the API key).
        public var address: String { "\(host):\(port)" }

        /// Applies the `VECTORAI_*` environment variables on top of this configuration.
        ///
        /// `VECTORAI_API_KEY` (the key), `VECTORAI_TLS` (`1`/`true`/`yes` to enable), `VECTORAI_TIMEOUT`
        /// (per-call deadline in seconds), `VECTORAI_BATCH_SIZE` (points per upsert, 64-256).
        ///
        /// - Throws: `SupportKitError(.invalidInput)` when a value cannot be read.
        public func applyingEnvironment(_ environment: [String: String]) throws -> Configuration {
            var copy = self
            if let key = environment["VECTORAI_API_KEY"], !key.isEmpty { copy.apiKey = key }
            if let tls = environment["VECTORAI_TLS"]?.lowercased(), !tls.isEmpty {
                switch tls {
                case "1", "true", "yes", "on": copy.usesTLS = true
                case "0", "false", "no", "off": copy.usesTLS = false
                default: throw SupportKitError(.invalidInput, "VECTORAI_TLS=\(tls) is not a boolean; use true or false")
                }
            }
            if let text = environment["VECTORAI_TIMEOUT"], !text.isEmpty {
                guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                    throw SupportKitError(.invalidInput, "VECTORAI_TIMEOUT=\(text) is not a number of seconds between 0 and 3600")
                }
                copy.callTimeout = .milliseconds(Int64(seconds * 1000))
            }
            if let text = environment["VECTORAI_BATCH_SIZE"], !text.isEmpty {
                guard let size = Int(text), (64...256).contains(size) else {
                    throw SupportKitError(.invalidInput, "VECTORAI_BATCH_SIZE=\(text) must be a whole number between 64 and 256")
                }
                copy.upsertBatchSize = size
            }
            return copy
        }
    }

    /// Exponential backoff for transient failures (UNAVAILABLE, DEADLINE_EXCEEDED); other errors fail at once.
    public struct RetryPolicy: Sendable, Hashable {
        /// Attempts in all, the first included; 1 disables retries.
        public var maxAttempts: Int
        /// Wait before the second attempt.
        public var initialBackoff: Duration
        /// Longest wait between attempts.
        public var maxBackoff: Duration
        /// Growth of the wait after each attempt.
        public var multiplier: Double

        /// - Parameters:
        ///   - maxAttempts: attempts in all; default 4.
        ///   - initialBackoff: first wait; default 100 ms.
        ///   - maxBackoff: cap on the wait; default 2 s.
        ///   - multiplier: growth per attempt; default 2.
        public init(maxAttempts: Int = 4, initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(2), multiplier: Double = 2) {
            self.maxAttempts = max(1, maxAttempts)
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.multiplier = max(1, multiplier)
        }

        /// The wait before attempt `attempt + 1` (attempt counts from 1), without jitter.
        public func backoff(after attempt: Int) -> Duration {
            var wait = initialBackoff
            for _ in 1..<max(1, attempt) {
                wait = wait * multiplier
                if wait >= maxBackoff { return maxBackoff }
            }
            return min(wait, maxBackoff)
        }
    }
}
