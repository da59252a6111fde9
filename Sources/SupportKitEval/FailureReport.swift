import Foundation
import SupportKit

/// What to fix: every failing turn attributed to the first stage that broke (`TurnCheck.cause`), causes by count,
/// and for missing or low-ranked articles the customer questions grouped by the article they expected.
public struct FailureReport: Sendable, Hashable {
    /// A failing turn.
    public struct Turn: Sendable, Hashable {
        /// The conversation id.
        public var conversation: String
        /// The turn's index, from 0.
        public var index: Int
        /// What the customer said.
        public var user: String
        /// The expectations it missed, worded as `TurnRecord.unmetExpectations`.
        public var expectations: [String]
        /// The documents it expected.
        public var docs: [String]
    }

    /// The customer questions that expected one article.
    public struct Topic: Sendable, Hashable {
        /// The expected article's id (the first expected id of the turns).
        public var article: String
        /// The turns that expected it.
        public var turns: [Turn]
        /// Other failing turns that expect the article too but broke at an earlier stage (intent, category):
        /// they need it as well once that stage is fixed.
        public var alsoExpectedBy: Int = 0

        /// `; 10 more failing turns expect it but broke earlier`, or empty.
        public var alsoNote: String {
            alsoExpectedBy > 0 ? "; \(alsoExpectedBy) more failing turns expect it but broke earlier" : ""
        }
    }

    /// One cause with its turns.
    public struct Group: Sendable, Hashable {
        /// The stage that broke.
        public var cause: FailureCause
        /// Its turns, in suite order.
        public var turns: [Turn]
        /// For `kb_gap` and `retrieval_rank`: the turns grouped by the article they expected, largest group first.
        public var topics: [Topic]
    }

    /// A conversation with at least one failing turn.
    public struct Conversation: Sendable, Hashable {
        /// The conversation id.
        public var id: String
        /// Expectations missed over all its turns.
        public var brokenExpectations: Int
        /// Its failing turns.
        public var turns: [Turn]
    }

    /// Failing turns (each counted once).
    public var turnCount: Int
    /// Causes by count, most first (pipeline order breaks ties); the counts sum to `turnCount`.
    public var groups: [Group]
    /// Failing conversations, most broken expectations first (suite order breaks ties).
    public var conversations: [Conversation]

    /// Failing turns per cause name (`kb_gap`), as `eval --json` reports them.
    public var byCause: [String: Int] {
        Dictionary(groups.map { ($0.cause.rawValue, $0.turns.count) }, uniquingKeysWith: +)
    }

    /// Attributes every failing turn of `records`.
    ///
    /// - Parameters:
    ///   - records: a run's turns, in suite order.
    ///   - knowledge: what the knowledge base held (`RunInfo.knowledge`); nil when unknown (no `kb_gap` then).
    public init(records: [TurnRecord], knowledge: KnowledgeFacts?) {
        var byCause: [FailureCause: [Turn]] = [:]
        var byConversation: [String: Conversation] = [:]
        var order: [String] = []
        for record in records {
            let unmet = record.unmetExpectations
            guard !unmet.isEmpty, let cause = TurnCheck.cause(of: record, knowledge: knowledge) else { continue }
            let turn = Turn(conversation: record.conversationId, index: record.turnIndex, user: record.user,
                            expectations: unmet, docs: record.expected.docs ?? [])
            byCause[cause, default: []].append(turn)
            if byConversation[record.conversationId] == nil {
                order.append(record.conversationId)
                byConversation[record.conversationId] = Conversation(id: record.conversationId, brokenExpectations: 0, turns: [])
            }
            byConversation[record.conversationId]?.brokenExpectations += unmet.count
            byConversation[record.conversationId]?.turns.append(turn)
        }
        turnCount = byCause.values.reduce(0) { $0 + $1.count }
        groups = byCause.keys.sorted { (byCause[$0]?.count ?? 0, $1) > (byCause[$1]?.count ?? 0, $0) }.map { cause in
            let turns = byCause[cause] ?? []
            var topics = cause.groupsByArticle ? Self.topics(turns, cause: cause, missing: Set(knowledge?.missingDocIds ?? [])) : []
            for index in topics.indices {
                let article = topics[index].article
                topics[index].alsoExpectedBy = byCause.filter { $0.key < cause }.values.joined().filter { $0.docs.contains(article) }.count
            }
            return Group(cause: cause, turns: turns, topics: topics)
        }
        let position = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        conversations = order.compactMap { byConversation[$0] }.sorted {
            ($0.brokenExpectations, position[$1.id] ?? 0) > ($1.brokenExpectations, position[$0.id] ?? 0)
        }
    }

    /// Turns grouped by the article they expected (for `kb_gap` the first missing one, for `retrieval_rank` the first
    /// one the knowledge base has), largest group first, then by article id.
    static func topics(_ turns: [Turn], cause: FailureCause, missing: Set<String>) -> [Topic] {
        let grouped = Dictionary(grouping: turns) { turn in
            let article = cause == .kbGap ? turn.docs.first(where: missing.contains) : turn.docs.first { !missing.contains($0) }
            return article ?? turn.docs.first ?? "(no article)"
        }
        return grouped.map { Topic(article: $0.key, turns: $0.value) }
            .sorted { ($0.turns.count, $1.article) > ($1.turns.count, $0.article) }
    }

    /// The plain-text "What to fix" block of the terminal summary: a line per cause with its count and
    /// explanation, then its turns (or, for articles, the questions per article), at most `limit` each.
    public func lines(limit: Int = 5) -> [String] {
        guard turnCount > 0 else { return ["what to fix: nothing, every turn met its expectations"] }
        var lines = ["what to fix: \(turnCount) failing turns, by the first stage that broke"]
        for group in groups {
            lines.append("  \(group.turns.count.description.leftPadded(to: 4))  \(group.cause.rawValue): \(group.cause.explanation)")
            if group.topics.isEmpty {
                for turn in group.turns.prefix(limit) {
                    lines.append("        \(turn.conversation) turn \(turn.index + 1) \"\(turn.user)\"")
                }
                if group.turns.count > limit { lines.append("        ... and \(group.turns.count - limit) more") }
            } else {
                for topic in group.topics.prefix(limit) {
                    let questions = topic.turns.prefix(3).map { "\"\($0.user)\"" }.joined(separator: ", ")
                    let more = topic.turns.count > 3 ? ", and \(topic.turns.count - 3) more" : ""
                    lines.append("        \(topic.article) (\(topic.turns.count)\(topic.alsoNote)): \(questions)\(more)")
                }
                if group.topics.count > limit { lines.append("        ... and \(group.topics.count - limit) more articles") }
            }
        }
        return lines
    }
}

/// `eval --json`'s `"failures"`: `{"turns": N, "by_cause": {CAUSE: n}, "conversations": M}`; the counts sum to N.
public struct FailuresOutput: Encodable, Sendable, Hashable {
    /// Failing turns.
    public var turns: Int
    /// Failing turns per cause; every cause appears, with 0 when none.
    public var byCause: [String: Int]
    /// Conversations with at least one failing turn.
    public var conversations: Int

    /// The JSON form of `report`.
    public init(_ report: FailureReport) {
        turns = report.turnCount
        var counts = Dictionary(FailureCause.allCases.map { ($0.rawValue, 0) }, uniquingKeysWith: +)
        counts.merge(report.byCause) { _, new in new }
        byCause = counts
        conversations = report.conversations.count
    }

    private enum CodingKeys: String, CodingKey { case turns, byCause = "by_cause", conversations }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
