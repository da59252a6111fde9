import Foundation
import SupportKit

/// Decides whether a turn goes to a person, and says why.
///
/// Every rule lives here, each configurable and each able to fire alone: an escalation intent (or the customer
/// accepting an offered person), low intent confidence, a problem reported again while still unresolved,
/// frustration cues, a possible account takeover or fraud, no knowledge-base article that matches, and a message
/// no intent covers when out-of-scope messages are handed off. The reasons are kept machine-readable
/// (`code: detail`) because evaluation slices by them.
public struct EscalationPolicy: Sendable {
    /// The rules, by the stable code each reason carries.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        case escalateIntent = "escalate_intent"
        case lowConfidence = "low_confidence"
        case repeatedProblem = "repeated_problem"
        case frustration
        case security
        case noKnowledgeMatch = "no_knowledge_match"
        case outOfScope = "out_of_scope"
        case longConversation = "long_conversation"

        public var description: String { rawValue }

        /// The rules that only say "the assistant cannot place this message"; an out-of-scope answer replaces them.
        var isWeak: Bool { self == .lowConfidence || self == .noKnowledgeMatch }
    }

    /// Why a turn escalated.
    public struct Reason: Sendable, Hashable, Codable, CustomStringConvertible {
        public var code: Code
        public var detail: String

        /// A reason with a stable `code` and a human `detail`.
        public init(code: Code, detail: String) {
            self.code = code
            self.detail = detail
        }

        /// `code: detail`.
        public var description: String { "\(code.rawValue): \(detail)" }
    }

    /// A message the out-of-scope detector placed outside every intent.
    public struct OutOfScope: Sendable, Hashable {
        public var score: Double
        public var threshold: Double
        /// `out_of_scope.action: handoff`: a person takes it (otherwise the assistant declines it).
        public var handoff: Bool

        /// - Parameters:
        ///   - score: the detector's score.
        ///   - threshold: its threshold.
        ///   - handoff: whether out-of-scope messages go to a person.
        public init(score: Double, threshold: Double, handoff: Bool) {
            self.score = score
            self.threshold = threshold
            self.handoff = handoff
        }
    }

    /// What the policy looks at for one turn.
    public struct Signals: Sendable, Hashable {
        public var intent: String
        public var confidence: Double
        /// Unresolved reports of this problem so far, counting the current message when it reports one.
        public var unresolvedProblemReports: Int
        /// From `FrustrationDetector`.
        public var frustrationCues: [String]
        /// The best cosine similarity of any knowledge chunk (nil when retrieval was not run or does not
        /// matter, e.g. the customer says the problem is solved).
        public var bestKnowledgeScore: Double?
        /// Phrases suggesting an account takeover or fraud ("never placed", "not me", "hacked").
        public var securityConcerns: [String]
        /// The customer said yes to the person offered on the previous turn.
        public var acceptsHandoff: Bool
        /// Set when no intent covers the message.
        public var outOfScope: OutOfScope?
        /// Messages the customer has written in this conversation, counting this one.
        public var customerMessages = 1
        /// The message says the problem is solved ("it went through, thanks").
        public var reportsResolution = false

        /// The signals of one turn; rules whose signal is absent cannot fire.
        public init(intent: String, confidence: Double, unresolvedProblemReports: Int = 0, frustrationCues: [String] = [], bestKnowledgeScore: Double? = nil, securityConcerns: [String] = [], acceptsHandoff: Bool = false, outOfScope: OutOfScope? = nil) {
            self.acceptsHandoff = acceptsHandoff
            self.outOfScope = outOfScope
            self.securityConcerns = securityConcerns
            self.intent = intent
            self.confidence = confidence
            self.unresolvedProblemReports = unresolvedProblemReports
            self.frustrationCues = frustrationCues
            self.bestKnowledgeScore = bestKnowledgeScore
        }
    }

    /// The verdict.
    public struct Decision: Sendable, Hashable {
        public var escalate: Bool { !reasons.isEmpty }
        public var reasons: [Reason]
        /// How urgently a person should pick it up.
        public var priority: Ticket.Priority

        /// A decision; it escalates when `reasons` is not empty.
        public init(reasons: [Reason], priority: Ticket.Priority) {
            self.reasons = reasons
            self.priority = priority
        }
    }

    public let configuration: AssistantConfiguration.Escalation
    /// The knowledge-score floor in force (the configured one, or the embedder's default).
    public let minKnowledgeScore: Double

    /// A policy with `configuration`; `embedder` picks the knowledge floor when none is configured.
    public init(configuration: AssistantConfiguration.Escalation = .init(), embedder: EmbedderFingerprint) {
        self.configuration = configuration
        self.minKnowledgeScore = configuration.minKnowledgeScore ?? AssistantConfiguration.Escalation.defaultMinKnowledgeScore(for: embedder)
    }

    /// Applies every rule to `signals`.
    public func decide(_ signals: Signals) -> Decision {
        var reasons: [Reason] = []
        if configuration.intents.contains(signals.intent), signals.confidence >= configuration.minEscalateConfidence {
            reasons.append(Reason(code: .escalateIntent, detail: "the customer asked for a person (intent \(signals.intent))"))
        } else if signals.acceptsHandoff {
            reasons.append(Reason(code: .escalateIntent, detail: "the customer accepted the offer of a person"))
        }
        if configuration.minIntentConfidence > 0, signals.confidence < configuration.minIntentConfidence {
            reasons.append(Reason(code: .lowConfidence, detail: String(format: "intent %@ at %.2f is below %.2f", signals.intent, signals.confidence, configuration.minIntentConfidence)))
        }
        if configuration.repeatedProblems > 0, signals.unresolvedProblemReports >= configuration.repeatedProblems {
            reasons.append(Reason(code: .repeatedProblem, detail: "\(signals.unresolvedProblemReports) unresolved reports of the same problem"))
        }
        if configuration.frustrationCues > 0, signals.frustrationCues.count >= configuration.frustrationCues {
            reasons.append(Reason(code: .frustration, detail: signals.frustrationCues.joined(separator: ", ")))
        }
        if configuration.security, !signals.securityConcerns.isEmpty {
            reasons.append(Reason(code: .security, detail: "possible account takeover or fraud: " + signals.securityConcerns.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")))
        }
        if let best = signals.bestKnowledgeScore, configuration.knowledgeIntents.contains(signals.intent), best < minKnowledgeScore {
            reasons.append(Reason(code: .noKnowledgeMatch, detail: String(format: "best article scores %.2f, below %.2f", best, minKnowledgeScore)))
        }
        if configuration.maxCustomerMessages > 0, !signals.reportsResolution, signals.customerMessages >= configuration.maxCustomerMessages {
            reasons.append(Reason(code: .longConversation, detail: "\(signals.customerMessages) customer messages in this conversation and the problem is not solved"))
        }
        if let outOfScope = signals.outOfScope {
            // The out-of-scope answer replaces the weak "cannot place it" rules; the strong ones still stand.
            reasons.removeAll { $0.code.isWeak }
            if outOfScope.handoff {
                reasons.append(Reason(code: .outOfScope, detail: String(
                    format: "no intent covers this message (score %.2f, threshold %.2f)", outOfScope.score, outOfScope.threshold)))
            }
        }
        let codes = Set(reasons.map(\.code))
        let priority: Ticket.Priority
        if codes.contains(.security) || (codes.contains(.frustration) && (codes.contains(.escalateIntent) || codes.contains(.repeatedProblem))) {
            priority = .urgent
        } else if codes.contains(.frustration) || codes.contains(.repeatedProblem) {
            priority = .high
        } else if codes.contains(where: { !$0.isWeak }) {
            priority = .normal
        } else {
            priority = .low
        }
        return Decision(reasons: reasons, priority: priority)
    }
}
