import Foundation
import SupportKit

/// One conversation replayed through a target's `POST /v1/chat`, as the customer `customerId` (a namespaced id of
/// the run, so live customers' memory never mixes in).
actor HTTPAssistantSession: AssistantSession {
    let client: TargetClient
    let customerId: String
    let conversationId: String
    /// Set once a logged agent message could not be put in the conversation: later turns would be replayed
    /// without the context the suite gives them, so they are not measured.
    private var brokenContext: String?

    init(client: TargetClient, customerId: String, conversationId: String) {
        self.client = client
        self.customerId = customerId
        self.conversationId = conversationId
    }

    func respond(to message: String) async throws -> Reply {
        if let brokenContext { throw SupportKitError(.invalidInput, brokenContext) }
        let (data, response) = try await client.send(
            "POST", "/v1/chat", json: ["customer_id": customerId, "conversation_id": conversationId, "message": message])
        guard response.statusCode == 200 else { throw client.failure(response, data, doing: "answering POST /v1/chat") }
        do {
            return try JSONDecoder().decode(ChatReplyWire.self, from: data).reply(customerId: customerId)
        } catch {
            throw SupportKitError(.invalidInput, "the target's reply to POST /v1/chat is not a ChatReply (openapi.yaml): \(Self.describe(error))")
        }
    }

    func recordAgentMessage(_ text: String) async throws {
        if brokenContext != nil { return }
        let path = "/v1/conversations/\(Self.pathSegment(conversationId))/agent-messages"
        let (data, response) = try await client.send("POST", path, json: ["customer_id": customerId, "text": text])
        switch response.statusCode {
        case 200..<300:
            return
        case 404, 405, 501:
            let reason = "not measurable against \(client.target): the conversation has logged agent messages and the target does not take them (POST \(path) answered \(response.statusCode))"
            brokenContext = reason
            throw SupportKitError(.invalidInput, reason)
        default:
            throw client.failure(response, data, doing: "recording an agent message")
        }
    }

    /// `value` percent-encoded for one path segment.
    static func pathSegment(_ value: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// A decoding error as a field path and a reason, e.g. `intent: missing`.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return ((context.codingPath.map(\.stringValue)) + [key.stringValue]).joined(separator: ".") + ": missing"
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            return context.codingPath.map(\.stringValue).joined(separator: ".") + ": expected \(type)"
        case DecodingError.dataCorrupted:
            return "the body is not valid JSON"
        default:
            return "\(error)"
        }
    }
}
