import Foundation
import Synchronization
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

@Suite struct TurnQueueTests {
    /// What the turns saw: how many ran at once, and the order they started in.
    final class Recorder: Sendable {
        let state = Mutex<(running: Int, maxRunning: Int, starts: [Int])>((0, 0, []))
        func start(_ index: Int) {
            state.withLock { state in
                state.running += 1
                state.maxRunning = max(state.maxRunning, state.running)
                state.starts.append(index)
            }
        }
        func end() { state.withLock { $0.running -= 1 } }
    }

    @Test func turnsRunOneAtATimeInArrivalOrder() async throws {
        let queue = TurnQueue(capacity: 64)
        let recorder = Recorder()
        // A first turn holds the queue until every other one has arrived, so arrival order is known.
        let gate = AsyncStream<Void>.makeStream()
        let holder = Task { try await queue.run { for await _ in gate.stream { break } } }
        while await !queue.isBusy { await Task.yield() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await queue.run {
                        recorder.start(index)
                        try await Task.sleep(for: .milliseconds(1))
                        recorder.end()
                    }
                }
                while await queue.waiting < index + 1 { await Task.yield() }
            }
            gate.continuation.yield()
            try await group.waitForAll()
        }
        try await holder.value
        let seen = recorder.state.withLock { $0 }
        #expect(seen.maxRunning == 1)
        #expect(seen.starts == Array(0..<20))
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        let queue = TurnQueue(capacity: 1)
        let gate = AsyncStream<Void>.makeStream()
        let holder = Task { try await queue.run { for await _ in gate.stream { break } } }
        while await !queue.isBusy { await Task.yield() }
        let waiter = Task { try await queue.run { "second" } }
        while await queue.waiting < 1 { await Task.yield() }
        await #expect {
            _ = try await queue.run { "third" }
        } throws: { error in
            (error as? SupportKitError)?.code == .busy
        }
        gate.continuation.yield()
        try await holder.value
        #expect(try await waiter.value == "second")
        #expect(await !queue.isBusy)
    }

    @Test func aCancelledWaiterLeavesTheQueueAndNeverRuns() async throws {
        let queue = TurnQueue(capacity: 4)
        let gate = AsyncStream<Void>.makeStream()
        let recorder = Recorder()
        let holder = Task { try await queue.run { for await _ in gate.stream { break } } }
        while await !queue.isBusy { await Task.yield() }
        let waiter = Task { try await queue.run { recorder.start(1) } }
        while await queue.waiting < 1 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await queue.waiting == 0)
        gate.continuation.yield()
        try await holder.value
        #expect(recorder.state.withLock { $0.starts }.isEmpty)
        #expect(try await queue.run { 42 } == 42)
    }
}
