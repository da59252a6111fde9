import Hummingbird
import SupportKit

/// Tickets the assistant opened: `GET /v1/tickets/{id}` (with its transcript) and a customer's tickets,
/// `GET /v1/customers/{id}/tickets` (newest first, without transcripts).
struct TicketRoutes: ServerResource {
    static let routes: [ServerRoute<Self>] = [
        .get("/v1/tickets/{id}", .key(.ticketsRead)) { try await $0.ticket($1, $2) },
        .get("/v1/customers/{id}/tickets", .key(.ticketsRead)) { try await $0.customerTickets($1, $2) },
    ]

    /// Most tickets one `GET /v1/customers/{id}/tickets` returns (`?limit=` asks for fewer).
    static let maxListed = 100

    let tickets: any TicketLookup
    let timeout: Duration

    init(server: SupportServer) {
        tickets = server.dependencies.tickets
        timeout = server.configuration.requestTimeout
    }

    func customerTickets(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let customerId = try context.pathParameter("id", field: "customer id")
        let limit = try request.limitParameter(maximum: Self.maxListed)
        let tickets = self.tickets
        let found = try await callDependency("the ticket store", within: timeout, logger: context.logger) {
            try await tickets.tickets(ofCustomer: customerId, limit: limit)
        }
        struct Listed: Encodable {
            var customerId: String
            var tickets: [TicketPayload]
            enum CodingKeys: String, CodingKey { case customerId = "customer_id", tickets }
        }
        return try .json(.ok, Listed(customerId: customerId, tickets: found.prefix(limit).map { TicketPayload($0, includeTranscript: false) }))
    }

    func ticket(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let ticketId = try context.pathParameter("id", field: "ticket id")
        let tickets = self.tickets
        let ticket = try await callDependency("the ticket store", within: timeout, logger: context.logger) {
            try await tickets.ticket(id: ticketId)
        }
        guard let ticket else {
            throw ServerError(.notFound, .notFound, "no ticket \(ticketId); ticket ids come from chat replies (ticket.id)")
        }
        return try .json(.ok, TicketPayload(ticket, includeTranscript: true))
    }
}
