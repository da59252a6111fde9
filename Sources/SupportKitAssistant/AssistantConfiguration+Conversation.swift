import Foundation
import SupportKit

extension AssistantConfiguration {
    /// What happens to a message no intent covers (`assistant.out_of_scope`).
    public struct OutOfScope: Sendable, Hashable, Codable {
        /// The routing of an out-of-scope message.
        public enum Action: String, SettingChoice {
            /// Say clearly that this is not something the assistant can help with here, and offer a person.
            case decline
            /// Hand the conversation to a person (a ticket with reason `out_of_scope`).
            case handoff
            /// Report the score only.
            case off
        }

        public var action: Action
        /// The signal `supportkit train` calibrates the detector on.
        public var method: OutOfScopeDetector.Method
        /// The share of held-out in-scope training examples the calibrated threshold rejects.
        public var rejectionRate: Double
        /// Overrides the calibrated threshold (a score between 0 and 1) when set.
        public var threshold: Double?

        /// Out-of-scope settings; every value defaults.
        public init(action: Action = .decline, method: OutOfScopeDetector.Method = .combined, rejectionRate: Double = 0.01, threshold: Double? = nil) {
            self.action = action
            self.method = method
            self.rejectionRate = rejectionRate
            self.threshold = threshold
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case action, method, threshold
            case rejectionRate = "rejection_rate"
        }
    }

    /// How much of the conversation so far a turn looks at (`assistant.context`).
    ///
    /// Every window is bounded, so a turn costs the same however long the conversation is.
    public struct Context: Sendable, Hashable, Codable {
        /// How the conversation enters the dense query.
        public enum Method: String, SettingChoice {
            /// `unit(message + weight * context)`, the context being the earlier turns' embeddings, newer ones
            /// weighing more.
            case blend
            /// One embedding of the earlier turns' text (customer messages and logged agent messages, or the
            /// titles the assistant cited) followed by the message.
            case prepend
            /// The message alone (the words too).
            case message
        }

        /// How the conversation enters the dense query; see ``Method``.
        public var method: Method
        /// Earlier turns (a customer message and the reply or logged agent message after it) that the
        /// knowledge query sees.
        public var turns: Int
        /// Weight of the earlier turns' embedding in the query vector: `unit(message + weight * context)`.
        /// 0 searches with the message alone.
        public var weight: Double
        /// Earlier customer messages checked for a repeated message (a frustration cue).
        public var repeatWindow: Int
        /// Turns a ticket's transcript keeps at most (the most recent ones).
        public var transcriptTurns: Int

        /// Context settings; every value defaults.
        public init(method: Method = .blend, turns: Int = 2, weight: Double = 0.5, repeatWindow: Int = 20, transcriptTurns: Int = 50) {
            self.method = method
            self.turns = turns
            self.weight = weight
            self.repeatWindow = repeatWindow
            self.transcriptTurns = transcriptTurns
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case method, turns, weight
            case repeatWindow = "repeat_window"
            case transcriptTurns = "transcript_turns"
        }
    }
}
