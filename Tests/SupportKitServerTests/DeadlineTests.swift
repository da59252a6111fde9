import Foundation
import Synchronization
import SupportKit
import Testing
@testable import SupportKitServer

@Suite struct DeadlineTests {
    @Test func answersOnTimeEvenIfTheOperationIgnoresCancellation() async throws {
        let start = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withAbandoningDeadline(.milliseconds(50)) {
                // Finishes after 120 s whatever happens: it never looks at cancellation.
                await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 120) { continuation.resume(returning: 1) }
                }
            }
        }
        // Far below the 120 s the operation takes, with room for a 2-core machine whose cooperative threads
        // other tests keep busy (17 s was seen in a full run).
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func passesResultsAndErrorsThrough() async throws {
        #expect(try await withAbandoningDeadline(.seconds(5)) { 42 } == 42)
        await #expect(throws: SupportKitError.self) {
            try await withAbandoningDeadline(.seconds(5)) { () async throws -> Int in throw SupportKitError(.unavailable, "down") }
        }
    }
}
