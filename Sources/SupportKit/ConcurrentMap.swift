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
