import Hummingbird
import SupportKit

/// A customer's history and its erasure: `GET` and `POST /v1/customers/{id}/history`, `DELETE /v1/customers/{id}`.
struct CustomerRoutes: ServerResource {
    static let routes: [ServerRoute<Self>] = [
        .get("/v1/customers/{id}/history", .key(.historyRead)) { try await $0.history($1, $2) },
        .post("/v1/customers/{id}/history", .key(.historyWrite)) { try await $0.recordHistory($1, $2) },
        .delete("/v1/customers/{id}", .key(.historyDelete)) { try await $0.erase($1, $2) },
    ]

    let dependencies: ServerDependencies
    let sessions: SessionRegistry
    let configuration: ServerConfiguration

    init(server: SupportServer) {
        dependencies = server.dependencies
        sessions = server.sessions
        configuration = server.configuration
    }

    private var timeout: Duration { configuration.requestTimeout }

    func history(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let customerId = try context.pathParameter("id", field: "customer id")
        let limit = try request.limitParameter(maximum: configuration.maxHistoryEntries)
        let provider = dependencies.history
        let entries = try await callDependency("the customer memory", within: timeout, logger: context.logger) {
            try await provider.history(forCustomer: customerId, limit: limit)
        }
        guard let entries else {
            throw ServerError(.notFound, .notFound, "no customer \(customerId) in the assistant's memory; check the id")
        }
        return try .json(.ok, HistoryPayload(customerId: customerId, entries: Array(entries.prefix(limit))))
    }

    func recordHistory(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let customerId = try context.pathParameter("id", field: "customer id")
        guard let recorder = dependencies.historyRecorder else {
            throw ServerError(.notFound, .notFound, "this server does not accept customer history; its assistant has no writable memory")
        }
        let body = try await request.collectBody(limit: configuration.maxBodyBytes)
        let record = try HistoryRecordRequest.parse(body)
        try await callDependency("the customer memory", within: timeout, logger: context.logger) {
            try await recorder.record(record.entries, profile: record.profile, forCustomer: customerId)
        }
        struct Recorded: Encodable {
            var customerId: String
            var recorded: Int
            enum CodingKeys: String, CodingKey { case customerId = "customer_id", recorded }
        }
        return try .json(.created, Recorded(customerId: customerId, recorded: record.entries.count))
    }

    func erase(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let customerId = try context.pathParameter("id", field: "customer id")
        guard let eraser = dependencies.eraser else {
            throw ServerError(.notFound, .notFound, "this server does not erase customers; its assistant has no writable memory")
        }
        let erasure = try await callDependency("the customer memory", within: timeout, logger: context.logger) {
            try await eraser.erase(customer: customerId)
        }
        let sessions = await self.sessions.removeSessions(ofCustomer: customerId)
        context.logger.info("customer erased", metadata: [
            "memory_entries": "\(erasure.memoryEntries)", "tickets": "\(erasure.tickets)", "sessions": "\(sessions)"])
        struct Erased: Encodable {
            var customerId: String
            var deleted: CustomerErasure
            var sessionsClosed: Int
            enum CodingKeys: String, CodingKey { case customerId = "customer_id", deleted, sessionsClosed = "sessions_closed" }
        }
        return try .json(.ok, Erased(customerId: customerId, deleted: erasure, sessionsClosed: sessions))
    }
}
