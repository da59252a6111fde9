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

    @OptionGroup var format: OutputOptions

    func validate() throws {
        guard !customer.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--customer must not be empty") }
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("the message is empty") }
    }

    func run() async throws {
        try await runReportingErrors {
            let assistant = try await Wiring(options: global).makeAssistant()
            var state = ConversationState(customerId: customer)
            let reply = try await assistant.respond(to: message, state: &state)
            if format.json { try Terminal.printJSON(ReplyOutput(reply)) } else { ReplyConsole.print(reply) }
        }
    }
}
