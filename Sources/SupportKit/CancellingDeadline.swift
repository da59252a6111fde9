/// Runs `operation` and, when `seconds` pass before it ends, cancels it and throws `timeoutError()`.
///
/// The cancelled operation is awaited (structured concurrency): nothing it started outlives the call, and an
/// operation that ignores cancellation delays the throw until it ends. Its result, if any, is discarded. For a
/// deadline that must answer on time whatever the operation does, the server has `withAbandoningDeadline`.
public func withCancellingDeadline<T: Sendable>(
    seconds: Double, timeoutError: @escaping @Sendable () -> any Error, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw timeoutError() }
        return value
    }
}
