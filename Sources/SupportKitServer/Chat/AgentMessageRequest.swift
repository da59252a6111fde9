import Foundation

/// `POST /v1/conversations/{id}/agent-messages`: `{"customer_id", "text"}`, what a person said in the
/// conversation after the last customer message (a logged help-desk transcript, or a human agent taking part).
/// From then on it stands in the conversation's context in place of the assistant's last reply.
public struct AgentMessageRequest: Sendable, Equatable {
    /// The customer of the conversation.
    public var customerId: String
    /// What the agent said.
    public var text: String

    static let example = #"{"customer_id": "c-1", "text": "I have refunded the second charge."}"#

    /// Parses a JSON body, with messages that name the field at fault.
    ///
    /// - Throws: ``ServerError`` with code `bad_request`.
    public static func parse(_ data: Data) throws -> AgentMessageRequest {
        let fields = try JSONBody.jsonObject(data, fields: "customer_id and text", example: example)
        let customerId = try JSONBody.string(fields, "customer_id", required: true, example: example) ?? ""
        try JSONBody.validateId(customerId, field: "customer_id")
        guard let text = try JSONBody.string(fields, "text", required: true, maxLength: ChatRequest.maxMessageLength, example: example),
              !text.allSatisfy(\.isWhitespace) else {
            throw JSONBody.bad("field text is empty; send what the agent said")
        }
        return AgentMessageRequest(customerId: customerId, text: text)
    }
}
