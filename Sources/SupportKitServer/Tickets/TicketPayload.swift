import Foundation
import SupportKit

/// A ticket: `{"id", "customer_id", "opened_at", "priority", "reasons", "summary", "transcript"?}`.
public struct TicketPayload: Sendable, Equatable, Encodable {
    /// Ticket id, for `GET /v1/tickets/{id}`.
    public var id: String
    /// The customer the ticket is about.
    public var customerId: String
    /// When it was opened.
    public var openedAt: Date
    /// `low`, `normal`, `high` or `urgent`.
    public var priority: String
    /// Why the assistant escalated.
    public var reasons: [String]
    /// One-line summary for the person taking over.
    public var summary: String
    /// Present on `GET /v1/tickets/{id}`, left out of chat replies.
    public var transcript: [String]?

    /// Builds the wire shape of `ticket`.
    public init(_ ticket: Ticket, includeTranscript: Bool) {
        self.id = ticket.id
        self.customerId = ticket.customerId
        self.openedAt = ticket.openedAt
        self.priority = ticket.priority.rawValue
        self.reasons = ticket.reasons
        self.summary = ticket.summary
        self.transcript = includeTranscript ? ticket.transcript : nil
    }

    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", openedAt = "opened_at", priority, reasons, summary, transcript
    }
}
