/// A labeled multi-turn conversation from an evaluation suite.
public struct Conversation: Sendable, Hashable, Codable {
    public var id: String
    public var customer: Customer
    public var turns: [Turn]
    /// Where the conversation starts in its suite file.
    public var location: SourceLocation?

    public init(id: String, customer: Customer, turns: [Turn], location: SourceLocation? = nil) {
        self.id = id
        self.customer = customer
        self.turns = turns
        self.location = location
    }

    public struct Customer: Sendable, Hashable, Codable {
        public var id: String
        /// Free-form profile facts (`plan: premium`).
        public var profile: [String: String]
        /// Earlier interactions, loaded into memory before the first turn.
        public var history: [HistoryItem]

        public init(id: String, profile: [String: String] = [:], history: [HistoryItem] = []) {
            self.id = id
            self.profile = profile
            self.history = history
        }
    }

    public struct HistoryItem: Sendable, Hashable, Codable {
        public var text: String
        public var intent: String?
        public var category: String?
        public var resolved: Bool

        public init(text: String, intent: String? = nil, category: String? = nil, resolved: Bool = true) {
            self.text = text
            self.intent = intent
            self.category = category
            self.resolved = resolved
        }
    }

    /// One customer message, its expectations, and the logged agent messages that followed it.
    public struct Turn: Sendable, Hashable, Codable {
        public var user: String
        public var expect: Expectation
        public var location: SourceLocation?
        /// What the agent said after this message in the logged conversation (suite entries `- agent: "..."`),
        /// oldest first. Not scored; replay puts them in the conversation's context in place of the
        /// assistant's own reply to this turn.
        public var agentMessages: [String]

        public init(user: String, expect: Expectation = Expectation(), location: SourceLocation? = nil, agentMessages: [String] = []) {
            self.user = user
            self.expect = expect
            self.location = location
            self.agentMessages = agentMessages
        }

        private enum CodingKeys: String, CodingKey { case user, expect, location, agentMessages }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            user = try c.decode(String.self, forKey: .user)
            expect = try c.decode(Expectation.self, forKey: .expect)
            location = try c.decodeIfPresent(SourceLocation.self, forKey: .location)
            // Absent in turns recorded before logged agent messages existed.
            agentMessages = try c.decodeIfPresent([String].self, forKey: .agentMessages) ?? []
        }
    }

    /// What a turn should produce; every field optional, and a metric counts only labeled turns.
    public struct Expectation: Sendable, Hashable, Codable {
        public var intent: String?
        public var category: String?
        /// Ids of the documents that answer the turn.
        public var docs: [String]?
        public var escalate: Bool?
        /// What the answer text must say (`expect.answer`).
        public var answer: AnswerExpectation?
        /// Whether the reply must (true) or must not (false) be handled as small talk.
        public var smallTalk: Bool?
        /// Whether the reply must (true) or must not (false) be the out-of-scope decision.
        public var outOfScope: Bool?

        public init(intent: String? = nil, category: String? = nil, docs: [String]? = nil, escalate: Bool? = nil,
                    answer: AnswerExpectation? = nil, smallTalk: Bool? = nil, outOfScope: Bool? = nil) {
            self.intent = intent
            self.category = category
            self.docs = docs
            self.escalate = escalate
            self.answer = answer
            self.smallTalk = smallTalk
            self.outOfScope = outOfScope
        }
    }
}
