import Foundation
import Synchronization
import SupportKit
import Testing

/// `withCancellingDeadline`: the operation's value in time, the caller's error at the deadline, the operation
/// cancelled and awaited.
struct CancellingDeadlineTests {
    struct Late: Error {}

    @Test func aFastOperationAnswers() async throws {
        #expect(try await withCancellingDeadline(seconds: 5, timeoutError: { Late() }) { 42 } == 42)
    }

    @Test func aSlowOperationIsCancelledAndTheDeadlineErrorThrown() async throws {
        let sawCancellation = Mutex(false)
        await #expect(throws: Late.self) {
            try await withCancellingDeadline(seconds: 0.1, timeoutError: { Late() }) {
                do {
                    try await Task.sleep(for: .seconds(600))
                } catch {
                    sawCancellation.withLock { $0 = error is CancellationError }
                    throw error
                }
                return 1
            }
        }
        // Awaited: by the time the deadline's error arrives, the operation has ended through its cancellation.
        #expect(sawCancellation.withLock { $0 })
    }

    @Test func theOperationsOwnErrorPassesThrough() async throws {
        await #expect(throws: SupportKitError.self) {
            try await withCancellingDeadline(seconds: 5, timeoutError: { Late() }) { () async throws -> Int in
                throw SupportKitError(.unavailable, "down")
            }
        }
    }
}
