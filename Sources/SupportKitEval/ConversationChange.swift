import Foundation

/// A conversation whose outcome changed between a baseline run and this one: it passed and now fails
/// (a regression), or it failed and now passes (a fix).
///
/// A conversation passes when no measured turn misses a labeled expectation (`TurnRecord.unmetExpectations`).
/// Both runs are judged on the turns measured in both, against the current labels, so a timeout or a relabeled
/// turn is not mistaken for a change.
public struct ConversationChange: Sendable, Hashable, Codable {
    /// Which way the outcome went.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// Passed in the baseline, fails now.
        case regressed
        /// Failed in the baseline, passes now.
        case fixed
    }

    /// One turn that decides the change: the expectations that broke (regressed) or were fixed.
    public struct Turn: Sendable, Hashable, Codable {
        /// The turn's index in the conversation, from 0.
        public var index: Int
        /// What the customer said.
        public var user: String
        /// `intent: expected problem, got question`, as `TurnRecord.unmetExpectations` words it: unmet now for
        /// a regression, unmet in the baseline for a fix.
        public var expectations: [String]

        /// A turn of a change.
        public init(index: Int, user: String, expectations: [String]) {
            self.index = index
            self.user = user
            self.expectations = expectations
        }

        private enum CodingKeys: String, CodingKey { case index = "turn", user, expectations }
    }

    /// The conversation id.
    public var conversation: String
    /// Regressed or fixed.
    public var direction: Direction
    /// The turns whose expectations changed, in order.
    public var turns: [Turn]

    /// A change.
    public init(conversation: String, direction: Direction, turns: [Turn]) {
        self.conversation = conversation
        self.direction = direction
        self.turns = turns
    }

    /// `billing-double-charge-01 turn 2 "Get me a human": escalate: expected true, got false`, one line.
    public var summary: String {
        let verb = direction == .regressed ? "now fails" : "now passes"
        let detail = turns.map { turn in
            "turn \(turn.index + 1) \"\(turn.user)\": " + turn.expectations.joined(separator: "; ")
        }.joined(separator: " | ")
        return "\(conversation) \(verb): \(detail)"
    }

    /// The conversations whose outcome differs, regressions first, each group in the order of `current`.
    ///
    /// - Parameters:
    ///   - current: this run's turns measured in both runs.
    ///   - baseline: the baseline's replies to the same turns (same order), judged against the current labels.
    /// - Returns: the changes; empty when no conversation changed.
    public static func between(current: [TurnRecord], baseline: [TurnRecord]) -> [ConversationChange] {
        struct Key: Hashable { var conversation: String; var turn: Int }
        let before = Dictionary(baseline.map { (Key(conversation: $0.conversationId, turn: $0.turnIndex), $0) },
                                uniquingKeysWith: { first, _ in first })
        var order: [String] = []
        var turnsByConversation: [String: [(now: TurnRecord, then: TurnRecord)]] = [:]
        for record in current {
            guard let old = before[Key(conversation: record.conversationId, turn: record.turnIndex)] else { continue }
            if turnsByConversation[record.conversationId] == nil { order.append(record.conversationId) }
            turnsByConversation[record.conversationId, default: []].append((record, old))
        }
        var regressed: [ConversationChange] = [], fixed: [ConversationChange] = []
        for id in order {
            let pairs = turnsByConversation[id] ?? []
            let failsNow = pairs.contains { !$0.now.unmetExpectations.isEmpty }
            let failedThen = pairs.contains { !$0.then.unmetExpectations.isEmpty }
            if failsNow, !failedThen {
                let turns = pairs.filter { !$0.now.unmetExpectations.isEmpty }.map {
                    Turn(index: $0.now.turnIndex, user: $0.now.user, expectations: $0.now.unmetExpectations)
                }
                regressed.append(ConversationChange(conversation: id, direction: .regressed, turns: turns))
            } else if failedThen, !failsNow {
                let turns = pairs.filter { !$0.then.unmetExpectations.isEmpty }.map {
                    Turn(index: $0.now.turnIndex, user: $0.now.user, expectations: $0.then.unmetExpectations)
                }
                fixed.append(ConversationChange(conversation: id, direction: .fixed, turns: turns))
            }
        }
        return regressed + fixed
    }
}
