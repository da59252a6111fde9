import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant

/// `supportkit tickets list|show`: the hand-offs the assistant opened.
struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "List and show the tickets the assistant opened when it escalated.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets, newest first.")

        @Option(name: .long, help: "Only this customer's tickets.")
        var customer: String?

        @Option(name: .long, help: "Show at most this many tickets.")
        var limit = 50

        @OptionGroup var global: GlobalOptions

        @OptionGroup var format: OutputOptions

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        func run() async throws {
            try await runReportingErrors {
                let tickets = try TicketsCommand.openStore(global)
                let list = try await tickets.list(customerId: customer, limit: limit)
                if format.json {
                    try Terminal.printJSON(TicketListOutput(list))
                    return
                }
                guard !list.isEmpty else {
                    Terminal.diagnostic("no tickets yet")
                    return
                }
                if Terminal.stdoutIsTerminal { Terminal.output("id       opened                customer          priority  summary") }
                for ticket in list {
                    Terminal.output(ticket.id.padding(toLength: 9, withPad: " ", startingAt: 0)
                        + TicketsCommand.format(ticket.openedAt).padding(toLength: 22, withPad: " ", startingAt: 0)
                        + ticket.customerId.padding(toLength: 18, withPad: " ", startingAt: 0)
                        + ticket.priority.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + ticket.summary)
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its reasons and transcript.")

        @Argument(help: "The ticket id, e.g. T-00001.")
        var id: String

        @OptionGroup var global: GlobalOptions

        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await runReportingErrors {
                let tickets = try TicketsCommand.openStore(global)
                guard let ticket = try await tickets.ticket(id: id) else {
                    throw SupportKitError(.invalidInput, "no ticket \(id); `supportkit tickets list` shows the ids")
                }
                if format.json {
                    try Terminal.printJSON(TicketOutput(ticket))
                    return
                }
                Terminal.output("\(ticket.id)  \(ticket.priority.rawValue) priority  customer \(ticket.customerId)  opened \(TicketsCommand.format(ticket.openedAt))")
                Terminal.output("summary: \(ticket.summary)")
                Terminal.output("reasons:")
                for reason in ticket.reasons { Terminal.output("  - \(reason)") }
                Terminal.output("transcript:")
                for line in ticket.transcript { Terminal.output("  " + line.replacingOccurrences(of: "\n", with: "\n    ")) }
            }
        }
    }

    /// The ticket database beside the store; refuses to create one where none exists.
    static func openStore(_ global: GlobalOptions) throws -> TicketStore {
        let wiring = try Wiring(options: global)
        let configuration = try wiring.assistantConfiguration()
        let path = wiring.assistantPaths(configuration).tickets
        guard FileManager.default.fileExists(atPath: path) else {
            throw SupportKitError(.invalidInput, "no ticket database at \(path); tickets appear once `supportkit chat` or `ask` escalates")
        }
        return try TicketStore(path: path)
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.string(from: date)
    }
}
