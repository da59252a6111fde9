import Foundation
import SupportKit

/// A chat turn as clients send it: `{"customer_id", "message", "conversation_id"?}`.
public struct ChatRequest: Sendable, Equatable {
    /// Who is writing; sessions and memory are per customer.
    public var customerId: String
    /// The customer's text.
    public var message: String
    /// `nil` starts a new conversation; the reply carries the id to send next time.
    public var conversationId: String?

    /// Longest accepted message, in characters.
    public static let maxMessageLength = 8_000
    /// Longest accepted customer or conversation id.
    public static let maxIdLength = JSONBody.maxIdLength

    /// Creates a chat request.
    public init(customerId: String, message: String, conversationId: String? = nil) {
        self.customerId = customerId
        self.message = message
        self.conversationId = conversationId
    }

    /// Parses a JSON body, with messages that name the field at fault.
    ///
    /// - Parameters:
    ///   - data: The request body.
    ///   - defaults: Ids to use when the body has none (a WebSocket's query parameters).
    ///   - customerRequired: Whether a missing `customer_id` (with no default) is an error.
    /// - Throws: ``ServerError`` with code `bad_request`.
    public static func parse(_ data: Data, defaultCustomerId: String? = nil, defaultConversationId: String? = nil) throws -> ChatRequest {
        let fields = try JSONBody.jsonObject(data, fields: "customer_id and message", example: #"{"customer_id": "c-1", "message": "Hello"}"#)
        let customerId = try JSONBody.string(fields, "customer_id", required: defaultCustomerId == nil) ?? defaultCustomerId ?? ""
        guard let message = try JSONBody.string(fields, "message", required: true, maxLength: maxMessageLength) else {
            throw JSONBody.bad("field message is missing")
        }
        guard !message.allSatisfy(\.isWhitespace) else {
            throw JSONBody.bad("field message is empty; send the customer's text")
        }
        let conversationId = try JSONBody.string(fields, "conversation_id", required: false) ?? defaultConversationId
        if let conversationId { try JSONBody.validateId(conversationId, field: "conversation_id") }
        try JSONBody.validateId(customerId, field: "customer_id")
        return ChatRequest(customerId: customerId, message: message, conversationId: conversationId)
    }
}
