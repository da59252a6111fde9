import Hummingbird
import SupportKit

/// `GET /v1/tickets/{id}`: a ticket the assistant opened, with its transcript.
struct TicketRoutes: ServerResource {
    static let routes: [ServerRoute<Self>] = [
        .get("/v1/tickets/{id}", .key(.ticketsRead)) { try await $0.ticket($1, $2) },
    ]

    let tickets: any TicketLookup
    let timeout: Duration

    init(server: SupportServer) {
        tickets = server.dependencies.tickets
        timeout = server.configuration.requestTimeout
    }

    func ticket(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let ticketId = try context.pathParameter("id", field: "ticket id")
        let tickets = self.tickets
        let ticket: Ticket?
        do {
            ticket = try await withAbandoningDeadline(timeout) { try await tickets.ticket(id: ticketId) }
        } catch {
            throw ChatService.mapAssistantError(error, what: "the ticket store", timeout: timeout, logger: context.logger)
        }
        guard let ticket else {
            throw ServerError(.notFound, .notFound, "no ticket \(ticketId); ticket ids come from chat replies (ticket.id)")
        }
        return try .json(.ok, TicketPayload(ticket, includeTranscript: true))
    }
}
