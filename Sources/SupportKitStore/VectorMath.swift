import Foundation
import SupportKit

/// Vector kernels for exact search.
public enum VectorMath {
    /// Dot product of two equal-length vectors, eight lanes at a time.
    @inlinable
    public static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        let n = min(a.count, b.count)
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            let va = SIMD8<Float>(a[i], a[i + 1], a[i + 2], a[i + 3], a[i + 4], a[i + 5], a[i + 6], a[i + 7])
            let vb = SIMD8<Float>(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7])
            acc += va * vb
            i += 8
        }
        var sum = acc.sum()
        while i < n {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    public static func norm(_ a: [Float]) -> Float {
        a.withUnsafeBufferPointer { dot($0, $0) }.squareRoot()
    }

    /// Cosine similarity; 0 when either vector is zero.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let denominator = (dot(pa, pa) * dot(pb, pb)).squareRoot()
                return denominator > 0 ? dot(pa, pb) / denominator : 0
            }
        }
    }

    /// `a` scaled to unit length (unchanged when zero).
    public static func normalized(_ a: [Float]) -> [Float] {
        let length = norm(a)
        return length > 0 ? a.map { $0 / length } : a
    }
}

/// Keeps the `limit` highest-scoring items seen; ties go to the smaller key so results are stable.
public struct TopK<Item, Key: Comparable> {
    private var heap: [(score: Float, key: Key, item: Item)] = []
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(0, limit)
        heap.reserveCapacity(self.limit + 1)
    }

    /// The score an item must beat to enter (-infinity until full).
    public var threshold: Float { heap.count < limit ? -.infinity : heap[0].score }

    public mutating func insert(_ item: Item, score: Float, key: Key) {
        guard limit > 0 else { return }
        if heap.count < limit {
            heap.append((score, key, item))
            siftUp(heap.count - 1)
        } else if Self.worse(heap[0], (score, key, item)) {
            heap[0] = (score, key, item)
            siftDown(0)
        }
    }

    /// Best first.
    public func sorted() -> [Item] {
        heap.sorted { Self.worse($1, $0) }.map(\.item)
    }

    // Min-heap ordered by score, then by reversed key: the root is the worst item kept.
    private static func worse(_ a: (score: Float, key: Key, item: Item), _ b: (score: Float, key: Key, item: Item)) -> Bool {
        a.score != b.score ? a.score < b.score : a.key > b.key
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.worse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, Self.worse(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, Self.worse(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
