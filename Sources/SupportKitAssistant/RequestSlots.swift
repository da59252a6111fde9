import Foundation
import Synchronization

/// A limit on the requests in flight to one endpoint, shared by every client of that endpoint in the process.
///
/// An evaluation answers several conversations at once, and each turn may ask the classifier, the responder and
/// the judge; against one local model server that generates one answer at a time, unlimited requests only queue
/// inside the server, where their deadlines expire together. Waiting here instead keeps the order first come,
/// first served, and a request that cannot get a slot within its deadline gives up without touching the server.
final class RequestSlots: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID: UInt64 = 0
        /// Waiters given an id and not queued yet.
        var arriving: Set<UInt64> = []
        /// Arriving waiters that gave up before they were queued.
        var abandoned: Set<UInt64> = []
    }

    /// The most requests in flight.
    let limit: Int
    private let state: Mutex<State>

    /// A limiter for `limit` requests at once (at least 1).
    init(limit: Int) {
        self.limit = max(1, limit)
        state = Mutex(State(available: max(1, limit)))
    }

    private static let registry = Mutex<[String: RequestSlots]>([:])

    /// The limiter of `baseURL`, made with `limit` the first time; a later client of the same endpoint asking for
    /// another limit gets a limiter of its own (its setting is not silently dropped).
    static func shared(for baseURL: URL, limit: Int) -> RequestSlots {
        let key = "\(baseURL.absoluteString)#\(max(1, limit))"
        return registry.withLock { registry in
            if let slots = registry[key] { return slots }
            let slots = RequestSlots(limit: limit)
            registry[key] = slots
            return slots
        }
    }

    /// Takes a slot, waiting at most `seconds`. Returns false when none came free in time.
    /// - Throws: `CancellationError` when the calling task is cancelled while it waits.
    func acquire(within seconds: Double) async throws -> Bool {
        let id: UInt64? = state.withLock { state in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextID += 1
            state.arriving.insert(state.nextID)
            return state.nextID
        }
        guard let id else { return true }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            self?.giveUp(id)
        }
        defer { timer.cancel() }
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let gaveUpAlready = state.withLock { state -> Bool in
                    // A waiter whose deadline or cancellation came before it was queued is not queued.
                    state.arriving.remove(id)
                    if state.abandoned.remove(id) != nil { return true }
                    state.waiters.append((id, continuation))
                    return false
                }
                if gaveUpAlready { continuation.resume(returning: false) }
            }
        } onCancel: {
            giveUp(id)
        }
        if Task.isCancelled {
            if granted { release() }
            throw CancellationError()
        }
        return granted
    }

    /// Gives a slot back: to the longest waiter, or to the pool.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waiters.isEmpty {
                state.available = min(limit, state.available + 1)
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    /// Removes waiter `id` (its deadline passed or its task was cancelled) and resumes it empty-handed.
    private func giveUp(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                if state.arriving.contains(id) { state.abandoned.insert(id) }
                return nil
            }
            return state.waiters.remove(at: index).continuation
        }
        waiter?.resume(returning: false)
    }

    /// Requests waiting for a slot now (for tests).
    var waiting: Int { state.withLock { $0.waiters.count } }
}
