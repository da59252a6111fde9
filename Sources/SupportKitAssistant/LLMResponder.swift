import Foundation
import Logging
import SupportKit

/// Writes answers with an OpenAI-compatible chat model, given only the retrieved chunks and memory.
///
/// The model is told to answer only from the numbered articles and the customer notes, to say so when
/// they do not answer the question, and to cite articles as `[n]`; the cited numbers become the reply's
/// sources. Any failure falls back to the extractive answer.
public struct LLMResponder: Responder {
    public let client: ChatCompletionsClient
    public let model: String
    public let fallback: ExtractiveResponder
    public let temperature: Double
    let logger: Logger

    /// A responder asking `model` through `client`.
    public init(client: ChatCompletionsClient, model: String, fallback: ExtractiveResponder = .init(), temperature: Double = 0, logger: Logger = Logger(label: "supportkit.llm")) {
        self.client = client
        self.model = model
        self.fallback = fallback
        self.temperature = temperature
        self.logger = logger
    }

    public func respond(_ context: ResponseContext) async throws -> Response {
        let documents = Self.documents(context.hits, limit: max(1, fallback.configuration.maxSources + 1))
        do {
            let text = try await client.complete(model: model, messages: prompt(context, documents: documents), temperature: temperature)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw ChatCompletionsError.malformedResponse("empty answer") }
            let cited = documents.enumerated().filter { trimmed.contains("[\($0.offset + 1)]") }.map(\.element)
            let sources = (cited.isEmpty ? Array(documents.prefix(1)) : cited).map {
                Reply.Source(docId: $0.docId, title: $0.title, link: $0.citationLink)
            }
            var answer = trimmed
            if let ticket = context.ticket, !answer.contains(ticket.id) {
                answer = "I've passed this to our support team (ticket \(ticket.id)); a person will follow up with you.\n\n" + answer
            }
            return Response(text: answer, sources: sources, responder: "llm:\(model)")
        } catch let error as ChatCompletionsError {
            logger.warning("LLM answer failed, using the extractive answer: \(error)")
            var response = fallback.compose(context)
            response.responder = "llm:\(model) (fallback: extractive; \(error.shortReason))"
            return response
        }
    }

    /// The best chunk of each of the top documents, in rank order.
    static func documents(_ hits: [KnowledgeBase.Hit], limit: Int) -> [Chunk] {
        var seen = Set<String>()
        var out: [Chunk] = []
        for hit in hits where seen.insert(hit.chunk.docId).inserted {
            out.append(hit.chunk)
            if out.count >= limit { break }
        }
        return out
    }

    func prompt(_ context: ResponseContext, documents: [Chunk]) -> [ChatCompletionsClient.Message] {
        let system = """
            You are a customer support assistant. Answer ONLY from the numbered articles and the customer notes \
            below; never add facts they do not contain. If they do not answer the message, say that you don't \
            know and offer to pass it to a person. Cite the articles you use as [1], [2]. Do not ask for details \
            the notes already contain. Keep the answer under 120 words.
            """
        var user = "Articles:\n"
        for (index, chunk) in documents.enumerated() {
            user += "[\(index + 1)] \(chunk.title) (\(chunk.headingPathText))\n\(chunk.text)\n\n"
        }
        let notes = context.recall.lines
        user += "Customer notes:\n" + (notes.isEmpty ? "(none)" : notes.map { "- \($0)" }.joined(separator: "\n")) + "\n\n"
        if let ticket = context.ticket {
            user += "This conversation has been escalated as ticket \(ticket.id); tell the customer a person will follow up.\n\n"
        }
        user += "Customer message:\n\(context.message)"
        return [.init(role: "system", content: system), .init(role: "user", content: user)]
    }
}
