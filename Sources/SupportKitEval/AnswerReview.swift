import SupportKit
import SupportKitGrounding

/// What the evaluation found in one answer's text: its groundedness against the chunks retrieval returned, the
/// claims those chunks do not support and why, leftover markup, and the unmet answer expectations.
public struct AnswerReview: Sendable, Hashable, Codable {
    /// An unsupported claim and the reason the checker gave.
    public struct Claim: Sendable, Hashable, Codable {
        public var text: String
        public var reason: String

        /// - Parameters:
        ///   - text: the claim.
        ///   - reason: why it is unsupported.
        public init(text: String, reason: String) {
            self.text = text
            self.reason = reason
        }
    }

    /// The groundedness score in [0, 1]; nil when the turn was not an answer (small talk, out of scope, no
    /// retrieved text, or nothing but questions and pleasantries).
    public var groundedness: Double?
    /// The claims the retrieved chunks do not support.
    public var unsupported: [Claim]
    /// Template or HTML markup left in the text (`{%`, `{{`, `{:`, `&rarr;`).
    public var markup: [String]
    /// The unmet answer expectations; nil when the turn has none (`expect.answer`, `small_talk`, `out_of_scope`).
    public var failures: [String]?
    /// What the optional LLM judge (`eval.judge`) said of the answer; nil without a judge or for a non-answer.
    public var judge: JudgeScores?

    /// - Parameters:
    ///   - groundedness: the score, nil when not an answer.
    ///   - unsupported: unsupported claims.
    ///   - markup: leftover markup.
    ///   - failures: unmet answer expectations, nil when none were labeled.
    public init(groundedness: Double?, unsupported: [Claim] = [], markup: [String] = [], failures: [String]? = nil) {
        self.groundedness = groundedness
        self.unsupported = unsupported
        self.markup = markup
        self.failures = failures
    }

    /// The passages a reply was given: each retrieved chunk's title and text (a chunk's title is part of what the
    /// customer is pointed to, "I found two articles: ...").
    public static func passages(of reply: Reply) -> [String] {
        reply.retrieved.compactMap { chunk in chunk.text.map { chunk.title + ".\n" + $0 } }
    }

    /// What else the reply was given about this customer: the memory it recalled ("open issue: ..."), which an
    /// answer may quote ("I can see your earlier report is still open: ...").
    static func memoryPassages(of reply: Reply) -> [String] {
        reply.memoryRecalled.filter { !$0.isEmpty }
    }

    /// Markup that must never reach a customer.
    public static let markupTokens = ["{%", "{{", "{:", "&rarr;"]

    /// Reviews `reply` to `turn`: the groundedness check against the text of the chunks it retrieved, the markup
    /// scan and `check`'s answer expectations.
    public static func review(turn: Conversation.Turn, reply: Reply, check: AnswerCheck,
                              checker: GroundednessChecker) -> AnswerReview {
        let passages = Self.passages(of: reply)
        var groundedness: Double?
        var unsupported: [Claim] = []
        let isAnswer = reply.smallTalk == nil && reply.outOfScope != true && !passages.isEmpty
        if isAnswer {
            // The ticket notice ("I've passed this to our support team (ticket T-00042, high priority)") reports
            // what the assistant did; the escalation expectations check it, the knowledge base cannot.
            let verdict = checker.check(response: reply.text, sources: GroundingSources(passages + memoryPassages(of: reply)),
                                        notices: reply.ticket.map { [$0.id] } ?? [])
            if !verdict.claims.isEmpty {
                groundedness = verdict.score
                unsupported = verdict.unsupported.map { Claim(text: $0.text, reason: $0.reason ?? "") }
            }
        }
        let markup = markupTokens.filter { reply.text.contains($0) }
        let failures = check.judges(turn) ? check.unmet(turn: turn, reply: reply) : nil
        return AnswerReview(groundedness: groundedness, unsupported: unsupported, markup: markup, failures: failures)
    }
}
