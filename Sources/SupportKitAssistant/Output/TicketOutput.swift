import Foundation
import SupportKit

/// A ticket as JSON (`supportkit tickets show --json`, and each entry of `tickets list --json`).
public struct TicketOutput: Encodable, Sendable {
    /// `T-00001`.
    public var id: String
    /// The customer.
    public var customer: String
    /// ISO 8601 time it was opened.
    public var openedAt: String
    /// low, normal, high or urgent.
    public var priority: String
    /// Why the assistant escalated.
    public var reasons: [String]
    /// One line for the agent.
    public var summary: String
    /// The conversation so far.
    public var transcript: [String]

    /// The JSON form of `ticket`.
    public init(_ ticket: Ticket) {
        id = ticket.id
        customer = ticket.customerId
        openedAt = ticket.openedAt.formatted(Date.ISO8601FormatStyle())
        priority = ticket.priority.rawValue
        reasons = ticket.reasons
        summary = ticket.summary
        transcript = ticket.transcript
    }

    private enum CodingKeys: String, CodingKey { case id, customer, openedAt = "opened_at", priority, reasons, summary, transcript }
}

/// `supportkit tickets list --json`: `{"tickets": [...]}`, newest first.
public struct TicketListOutput: Encodable, Sendable {
    /// The tickets.
    public var tickets: [TicketOutput]

    /// The JSON form of a list of tickets.
    public init(_ tickets: [Ticket]) {
        self.tickets = tickets.map(TicketOutput.init)
    }
}
