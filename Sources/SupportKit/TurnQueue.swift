/// Runs the turns of one conversation one at a time, in the order they arrive.
///
/// A turn reads the conversation so far and appends to it; two turns that overlap would each start from the
/// same state and one would overwrite the other (two tickets for one hand-off, a lost turn). Callers queue
/// behind the running turn, at most `capacity` of them; one more is refused with `SupportKitError.busy` at
/// once instead of waiting without bound. A queued caller whose task is cancelled (a request that timed out
/// while waiting) leaves the queue and never runs.
public actor TurnQueue {
    /// Turns that may wait behind the running one.
    public let capacity: Int
    private var isRunning = false
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiter: UInt64 = 0

    /// Turns waiting, not counting the running one.
    public var waiting: Int { waiters.count }

    /// Whether a turn is running or waiting.
    public var isBusy: Bool { isRunning || !waiters.isEmpty }

    /// A queue that lets `capacity` turns wait behind the running one.
    public init(capacity: Int = 32) {
        self.capacity = max(0, capacity)
    }

    /// Runs `turn` once every turn that arrived before it has finished.
    ///
    /// - Throws: `SupportKitError.busy` when `capacity` turns are already waiting; `CancellationError` when the
    ///   caller is cancelled while waiting; whatever `turn` throws.
    public func run<T: Sendable>(_ turn: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let result = try await turn()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    /// Waits for the turn's slot. Every successful call must be followed by exactly one ``release()``.
    public func acquire() async throws {
        guard isRunning else {
            isRunning = true
            return
        }
        guard waiters.count < capacity else {
            throw SupportKitError(
                .busy, "this conversation already has \(waiters.count) message(s) waiting for a reply; "
                    + "wait for the replies before sending more")
        }
        let id = nextWaiter
        nextWaiter += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Hands the slot to the next waiting turn, or frees it.
    public func release() {
        if waiters.isEmpty {
            isRunning = false
        } else {
            // The slot passes straight to the next turn: nobody arriving meanwhile can jump the queue.
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
