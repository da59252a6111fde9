import Foundation
import SupportKit

/// The stage of the assistant's pipeline a failing turn is attributed to: the first one that broke.
///
/// Cases are declared in pipeline order (scope, classification, retrieval, escalation, answer); a turn that
/// misses several expectations is attributed to the earliest, so each failing turn counts once.
public enum FailureCause: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The turn was expected to be (or not to be) out of scope, and the assistant judged it the other way.
    case outOfScope = "out_of_scope"
    /// The turn was expected to be (or not to be) small talk, and the assistant judged it the other way.
    case smallTalk = "small_talk"
    /// The intent classifier chose the wrong intent.
    case intent
    /// The category was wrong.
    case category
    /// The category was wrong and the category filter then hid the expected article (it is in another category).
    case categoryFilter = "category_filter"
    /// The expected article is not in the knowledge base: write it (or fix the label).
    case kbGap = "kb_gap"
    /// The expected article is in the knowledge base (or could not be checked) but ranked below the top 5.
    case retrievalRank = "retrieval_rank"
    /// The assistant should have escalated and did not.
    case escalationMissed = "escalation_missed"
    /// The assistant escalated when it should not have.
    case escalationFalseAlarm = "escalation_false_alarm"
    /// The answer missed an answer expectation.
    case answer

    /// Pipeline order.
    public static func < (lhs: FailureCause, rhs: FailureCause) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    /// What the cause means to someone deciding what to fix.
    public var explanation: String {
        switch self {
        case .outOfScope: "out-of-scope judged wrongly"
        case .smallTalk: "small talk judged wrongly"
        case .intent: "wrong intent"
        case .category: "wrong category"
        case .categoryFilter: "wrong category, and the category filter hid the expected article"
        case .kbGap: "expected article not in the knowledge base"
        case .retrievalRank: "expected article ranked below the top 5"
        case .escalationMissed: "should have escalated, did not"
        case .escalationFalseAlarm: "escalated when it should not have"
        case .answer: "answer missed its expectations"
        }
    }

    /// Whether a maintainer reads this cause as a list of customer questions per article (write or fix it).
    public var groupsByArticle: Bool { self == .kbGap || self == .retrievalRank }
}

/// One expectation of one turn, judged against the reply.
public struct ExpectationResult: Sendable, Hashable {
    /// The expectation's field, e.g. `intent`, `docs`, `answer.contains`.
    public var field: String
    /// Whether the reply met it.
    public var held: Bool
    /// How it missed, e.g. `intent: expected problem, got question` (empty when it held).
    public var detail: String
    /// The stage a miss is attributed to (refined with the knowledge base's facts by `TurnCheck.cause`).
    public var cause: FailureCause

    /// A judged expectation.
    public init(field: String, held: Bool, detail: String = "", cause: FailureCause) {
        self.field = field
        self.held = held
        self.detail = detail
        self.cause = cause
    }
}

/// A kind of expectation: reads its labels from a turn's `expect` and judges the reply.
///
/// Every kind lives in `TurnCheck.kinds`, the one list the pass/fail of a turn and of a conversation, the
/// failure attribution, JUnit, the summaries and the report read. A new kind of expectation (answer checks,
/// small talk) is a value of this type added to that list.
public struct ExpectationKind: Sendable {
    /// The kind's name, e.g. `intent`.
    public var name: String
    /// The expectations of this kind a turn carries, judged; empty when the turn has none.
    public var judge: @Sendable (_ expected: Conversation.Expectation, _ prediction: Prediction) -> [ExpectationResult]

    /// A kind of expectation.
    public init(name: String, judge: @escaping @Sendable (Conversation.Expectation, Prediction) -> [ExpectationResult]) {
        self.name = name
        self.judge = judge
    }
}

/// What the knowledge base held when a run was scored, as far as attribution needs it.
public struct KnowledgeFacts: Sendable, Hashable, Codable {
    /// Expected document ids (named in the suite's `docs`) that were not in the knowledge base.
    public var missingDocIds: [String]
    /// The category of each document in the knowledge base, by id.
    public var categories: [String: String]
    /// The tags of each document in the knowledge base, by id.
    public var tags: [String: [String]]

    /// Facts about a knowledge base.
    public init(missingDocIds: [String] = [], categories: [String: String] = [:], tags: [String: [String]] = [:]) {
        self.missingDocIds = missingDocIds
        self.categories = categories
        self.tags = tags
    }

    private enum CodingKeys: String, CodingKey { case missingDocIds = "missing_doc_ids", categories, tags }
}

