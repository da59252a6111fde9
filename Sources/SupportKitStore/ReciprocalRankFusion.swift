import Foundation
import SupportKit

/// Merges rankings by reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank(d)).
///
/// Rank-based, so dense cosine scores and BM25 scores need no common scale.
public enum ReciprocalRankFusion {
    /// Fused ranking, best first; ties keep the order of first appearance. `k` = 60 as in the original paper.
    public static func fuse(_ rankings: [[ScoredPoint]], k: Double = 60) -> [ScoredPoint] {
        var scores: [UUID: Double] = [:]
        var firstSeen: [UUID: (order: Int, point: ScoredPoint)] = [:]
        var order = 0
        for ranking in rankings {
            for (rank, point) in ranking.enumerated() {
                scores[point.id, default: 0] += 1 / (k + Double(rank + 1))
                if firstSeen[point.id] == nil {
                    firstSeen[point.id] = (order, point)
                    order += 1
                }
            }
        }
        return firstSeen.values
            .sorted { lhs, rhs in
                let left = scores[lhs.point.id] ?? 0, right = scores[rhs.point.id] ?? 0
                return left != right ? left > right : lhs.order < rhs.order
            }
            .map { ScoredPoint(id: $0.point.id, score: Float(scores[$0.point.id] ?? 0), payload: $0.point.payload) }
    }
}
