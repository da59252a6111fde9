import Foundation
import SupportKit

/// A loaded, validated set of labeled conversations.
public struct EvalSuite: Sendable, Hashable {
    /// Conversations in a deterministic order: files sorted by path, conversations in file order.
    public var conversations: [Conversation]
    /// The suite files read, as given or found (relative paths stay relative).
    public var files: [String]

    /// A suite of already validated conversations.
    public init(conversations: [Conversation], files: [String]) {
        self.conversations = conversations
        self.files = files
    }

    /// Total number of turns.
    public var turnCount: Int { conversations.reduce(0) { $0 + $1.turns.count } }

    /// A hash of the suite's content (ids, customers, messages and labels; not file names or line
    /// numbers), so two runs on the same labeled conversations can be recognised as comparable even after
    /// the files were reformatted or moved.
    public var hash: String {
        var hasher = ContentHasher()
        for conversation in conversations {
            hasher.combine("conversation")
            hasher.combine(conversation.id)
            hasher.combine(conversation.customer.id)
            for key in conversation.customer.profile.keys.sorted() {
                hasher.combine(key)
                hasher.combine(conversation.customer.profile[key] ?? "")
            }
            for item in conversation.customer.history {
                hasher.combine("history")
                hasher.combine(item.text)
                hasher.combine(item.intent ?? "\u{0}")
                hasher.combine(item.category ?? "\u{0}")
                hasher.combine(item.resolved ? "resolved" : "open")
            }
            for turn in conversation.turns {
                hasher.combine("turn")
                hasher.combine(turn.user)
                hasher.combine(turn.expect.intent ?? "\u{0}")
                hasher.combine(turn.expect.category ?? "\u{0}")
                hasher.combine(turn.expect.docs.map { $0.joined(separator: "\u{1F}") } ?? "\u{0}")
                hasher.combine(turn.expect.escalate.map { $0 ? "true" : "false" } ?? "\u{0}")
                // Only when labeled, so suites written before answer expectations keep their hash.
                if let answer = turn.expect.answer {
                    hasher.combine("answer")
                    hasher.combine(answer.contains.joined(separator: "\u{1F}"))
                    hasher.combine(answer.notContains.joined(separator: "\u{1F}"))
                    hasher.combine(answer.matches ?? "\u{0}")
                    hasher.combine(answer.cites.joined(separator: "\u{1F}"))
                    hasher.combine(answer.similarTo ?? "\u{0}")
                }
                if let smallTalk = turn.expect.smallTalk { hasher.combine(smallTalk ? "small_talk" : "not_small_talk") }
                if let outOfScope = turn.expect.outOfScope { hasher.combine(outOfScope ? "out_of_scope" : "in_scope") }
            }
        }
        return hasher.finalize()
    }
}

/// A suite's conversations, the inputs that could not be used, and warnings about the ones that were.
public struct SuiteLoadResult: Sendable {
    /// The valid conversations; a conversation with any error is left out whole.
    public var suite: EvalSuite
    /// One entry per problem, at its file and line.
    public var errors: [InputError]
    /// Problems that do not stop a conversation from running (e.g. a message that repeats a training
    /// example, which inflates intent accuracy, or an expected document the knowledge base lacks).
    public var warnings: [InputError]
    /// Expected document ids (in `expect.docs`) the knowledge base does not hold, sorted; empty when the
    /// knowledge base was not checked.
    public var missingDocIds: [String] = []
    /// Turns whose `expect.docs` name at least one of `missingDocIds`.
    public var missingDocExpectations: Int = 0

    /// A load result.
    public init(suite: EvalSuite, errors: [InputError], warnings: [InputError]) {
        self.suite = suite
        self.errors = errors
        self.warnings = warnings
    }
}
