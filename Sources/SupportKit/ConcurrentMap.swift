import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` spread over the machine's cores, with the results in the elements' order.
    ///
    /// For CPU-bound work over thousands of independent elements (decoding a stored run's turns, rendering its
    /// conversations). The elements are cut into contiguous slices, a few per core so that a slow slice does not
    /// hold the others up; with fewer than `minimumPerSlice` elements per core it is a plain `map`.
    ///
    /// - Parameters:
    ///   - minimumPerSlice: the least work worth handing to another thread.
    ///   - transform: called exactly once per element, from any thread.
    public func concurrentMap<T>(minimumPerSlice: Int = 64, _ transform: @Sendable (Element) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let slices = Swift.min(cores * 4, count / Swift.max(minimumPerSlice, 1))
        guard cores > 1, slices > 1 else { return map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            [T](unsafeUninitializedCapacity: count) { buffer, initializedCount in
                let results = UncheckedPointer(address: buffer.baseAddress)
                let elements = self
                DispatchQueue.concurrentPerform(iterations: slices) { slice in
                    let start = elements.count * slice / slices, end = elements.count * (slice + 1) / slices
                    for index in start..<end { (results.pointer + index).initialize(to: transform(elements[index])) }
                }
                initializedCount = elements.count
            }
        }
    }
}

/// A pointer handed to worker threads that each write a disjoint range of it.
private struct UncheckedPointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>

    init(address: UnsafeMutablePointer<T>?) {
        // `unsafeUninitializedCapacity` gives a non-nil base address for a non-empty array.
        pointer = address!
    }
}

/// Runs `first` and `second` at the same time, on two threads when the machine has them, and returns both
/// results.
public func concurrently<A, B>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
    guard ProcessInfo.processInfo.activeProcessorCount > 1 else { return (first(), second()) }
    var a: A?
    var b: B?
    withUnsafeMutablePointer(to: &a) { aPointer in
        withUnsafeMutablePointer(to: &b) { bPointer in
            let results = (UncheckedPointer(address: aPointer), UncheckedPointer(address: bPointer))
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                if index == 0 { results.0.pointer.pointee = first() } else { results.1.pointer.pointee = second() }
            }
        }
    }
    // concurrentPerform returns after both iterations ran.
    return (a!, b!)
}

/// `map` over batches that a producer hands over one at a time, done on a helper thread while the producer
/// goes on making the next batch; the results come back in the order the batches were submitted.
///
/// For a producer tied to its own thread (a database read, which must stay on its connection's queue) whose
/// output is expensive to transform (decoding a large run's JSON columns): the reading and the decoding overlap
/// instead of following each other. The helper is a thread of its own, never one of a pool that the producer
/// could be occupying, and the producer decodes whatever is still queued when it finishes, so nothing waits on
/// a thread that has not started.
public final class BackgroundBatchMap<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let transform: @Sendable (Input) -> Output
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queued: [(index: Int, batch: [Input])] = []
    private var results: [[Output]?] = []
    private var inFlight = 0
    private var finished = false
    private var helperStarted = false

    /// A pipeline that applies `transform` to every submitted element.
    public init(_ transform: @escaping @Sendable (Input) -> Output) {
        self.transform = transform
    }

    /// Queues a batch; the first one starts the helper thread (on a machine with more than one core).
    public func submit(_ batch: [Input]) {
        guard !batch.isEmpty else { return }
        condition.lock()
        results.append(nil)
        queued.append((results.count - 1, batch))
        let startHelper = !helperStarted && ProcessInfo.processInfo.activeProcessorCount > 1
        helperStarted = helperStarted || startHelper
        condition.signal()
        condition.unlock()
        if startHelper {
            let thread = Thread { [self] in helperLoop() }
            thread.name = "supportkit.batch-map"
            thread.start()
        }
    }

    /// Every submitted element's result, in submission order. The calling thread transforms what is still
    /// queued, then waits for the batch the helper is on.
    public func finish() -> [Output] {
        condition.lock()
        finished = true
        condition.broadcast()
        while let (index, batch) = takeLocked() {
            condition.unlock()
            let output = batch.map(transform)
            condition.lock()
            complete(index, output)
        }
        while inFlight > 0 { condition.wait() }
        let all = results.flatMap { $0 ?? [] }
        condition.unlock()
        return all
    }

    private func helperLoop() {
        condition.lock()
        while true {
            if let (index, batch) = takeLocked() {
                condition.unlock()
                let output = batch.map(transform)
                condition.lock()
                complete(index, output)
            } else if finished {
                break
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }

    /// The oldest queued batch, counted as in flight; call with the lock held.
    private func takeLocked() -> (Int, [Input])? {
        guard !queued.isEmpty else { return nil }
        inFlight += 1
        return queued.removeFirst()
    }

    /// Stores a batch's results; call with the lock held.
    private func complete(_ index: Int, _ output: [Output]) {
        results[index] = output
        inFlight -= 1
        condition.broadcast()
    }
}
