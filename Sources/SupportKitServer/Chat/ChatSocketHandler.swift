import Foundation
import HummingbirdWebSocket
import Logging

/// `GET /v1/chat/ws`: one conversation per WebSocket.
///
/// The server first sends `{"type": "ready", "conversation_id": ...}`. Each client text message is a JSON turn
/// `{"message", "customer_id"?, "conversation_id"?}` (ids default to the `customer_id` / `conversation_id` query
/// parameters of the connection); the server answers `{"type": "reply", ...}` and then, when they happen,
/// `{"type": "escalation", ...}` and `{"type": "ticket", ...}`. A bad frame gets `{"type": "error", "error":
/// {"code", "message"}}` and the connection stays open. Turns are answered in order, one at a time; at most
/// ``maxQueuedTurns`` may wait.
struct ChatSocketHandler: Sendable {
    static let path = "/v1/chat/ws"

    let chat: ChatService
    let limiter: RateLimiter
    let metrics: ServerMetrics
    let maxMessageBytes: Int

    func handle(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        context: WebSocketRouterContext<ServerRequestContext>
    ) async throws {
        metrics.socketOpened(1)
        defer { metrics.socketOpened(-1) }
        let logger = context.logger
        let query = context.request.uri.queryParameters
        let tokenCustomer = context.requestContext.tokenCustomerId
        let defaultCustomer = query["customer_id"].map { String($0).removingPercentEncoding ?? String($0) } ?? tokenCustomer
        var conversationId = query["conversation_id"].map { String($0).removingPercentEncoding ?? String($0) }
            ?? UUID().uuidString.lowercased()
        let keyHash = context.requestContext.apiKeyHash ?? "anonymous"
        if (try? JSONBody.validateId(conversationId, field: "conversation_id")) == nil {
            try await send(.error(.init(.badRequest, .badRequest, "query parameter conversation_id is not a valid id; a new conversation was started")), to: outbound)
            conversationId = UUID().uuidString.lowercased()
        }
        try await send(.ready(conversationId: conversationId), to: outbound)

        // One task reads (which is also what answers pings and notices pongs and close frames), another answers
        // turns in order. Reading on while a slow turn runs keeps the ping check from closing a healthy socket,
        // and a client that leaves mid-turn ends the reader, which cancels the turn instead of letting it run on.
        let (turns, queue) = AsyncStream<WebSocketMessage>.makeStream(bufferingPolicy: .bufferingOldest(Self.maxQueuedTurns))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { queue.finish() }
                for try await message in inbound.messages(maxSize: maxMessageBytes) {
                    if case .dropped = queue.yield(message) {
                        metrics.recordSocketMessage(outcome: "error")
                        try await send(.error(.init(
                            .tooManyRequests, .rateLimited,
                            "more than \(Self.maxQueuedTurns) messages are waiting for an answer; wait for the replies before sending more")), to: outbound)
                    }
                }
            }
            group.addTask { [conversationId] in
                var conversationId = conversationId
                for await message in turns {
                    try await answer(
                        message, conversationId: &conversationId, defaultCustomer: defaultCustomer, tokenCustomer: tokenCustomer,
                        keyHash: keyHash, outbound: outbound, logger: logger)
                }
            }
            // The reader ends first (client closed or vanished); stop the turn in progress with it.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Most client messages waiting behind the turn being answered.
    static let maxQueuedTurns = 8

    private func answer(
        _ message: WebSocketMessage, conversationId: inout String, defaultCustomer: String?, tokenCustomer: String?, keyHash: String,
        outbound: WebSocketOutboundWriter, logger: Logger
    ) async throws {
        guard case .text(let text) = message else {
            metrics.recordSocketMessage(outcome: "error")
            try await send(.error(.init(.badRequest, .badRequest, "binary frames are not supported; send each turn as a JSON text message")), to: outbound)
            return
        }
        if case .limited(let retryAfter) = limiter.acquire(key: keyHash) {
            metrics.recordSocketMessage(outcome: "rate_limited")
            metrics.recordError(route: Self.path, code: ServerError.Code.rateLimited.rawValue)
            try await send(.error(.rateLimited(retryAfterSeconds: retryAfter), retryAfter: retryAfter), to: outbound)
            return
        }
        let request: ChatRequest
        do {
            request = try ChatRequest.parse(Data(text.utf8), defaultCustomerId: defaultCustomer, defaultConversationId: conversationId)
            try CustomerTokenPolicy.check(customerId: request.customerId, boundTo: tokenCustomer)
        } catch {
            let serverError = ServerError.converting(error, logger: logger)
            metrics.recordSocketMessage(outcome: "error")
            metrics.recordError(route: Self.path, code: serverError.code.rawValue)
            try await send(.error(serverError), to: outbound)
            return
        }
        conversationId = request.conversationId ?? conversationId
        let reply: ChatReplyPayload
        do {
            reply = try await chat.respond(to: request, transport: "websocket", logger: logger)
        } catch {
            try Task.checkCancellation()
            let serverError = ServerError.converting(error, logger: logger)
            metrics.recordSocketMessage(outcome: serverError.code == .timeout ? "timeout" : "error")
            metrics.recordError(route: Self.path, code: serverError.code.rawValue)
            try await send(.error(serverError), to: outbound)
            return
        }
        metrics.recordSocketMessage(outcome: "reply")
        try await send(.reply(reply), to: outbound)
        if reply.escalated {
            try await send(.escalation(conversationId: reply.conversationId, reasons: reply.reasons), to: outbound)
        }
        if let ticket = reply.ticket {
            try await send(.ticket(conversationId: reply.conversationId, ticket: ticket), to: outbound)
        }
    }

    private func send(_ event: SocketEvent, to outbound: WebSocketOutboundWriter) async throws {
        let data = try WireJSON.encode(event)
        // Splits replies longer than the frame limit into continuation frames.
        try await outbound.writeTextMessage(String(decoding: data, as: UTF8.self))
    }
}

extension ServerError {
    /// A WebSocket-side error as an event error (only ``ServerError``s carry client-facing text).
    static func converting(_ error: any Error, logger: Logger) -> ServerError {
        if let error = error as? ServerError { return error }
        logger.error("unhandled WebSocket error", metadata: ["error": "\(String(describing: error))"])
        return ServerError(.internalServerError, .internalError, "the server failed unexpectedly; the log has the details")
    }
}

/// The events the server sends on the chat WebSocket.
enum SocketEvent: Encodable {
    case ready(conversationId: String)
    case reply(ChatReplyPayload)
    case escalation(conversationId: String, reasons: [String])
    case ticket(conversationId: String, ticket: TicketPayload)
    case error(ServerError, retryAfter: Int? = nil)

    enum Keys: String, CodingKey {
        case type, conversationId = "conversation_id", reasons, ticket, error, retryAfter = "retry_after"
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .reply(let payload):
            try payload.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("reply", forKey: .type)
        case .ready(let conversationId):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("ready", forKey: .type)
            try container.encode(conversationId, forKey: .conversationId)
        case .escalation(let conversationId, let reasons):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("escalation", forKey: .type)
            try container.encode(conversationId, forKey: .conversationId)
            try container.encode(reasons, forKey: .reasons)
        case .ticket(let conversationId, let ticket):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("ticket", forKey: .type)
            try container.encode(conversationId, forKey: .conversationId)
            try container.encode(ticket, forKey: .ticket)
        case .error(let error, let retryAfter):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("error", forKey: .type)
            try container.encode(error.body.error, forKey: .error)
            try container.encodeIfPresent(retryAfter, forKey: .retryAfter)
        }
    }
}
