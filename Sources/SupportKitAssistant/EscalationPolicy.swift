import Foundation
import SupportKit

/// Decides whether a turn goes to a person, and says why.
///
/// Six rules, each configurable and each able to fire alone: an escalation intent, low intent confidence,
/// a problem reported again while still unresolved, frustration cues, a possible account takeover or fraud,
/// and no knowledge-base article that matches. The reasons are kept machine-readable (`code: detail`) because evaluation slices by them.
public struct EscalationPolicy: Sendable {
    /// Why a turn escalated.
    public struct Reason: Sendable, Hashable, Codable, CustomStringConvertible {
        /// `escalate_intent`, `low_confidence`, `repeated_problem`, `frustration`, `security`, `no_knowledge_match`.
        public var code: String
        public var detail: String

        /// A reason with a stable `code` and a human `detail`.
        public init(code: String, detail: String) {
            self.code = code
            self.detail = detail
        }

        /// `code: detail`.
        public var description: String { "\(code): \(detail)" }
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

        /// The signals of one turn; rules whose signal is absent cannot fire.
        public init(intent: String, confidence: Double, unresolvedProblemReports: Int = 0, frustrationCues: [String] = [], bestKnowledgeScore: Double? = nil, securityConcerns: [String] = []) {
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
            reasons.append(Reason(code: "escalate_intent", detail: "the customer asked for a person (intent \(signals.intent))"))
        }
        if configuration.minIntentConfidence > 0, signals.confidence < configuration.minIntentConfidence {
            reasons.append(Reason(code: "low_confidence", detail: String(format: "intent %@ at %.2f is below %.2f", signals.intent, signals.confidence, configuration.minIntentConfidence)))
        }
        if configuration.repeatedProblems > 0, signals.unresolvedProblemReports >= configuration.repeatedProblems {
            reasons.append(Reason(code: "repeated_problem", detail: "\(signals.unresolvedProblemReports) unresolved reports of the same problem"))
        }
        if configuration.frustrationCues > 0, signals.frustrationCues.count >= configuration.frustrationCues {
            reasons.append(Reason(code: "frustration", detail: signals.frustrationCues.joined(separator: ", ")))
        }
        if configuration.security, !signals.securityConcerns.isEmpty {
            reasons.append(Reason(code: "security", detail: "possible account takeover or fraud: " + signals.securityConcerns.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")))
        }
        if let best = signals.bestKnowledgeScore, configuration.knowledgeIntents.contains(signals.intent), best < minKnowledgeScore {
            reasons.append(Reason(code: "no_knowledge_match", detail: String(format: "best article scores %.2f, below %.2f", best, minKnowledgeScore)))
        }
        let codes = Set(reasons.map(\.code))
        let priority: Ticket.Priority
        if codes.contains("security") || (codes.contains("frustration") && (codes.contains("escalate_intent") || codes.contains("repeated_problem"))) {
            priority = .urgent
        } else if codes.contains("frustration") || codes.contains("repeated_problem") {
            priority = .high
        } else if codes.contains("escalate_intent") {
            priority = .normal
        } else {
            priority = .low
        }
        return Decision(reasons: reasons, priority: priority)
    }
}
