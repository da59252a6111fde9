import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant

/// `supportkit ask --customer ID "message"`: one turn through the assistant, as `chat` does it.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Send one message to the support assistant and print its reply.",
        discussion: "Memory persists in the store's customer_context collection, so a later ask or chat for the same customer recalls this turn.")

    @Option(name: .long, help: "The customer the message comes from (memory is kept per customer).")
    var customer: String

    @Argument(help: "The customer's message.")
    var message: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !customer.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--customer must not be empty") }
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("the message is empty") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            let assistant = try await wiring.makeAssistant()
            var state = ConversationState(customerId: customer)
            let reply = try await assistant.respond(to: message, state: &state)
            if global.json {
                try Terminal.printJSON(AskJSON(reply))
            } else {
                ReplyPrinter.print(reply)
            }
        }
    }
}

/// The `ask --json` object (keys from ARCHITECTURE.md, plus the classifier and timings).
struct AskJSON: Encodable {
    var text: String
    var intent: String
    var confidence: Double
    var category: String?
    var category_confidence: Double
    var sources: [String]
    var escalated: Bool
    var escalation_reasons: [String]
    var ticket: String?
    var classifier: String
    var memory_recalled: [String]
    var timings_ms: [String: Double]

    init(_ reply: Reply) {
        text = reply.text
        intent = reply.intent
        confidence = reply.confidence
        category = reply.category
        category_confidence = reply.categoryConfidence
        sources = reply.sources.map(\.docId)
        escalated = reply.escalated
        escalation_reasons = reply.escalationReasons
        ticket = reply.ticket?.id
        classifier = reply.classifier
        memory_recalled = reply.memoryRecalled
        timings_ms = ["classify": reply.timings.classify, "memory": reply.timings.memory, "retrieve": reply.timings.retrieve, "respond": reply.timings.respond]
    }
}

/// Human rendering of a reply on stderr: the answer, then one line of what the assistant decided.
enum ReplyPrinter {
    static func print(_ reply: Reply) {
        Terminal.message(reply.text)
        Terminal.message("")
        Terminal.message(details(reply))
    }

    static func details(_ reply: Reply) -> String {
        var parts = [String(format: "intent %@ (%.2f)", reply.intent, reply.confidence)]
        if let category = reply.category { parts.append(String(format: "category %@ (%.2f)", category, reply.categoryConfidence)) }
        parts.append("sources " + (reply.sources.isEmpty ? "none" : reply.sources.map(\.docId).joined(separator: ", ")))
        if reply.escalated {
            parts.append("ESCALATED" + (reply.ticket.map { " ticket \($0.id) (\($0.priority.rawValue))" } ?? "") + ": " + reply.escalationReasons.joined(separator: "; "))
        } else {
            parts.append("not escalated")
        }
        if !reply.memoryRecalled.isEmpty { parts.append("memory: " + reply.memoryRecalled.joined(separator: " | ")) }
        return "  [" + parts.joined(separator: " · ") + "]"
    }
}

extension Wiring {
    /// The assistant's settings: the `assistant:` section of the settings file.
    func assistantConfiguration() throws -> AssistantConfiguration {
        try AssistantConfiguration.load(from: options.config)
    }

    /// Classifier, tickets and LLM cache paths beside the store.
    func assistantPaths(_ configuration: AssistantConfiguration) -> SupportAssistant.Paths {
        SupportAssistant.Paths.resolve(configuration, stateFolder: location.stateFolder)
    }

    /// The live assistant over the configured store and embedder.
    func makeAssistant() async throws -> SupportAssistant {
        let configuration = try assistantConfiguration()
        let database = try localDatabase()
        let store = try await makeStore(database: database)
        let embedder = try makeEmbedder(database: database)
        return try await SupportAssistant.makeLive(
            store: store, embedder: embedder, configuration: configuration, paths: assistantPaths(configuration), logger: logger)
    }
}
