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
        Ranking(ranked: ranked, relevant: relevant).scores(at: k)
    }

    /// Where the relevant documents of one turn rank: computed once, then scored at any cut-off (a report
    /// scores every turn at 1 to 10).
    public struct Ranking: Sendable, Hashable {
        /// 1-based ranks of the relevant documents, ascending, counting each document once at its first rank.
        public let relevantRanks: [Int]
        /// How many documents are relevant.
        public let relevantCount: Int

        /// The ranking of `ranked` against `relevant`, which must not be empty.
        public init(ranked: [String], relevant: Set<String>) {
            precondition(!relevant.isEmpty, "scoring needs relevant documents")
            var seen = Set<String>()
            var ranks: [Int] = []
            for doc in ranked where seen.insert(doc).inserted {
                if relevant.contains(doc) { ranks.append(seen.count) }
            }
            relevantRanks = ranks
            relevantCount = relevant.count
        }

        /// The scores at cut-off `k` (positive).
        public func scores(at k: Int) -> RetrievalScores {
            precondition(k > 0, "scoring needs a positive cut-off")
            var found = 0
            var dcg = 0.0
            for rank in relevantRanks where rank <= k {
                found += 1
                dcg += 1 / log2(Double(rank) + 1)
            }
            var ideal = 0.0
            for position in 1...min(relevantCount, k) { ideal += 1 / log2(Double(position) + 1) }
            let first = relevantRanks.first.flatMap { $0 <= k ? $0 : nil }
            return RetrievalScores(
                recall: Double(found) / Double(relevantCount), hit: found > 0 ? 1 : 0,
                reciprocalRank: first.map { 1 / Double($0) } ?? 0, ndcg: dcg / ideal)
        }
    }
}
