import Foundation
import Logging
import SupportKit

/// Answers chat turns for both transports: finds the conversation's session, calls the assistant under the
/// request deadline, maps failures to ``ServerError``s and counts turns and escalations.
public struct ChatService: Sendable {
    let sessions: SessionRegistry
    let timeout: Duration
    let metrics: ServerMetrics

    /// Creates the service.
    public init(sessions: SessionRegistry, timeout: Duration, metrics: ServerMetrics) {
        self.sessions = sessions
        self.timeout = timeout
        self.metrics = metrics
    }

    /// One turn: the assistant's reply to `request`.
    ///
    /// - Parameter transport: `http` or `websocket`, for metrics.
    /// - Throws: ``ServerError``: 504 past the deadline, 503 when the assistant reports its store or model
    ///   unavailable, 400 when it rejects the input, 500 otherwise.
    public func respond(to request: ChatRequest, transport: String, logger: Logger) async throws -> ChatReplyPayload {
        let conversationId = request.conversationId ?? UUID().uuidString.lowercased()
        let key = SessionRegistry.Key(customerId: request.customerId, conversationId: conversationId)
        let sessions = self.sessions
        let message = request.message
        // The deadline covers the wait behind earlier turns of the conversation too. A turn cut off by it is
        // cancelled; if it is past its side effects it finishes before the next turn starts.
        let reply = try await callDependency("the assistant", within: timeout, logger: logger) {
            try await sessions.withSession(for: key) { session in
                try await session.respond(to: message)
            }
        }
        metrics.setSessions(await sessions.count)
        metrics.recordTurn(transport: transport, escalated: reply.escalated, ticketOpened: reply.ticket != nil)
        if reply.escalated {
            logger.info("chat turn escalated", metadata: [
                "conversation": "\(conversationId)", "ticket": "\(reply.ticket?.id ?? "-")",
            ])
        }
        return ChatReplyPayload(reply: reply, customerId: request.customerId, conversationId: conversationId)
    }

    /// Puts what an agent said into the conversation `conversationId`, after the turns already queued in it.
    ///
    /// - Throws: ``ServerError``: 400 before the conversation's first customer message (or with a bad body), 504
    ///   past the deadline, 503 when the assistant reports its store or model unavailable.
    public func recordAgentMessage(_ request: AgentMessageRequest, conversationId: String, logger: Logger) async throws {
        let key = SessionRegistry.Key(customerId: request.customerId, conversationId: conversationId)
        let sessions = self.sessions
        let text = request.text
        try await callDependency("the assistant", within: timeout, logger: logger) {
            try await sessions.withSession(for: key) { session in try await session.recordAgentMessage(text) }
        }
    }

    /// Turns an assistant, store or deadline failure into the answer the client gets.
    static func mapAssistantError(_ error: any Error, what: String, timeout: Duration, logger: Logger) -> ServerError {
        switch error {
        case let error as ServerError:
            return error
        case is DeadlineExceeded:
            logger.warning("\(what) timed out", metadata: ["timeout_s": "\(timeout.formattedSeconds)"])
            return .timeout(what, after: timeout)
        case let error as SupportKitError where error.code == .invalidInput:
            return ServerError(.badRequest, .badRequest, error.message)
        case let error as SupportKitError where error.code == .busy:
            return ServerError(.conflict, .conversationBusy, error.message)
        case let error as SupportKitError:
            logger.error("\(what) unavailable", metadata: ["error": "\(error.description)"])
            return ServerError(
                .serviceUnavailable, .unavailable,
                "\(what) is unavailable (\(error.message)); check GET /readyz and retry later")
        case let error as InputError:
            return ServerError(.badRequest, .badRequest, error.description)
        case is CancellationError:
            return ServerError(.serviceUnavailable, .unavailable, "the request was cancelled because the server is shutting down; retry")
        default:
            logger.error("\(what) failed", metadata: ["error": "\(String(describing: error))"])
            return ServerError(
                .internalServerError, .internalError,
                "\(what) failed unexpectedly; the server log has the details (search for this time stamp)")
        }
    }
}
