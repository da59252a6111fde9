import Foundation
import SupportKit

/// Tells "no intent of mine covers this" from "this is one of my intents", trained on in-scope examples only.
///
/// Two signals, each turned into an empirical p-value against held-out in-scope examples (the cross-validation
/// folds of `supportkit train`, so no out-of-scope data is needed):
/// - `similarity`: the message embedding's cosine to the nearest intent centroid (unit mean of the intent's
///   example embeddings). Out-of-scope messages sit far from every intent.
/// - `confidence`: the intent head's calibrated probability of its best label.
///
/// The score is `1 - p`, where `p` is the share of held-out in-scope examples with a value at or below the
/// message's (for `combined`, the smaller of the two p-values): 0.99 means "less typical than 99% of the
/// messages I was trained on". The threshold is the score that rejects `rejectionRate` of held-out in-scope
/// examples.
public struct OutOfScopeDetector: Sendable, Hashable, Codable {
    /// Which signal scores a message.
    public enum Method: String, SettingChoice {
        case similarity, confidence, combined
    }

    public var method: Method
    /// Embedding dimension of `centroids`' rows.
    public var dimension: Int
    /// One unit-length centroid per intent (the intent head's label order), then one per category when the
    /// classifier has categories; row-major. The similarity signal is the nearest of them.
    public var centroids: [Float]
    /// Held-out in-scope nearest-centroid similarities at percentiles 0, 1, ..., 100.
    public var similarityQuantiles: [Double]
    /// Held-out in-scope best-label probabilities at percentiles 0, 1, ..., 100.
    public var confidenceQuantiles: [Double]
    /// Scores at or above this are out of scope.
    public var threshold: Double

    /// A detector from its fitted parts.
    public init(method: Method, dimension: Int, centroids: [Float], similarityQuantiles: [Double], confidenceQuantiles: [Double], threshold: Double) {
        self.method = method
        self.dimension = dimension
        self.centroids = centroids
        self.similarityQuantiles = similarityQuantiles
        self.confidenceQuantiles = confidenceQuantiles
        self.threshold = threshold
    }

    /// The out-of-scope score of a message with `embedding` whose best intent has probability `confidence`.
    public func score(embedding: [Float], confidence: Double) -> Double {
        Self.score(method: method, similarity: nearestSimilarity(embedding), confidence: confidence,
                   similarityQuantiles: similarityQuantiles, confidenceQuantiles: confidenceQuantiles)
    }

    /// The cosine of `embedding` to the nearest centroid (0 when the shapes do not fit).
    public func nearestSimilarity(_ embedding: [Float]) -> Double {
        Self.nearestSimilarity(embedding.prefix(dimension), centroids: centroids, dimension: dimension)
    }

    static func score(method: Method, similarity: Double, confidence: Double, similarityQuantiles: [Double], confidenceQuantiles: [Double]) -> Double {
        let bySimilarity = percentile(similarity, in: similarityQuantiles)
        let byConfidence = percentile(confidence, in: confidenceQuantiles)
        switch method {
        case .similarity: return 1 - bySimilarity
        case .confidence: return 1 - byConfidence
        case .combined: return 1 - min(bySimilarity, byConfidence)
        }
    }

    static func nearestSimilarity(_ embedding: ArraySlice<Float>, centroids: [Float], dimension: Int) -> Double {
        guard dimension > 0, embedding.count == dimension, centroids.count % dimension == 0 else { return 0 }
        var norm: Float = 0
        for value in embedding { norm += value * value }
        guard norm > 0 else { return 0 }
        var best = -Float.infinity
        let start = embedding.startIndex
        centroids.withUnsafeBufferPointer { rows in
            for row in stride(from: 0, to: rows.count, by: dimension) {
                var dot: Float = 0
                for column in 0..<dimension { dot += rows[row + column] * embedding[start + column] }
                best = max(best, dot)
            }
        }
        return best.isFinite ? Double(best / norm.squareRoot()) : 0
    }

    /// Where `value` falls among sorted `quantiles`, from 0 (below all) to 1 (above all), interpolated.
    static func percentile(_ value: Double, in quantiles: [Double]) -> Double {
        guard let first = quantiles.first, let last = quantiles.last, quantiles.count > 1 else { return 0.5 }
        if value <= first { return 0 }
        if value >= last { return 1 }
        var low = 0, high = quantiles.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if quantiles[middle] <= value { low = middle } else { high = middle }
        }
        let span = quantiles[high] - quantiles[low]
        let within = span > 0 ? (value - quantiles[low]) / span : 0
        return (Double(low) + within) / Double(quantiles.count - 1)
    }

    /// Values at percentiles 0...100 of `values`.
    static func quantiles(_ values: [Double]) -> [Double] {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return [] }
        return (0...100).map { sorted[min(sorted.count - 1, Int((Double($0) / 100 * Double(sorted.count - 1)).rounded()))] }
    }

    /// Unit centroids of `embeddings` (each row's first `dimension` values) per class `0..<classes`.
    static func centroids(_ embeddings: [[Float]], targets: [Int], classes: Int, dimension: Int, rows: [Int]) -> [Float] {
        var sums = [Float](repeating: 0, count: classes * dimension)
        for row in rows {
            let vector = embeddings[row]
            var norm: Float = 0
            for column in 0..<dimension { norm += vector[column] * vector[column] }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            let base = targets[row] * dimension
            for column in 0..<dimension { sums[base + column] += vector[column] * scale }
        }
        for label in 0..<classes {
            let base = label * dimension
            var norm: Float = 0
            for column in 0..<dimension { norm += sums[base + column] * sums[base + column] }
            guard norm > 0 else { continue }
            let scale = 1 / norm.squareRoot()
            for column in 0..<dimension { sums[base + column] *= scale }
        }
        return sums
    }
}
