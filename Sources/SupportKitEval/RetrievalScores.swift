import Foundation

/// Document-level ranking scores of one turn at one cut-off.
public struct RetrievalScores: Sendable, Hashable {
    /// Relevant documents in the top k / relevant documents.
    public var recall: Double
    /// 1 when any relevant document is in the top k.
    public var hit: Double
    /// 1 / rank of the first relevant document in the top k; 0 when none is.
    public var reciprocalRank: Double
    /// DCG / ideal DCG with binary gains: DCG = sum over relevant ranks r <= k of 1 / log2(r + 1); the
    /// ideal puts min(relevant, k) relevant documents first.
    public var ndcg: Double

    /// Scores `ranked` (document ids, best first, as ranked by the assistant) against `relevant`.
    ///
    /// The ranking is taken as given: documents are never re-sorted by score, so ties keep the order the
    /// assistant returned. A list shorter than `k` is scored as it is (missing ranks gain nothing);
    /// duplicates in `ranked` count once, at their first rank. `relevant` must not be empty.
    public static func score(ranked: [String], relevant: Set<String>, k: Int) -> RetrievalScores {
        precondition(!relevant.isEmpty && k > 0, "scoring needs relevant documents and a positive cut-off")
        var seen = Set<String>()
        var found = 0
        var firstRank: Int?
        var dcg = 0.0
        var rank = 0
        for doc in ranked where seen.insert(doc).inserted {
            rank += 1
            guard rank <= k else { break }
            if relevant.contains(doc) {
                found += 1
                if firstRank == nil { firstRank = rank }
                dcg += 1 / log2(Double(rank) + 1)
            }
        }
        var ideal = 0.0
        for position in 1...min(relevant.count, k) { ideal += 1 / log2(Double(position) + 1) }
        return RetrievalScores(
            recall: Double(found) / Double(relevant.count), hit: found > 0 ? 1 : 0,
            reciprocalRank: firstRank.map { 1 / Double($0) } ?? 0, ndcg: dcg / ideal)
    }
}
