import Foundation
import Hummingbird
import SupportKit

/// Chat turns: `POST /v1/chat`, the WebSocket `GET /v1/chat/ws` (a plain GET answers 426; the upgrade is served by
/// ``SupportServer/makeWebSocketRouter()``), and agent messages logged into a conversation.
struct ChatRoutes: ServerResource {
    /// The WebSocket route: a browser may send a customer token, or a key in the query string.
    static let socket = ServerRoute<Self>.get(ChatSocketHandler.path, .key(.chat, customerTokens: true, queryKey: true)) {
        try await $0.socketWithoutUpgrade($1, $2)
    }

    static let routes: [ServerRoute<Self>] = [
        .post("/v1/chat", .key(.chat, customerTokens: true)) { try await $0.chat($1, $2) },
        socket,
        .post("/v1/conversations/{id}/agent-messages", .key(.chat)) { try await $0.agentMessage($1, $2) },
    ]

    let chat: ChatService
    let maxBodyBytes: Int

    init(server: SupportServer) {
        chat = server.chat
        maxBodyBytes = server.configuration.maxBodyBytes
    }

    func chat(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: maxBodyBytes)
        let chatRequest = try ChatRequest.parse(body)
        try CustomerTokenPolicy.check(customerId: chatRequest.customerId, boundTo: context.tokenCustomerId)
        let reply = try await chat.respond(to: chatRequest, transport: "http", logger: context.logger)
        return try .json(.ok, reply)
    }

    func socketWithoutUpgrade(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        throw ServerError(
            .upgradeRequired, .upgradeRequired,
            "GET \(ChatSocketHandler.path) is a WebSocket endpoint; connect with a WebSocket client (Upgrade: websocket), or use POST /v1/chat")
    }

    func agentMessage(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let conversationId = try context.pathParameter("id", field: "conversation id")
        let body = try await request.collectBody(limit: maxBodyBytes)
        try await chat.recordAgentMessage(AgentMessageRequest.parse(body), conversationId: conversationId, logger: context.logger)
        return .body(.noContent, contentType: "application/json; charset=utf-8", body: Data())
    }
}
