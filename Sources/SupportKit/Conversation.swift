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

    public struct Turn: Sendable, Hashable, Codable {
        public var user: String
        public var expect: Expectation
        public var location: SourceLocation?

        public init(user: String, expect: Expectation = Expectation(), location: SourceLocation? = nil) {
            self.user = user
            self.expect = expect
            self.location = location
        }
    }

    /// What a turn should produce; every field optional, and a metric counts only labeled turns.
    public struct Expectation: Sendable, Hashable, Codable {
        public var intent: String?
        public var category: String?
        /// Ids of the documents that answer the turn.
        public var docs: [String]?
        public var escalate: Bool?

        public init(intent: String? = nil, category: String? = nil, docs: [String]? = nil, escalate: Bool? = nil) {
            self.intent = intent
            self.category = category
            self.docs = docs
            self.escalate = escalate
        }
    }
}
