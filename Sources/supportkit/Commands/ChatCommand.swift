import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant

/// `supportkit chat --customer ID`: an interactive session, one message per line on stdin.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk to the support assistant; after each reply it shows intent, confidence, category, sources and escalation.",
        discussion: """
            Type a message and press Enter. In a terminal the line can be edited (arrows, Home/End, Ctrl-A/E/U) \
            and up/down recall earlier lines. Local commands: /help, /reset (start a new conversation as the same \
            customer), /quit (or Ctrl-D). Memory persists across sessions in the store.
            """)

    static let help = """
        /help   this list
        /reset  start a new conversation as the same customer (memory stays)
        /quit   leave (also /exit, or Ctrl-D)
        """

    @Option(name: .long, help: "The customer you are talking as (memory is kept per customer).")
    var customer: String

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print each reply as one JSON object on its own line (JSON Lines), for scripts that drive a session.")
    var jsonl = false

    func validate() throws {
        guard !customer.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--customer must not be empty") }
    }

    func run() async throws {
        try await runReportingErrors {
            let assistant = try await Wiring(options: global).makeAssistant()
            var state = ConversationState(customerId: customer)
            let open = try await assistant.memory.openIssues(for: customer)
            Terminal.diagnostic("supportkit chat as \(customer) (classifier \(assistant.classifier.fingerprint)); /help for commands")
            if !open.isEmpty { Terminal.diagnostic("  [memory: \(open.count) open issue\(open.count == 1 ? "" : "s") for this customer]") }
            let editor = LineEditor()
            while let line = editor.readLine(prompt: "you> ") {
                let message = line.trimmingCharacters(in: .whitespacesAndNewlines)
                switch message {
                case "": continue
                case "/quit", "/exit": return
                case "/help": Terminal.diagnostic(Self.help); continue
                case "/reset":
                    state = ConversationState(customerId: customer)
                    Terminal.diagnostic("  [new conversation as \(customer)]")
                    continue
                case let command where command.hasPrefix("/") && !command.contains(" "):
                    Terminal.diagnostic("unknown command \(command); /help lists them")
                    continue
                default: break
                }
                do {
                    let reply = try await assistant.respond(to: message, state: &state)
                    if jsonl {
                        try Terminal.printJSON(ReplyOutput(reply))
                        continue
                    }
                    // A terminal shows the typed line already; a piped session gets it for the transcript.
                    if !Terminal.stdinIsTerminal { Terminal.output("you> \(message)") }
                    Terminal.output("assistant> " + reply.text.replacingOccurrences(of: "\n", with: "\n           "))
                    Terminal.output(ReplyConsole.details(reply))
                    Terminal.output("")
                } catch let error as SupportKitError where error.code == .invalidInput {
                    Terminal.diagnostic("error: \(error.description)")
                }
            }
        }
    }
}
