import Foundation
import SupportKit
import SupportKitGrounding

/// Judges a reply against a turn's answer expectations (`expect.answer`, `expect.small_talk`,
/// `expect.out_of_scope`): one place decides, and the turn's pass/fail (`TurnRecord.unmetExpectations`) and
/// `answer_pass_rate` read its result.
public struct AnswerCheck: Sendable {
    /// Settings from `eval.answer` in supportkit.yaml.
    public struct Configuration: Sendable, Hashable, Codable {
        /// `similar_to` passes when the reply's groundedness score against the reference answer reaches this.
        ///
        /// The default, 0.75, is the groundedness checker's own cut: the most accurate threshold between
        /// attributable and not on every BEGIN development split. "Similar" here means the reference supports what
        /// the reply says, claim by claim, with the same fact check (a changed number or a flipped yes/no fails).
        public var similarityThreshold: Double
        /// Whether a logged `agent:` message after a user turn serves as its `similar_to` reference.
        public var referenceFromAgent: Bool
        /// Whether replies are reviewed at all (groundedness, markup, answer expectations). Only
        /// `scripts/bench-eval.sh --real` turns it off, to measure what the review costs against a run without it
        /// (`SUPPORTKIT_BENCH_NO_ANSWER_REVIEW=1`); such a run has no answer metrics.
        public var reviewsAnswers = true

        /// - Parameters:
        ///   - similarityThreshold: the score `similar_to` needs (0.75).
        ///   - referenceFromAgent: whether logged agent messages are references (false).
        public init(similarityThreshold: Double = 0.75, referenceFromAgent: Bool = false) {
            self.similarityThreshold = similarityThreshold
            self.referenceFromAgent = referenceFromAgent
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case similarityThreshold = "similarity_threshold", referenceFromAgent = "reference_from_agent"
        }
    }

    /// The settings in use.
    public let configuration: Configuration
    private let checker: GroundednessChecker

    /// - Parameter configuration: the settings.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        checker = GroundednessChecker()
    }

    /// The answer expectation of `turn`, with a logged agent message as the `similar_to` reference when
    /// `referenceFromAgent` is on and the turn names none; nil when the turn has no answer expectation.
    public func answerExpectation(for turn: Conversation.Turn) -> AnswerExpectation? {
        var answer = turn.expect.answer
        if configuration.referenceFromAgent, answer?.similarTo == nil, let reference = turn.agentMessages.first {
            answer = answer ?? AnswerExpectation()
            answer?.similarTo = reference
        }
        return answer
    }

    /// Whether the turn has anything this check judges.
    public func judges(_ turn: Conversation.Turn) -> Bool {
        answerExpectation(for: turn) != nil || turn.expect.smallTalk != nil || turn.expect.outOfScope != nil
    }

    /// The unmet answer expectations of `reply` for `turn`, as short phrases (`answer.contains: "60 minutes" not
    /// in the answer`); empty when all hold.
    public func unmet(turn: Conversation.Turn, reply: Reply) -> [String] {
        var unmet: [String] = []
        if let answer = answerExpectation(for: turn) {
            let text = Self.normalized(reply.text)
            for phrase in answer.contains where !text.contains(Self.normalized(phrase)) {
                unmet.append("answer.contains: \"\(phrase)\" not in the answer")
            }
            for phrase in answer.notContains where text.contains(Self.normalized(phrase)) {
                unmet.append("answer.not_contains: \"\(phrase)\" is in the answer")
            }
            if let pattern = answer.matches {
                let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
                let range = NSRange(reply.text.startIndex..., in: reply.text)
                if expression?.firstMatch(in: reply.text, range: range) == nil {
                    unmet.append("answer.matches: no match for /\(pattern)/")
                }
            }
            let cited = Set(reply.sources.map(\.docId))
            let missing = answer.cites.filter { !cited.contains($0) }
            if !missing.isEmpty {
                let got = reply.sources.map(\.docId).joined(separator: ", ")
                unmet.append("answer.cites: [\(missing.joined(separator: ", "))] not among the sources [\(got)]")
            }
            if let reference = answer.similarTo {
                let score = checker.check(response: reply.text, sources: [reference]).score
                if score < configuration.similarityThreshold {
                    unmet.append(String(format: "answer.similar_to: %.2f < %.2f", score, configuration.similarityThreshold))
                }
            }
        }
        if let smallTalk = turn.expect.smallTalk, smallTalk != (reply.smallTalk != nil) {
            unmet.append("small_talk: expected \(smallTalk), got \(reply.smallTalk != nil)")
        }
        if let outOfScope = turn.expect.outOfScope, outOfScope != (reply.outOfScope == true) {
            unmet.append("out_of_scope: expected \(outOfScope), got \(reply.outOfScope == true)")
        }
        return unmet
    }

    /// Lower-cased, runs of white space as one space: "60  Minutes" contains "60 minutes".
    static func normalized(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension ExpectationKind {
    /// `expect.answer`, `expect.small_talk`, `expect.out_of_scope`: judged by `AnswerCheck` when the reply arrived
    /// (a `similar_to` reference or a logged agent message is not in the stored turn); the stored verdict is read.
    public static let answer = ExpectationKind(name: "answer") { _, prediction in
        guard let failures = prediction.answerReview?.failures else { return [] }
        guard !failures.isEmpty else { return [ExpectationResult(field: "answer", held: true, cause: .answer)] }
        return failures.map { detail in
            let field = String(detail.prefix { $0 != ":" })
            let cause: FailureCause = field == "small_talk" ? .smallTalk : field == "out_of_scope" ? .outOfScope : .answer
            return ExpectationResult(field: field, held: false, detail: detail, cause: cause)
        }
    }
}