/// The per-turn check: which expectations of a turn held, and where a failing turn broke first.
public enum TurnCheck {
    /// The document cut-off a `docs` expectation is judged at: at least one expected document in the top 5 (the
    /// headline `hit@5`), so a turn's pass or fail agrees with the report's retrieval headline.
    public static let docsCutoff = 5

    /// Every kind of expectation, in pipeline order.
    public static let kinds: [ExpectationKind] = [.intent, .category, .docs, .escalate, .answer]

    /// Each labeled expectation of `record`, judged; empty when the turn is unmeasured or unlabeled.
    public static func results(for record: TurnRecord, kinds: [ExpectationKind] = kinds) -> [ExpectationResult] {
        guard record.status == .ok, let prediction = record.prediction else { return [] }
        return kinds.flatMap { $0.judge(record.expected, prediction) }
    }

    /// The stage `record` broke at first, or nil when it passed (or is unmeasured).
    ///
    /// - Parameters:
    ///   - record: the turn.
    ///   - knowledge: what the knowledge base held; nil when it could not be checked (`eval --target`), and a
    ///     missed article is then never a `kb_gap`.
    ///   - kinds: the expectation kinds (the default list unless a test plugs in its own).
    public static func cause(
        of record: TurnRecord, knowledge: KnowledgeFacts?, kinds: [ExpectationKind] = kinds
    ) -> FailureCause? {
        let failed = results(for: record, kinds: kinds).filter { !$0.held }
        guard let prediction = record.prediction else { return nil }
        let causes = failed.map { refine($0.cause, record: record, prediction: prediction, knowledge: knowledge) }
        return causes.min()
    }

    /// A retrieval miss becomes `kb_gap` when no expected article exists; a wrong category becomes
    /// `category_filter` when the expected article exists in another category and retrieval evidently searched
    /// only the predicted one (every document it returned is in that category).
    static func refine(
        _ cause: FailureCause, record: TurnRecord, prediction: Prediction, knowledge: KnowledgeFacts?
    ) -> FailureCause {
        guard let knowledge, let docs = record.expected.docs, !docs.isEmpty else { return cause }
        let missing = Set(knowledge.missingDocIds)
        let present = docs.filter { !missing.contains($0) }
        switch cause {
        case .retrievalRank:
            return present.isEmpty ? .kbGap : cause
        case .category:
            guard let predicted = prediction.category, !present.isEmpty,
                  !prediction.rankedDocIds.prefix(docsCutoff).contains(where: docs.contains),
                  present.allSatisfy({ knowledge.categories[$0].map { $0 != predicted } ?? false }) else { return cause }
            let retrievedCategories = prediction.rankedDocIds.compactMap { knowledge.categories[$0] }
            let filtered = !retrievedCategories.isEmpty && retrievedCategories.allSatisfy { $0 == predicted }
            return filtered ? .categoryFilter : cause
        default:
            return cause
        }
    }
}

extension ExpectationKind {
    /// `expect.intent`.
    public static let intent = ExpectationKind(name: "intent") { expected, prediction in
        guard let intent = expected.intent else { return [] }
        let held = intent == prediction.intent
        return [ExpectationResult(field: "intent", held: held,
                                  detail: held ? "" : "intent: expected \(intent), got \(prediction.intent)", cause: .intent)]
    }

    /// `expect.category`.
    public static let category = ExpectationKind(name: "category") { expected, prediction in
        guard let category = expected.category else { return [] }
        let held = category == prediction.category
        return [ExpectationResult(field: "category", held: held,
                                  detail: held ? "" : "category: expected \(category), got \(prediction.category ?? "none")",
                                  cause: .category)]
    }

    /// `expect.docs`: met when at least one expected document is in the top `TurnCheck.docsCutoff`.
    public static let docs = ExpectationKind(name: "docs") { expected, prediction in
        guard let docs = expected.docs, !docs.isEmpty else { return [] }
        let top = prediction.rankedDocIds.prefix(TurnCheck.docsCutoff)
        let held = docs.contains(where: top.contains)
        let detail = held ? "" : "docs: none of [\(docs.joined(separator: ", "))] in top \(TurnCheck.docsCutoff) [\(top.joined(separator: ", "))]"
        return [ExpectationResult(field: "docs", held: held, detail: detail, cause: .retrievalRank)]
    }

    /// `expect.escalate`.
    public static let escalate = ExpectationKind(name: "escalate") { expected, prediction in
        guard let escalate = expected.escalate else { return [] }
        let held = escalate == prediction.escalated
        return [ExpectationResult(field: "escalate", held: held,
                                  detail: held ? "" : "escalate: expected \(escalate), got \(prediction.escalated)",
                                  cause: escalate ? .escalationMissed : .escalationFalseAlarm)]
    }
}
