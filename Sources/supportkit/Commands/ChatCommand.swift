import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant

/// `supportkit chat --customer ID`: an interactive session, one message per line on stdin.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk to the support assistant; after each reply it shows intent, confidence, category, sources and escalation.",
        discussion: "Type a message and press Enter; /quit or end of input (Ctrl-D) ends the session. Memory persists across sessions in the store.")

    @Option(name: .long, help: "The customer you are talking as (memory is kept per customer).")
    var customer: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !customer.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--customer must not be empty") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            let assistant = try await wiring.makeAssistant()
            var state = ConversationState(customerId: customer)
            let open = try await assistant.memory.openIssues(for: customer)
            if !global.json {
                Terminal.message("supportkit chat as \(customer) (classifier \(assistant.classifier.fingerprint)); /quit to leave")
                if !open.isEmpty { Terminal.message("  [memory: \(open.count) open issue\(open.count == 1 ? "" : "s") for this customer]") }
            }
            while true {
                if !global.json, Terminal.isInteractive { FileHandle.standardError.write(Data("you> ".utf8)) }
                guard let line = Swift.readLine(strippingNewline: true) else { break }
                let message = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if message.isEmpty { continue }
                if message == "/quit" || message == "/exit" { break }
                do {
                    let reply = try await assistant.respond(to: message, state: &state)
                    if global.json {
                        // One JSON object per reply, so a script can drive a session line by line.
                        try Terminal.printJSON(AskJSON(reply))
                    } else {
                        Terminal.message("you> \(message)")
                        Terminal.message("assistant> " + reply.text.replacingOccurrences(of: "\n", with: "\n           "))
                        Terminal.message(ReplyPrinter.details(reply))
                        Terminal.message("")
                    }
                } catch let error as SupportKitError where error.code == .invalidInput {
                    Terminal.message("error: \(error.description)")
                }
            }
        }
    }
}
