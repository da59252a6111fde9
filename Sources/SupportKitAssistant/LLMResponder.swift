import Foundation
import Logging
import SupportKit

/// Writes answers with an OpenAI-compatible chat model, given only the retrieved chunks and memory.
///
/// The model is told to answer only from the numbered articles and the customer notes, to say so when
/// they do not answer the question, and to cite articles as `[n]`; the cited numbers become the reply's
/// sources. The prompt fits the model's context window (`llm.context_tokens`) with room for the answer
/// (`llm.max_tokens`): each document's best chunk once, cut to an equal share of what is left, memory cut after.
/// What comes back is cleaned of what small models do: a line or sentence repeated in a loop is kept once, a
/// citation of an article that was not given is dropped. Any failure falls back to the extractive answer.
public struct LLMResponder: Responder {
    public let client: ChatCompletionsClient
    public let model: String
    public let fallback: ExtractiveResponder
    /// Temperature, context window, token cap and repetition penalty.
    public let settings: AssistantConfiguration.LLM
    let logger: Logger
    private let tokens = ApproximateTokenCounter()

    /// A responder asking `model` through `client`.
    public init(client: ChatCompletionsClient, model: String, fallback: ExtractiveResponder = .init(), settings: AssistantConfiguration.LLM = .init(), logger: Logger = Logger(label: "supportkit.llm")) {
        self.client = client
        self.model = model
        self.fallback = fallback
        self.settings = settings
        self.logger = logger
    }

    /// Ends the answer where a small model starts writing the next turn itself.
    static let stopSequences = ["\nCustomer message:", "\nCustomer:", "\nUser:"]

    var options: ChatCompletionsClient.Options {
        ChatCompletionsClient.Options(temperature: settings.temperature, maxTokens: settings.maxTokens, stop: Self.stopSequences,
                                      frequencyPenalty: settings.frequencyPenalty)
    }

    public func respond(_ context: ResponseContext) async throws -> Response {
        let documents = Self.documents(context.hits, limit: max(1, fallback.configuration.maxSources + 1))
        do {
            let text = try await client.complete(model: model, messages: prompt(context, documents: documents), options: options)
            let trimmed = Self.clean(text, citations: documents.count, notes: context.recall.lines)
            guard !trimmed.isEmpty else { throw ChatCompletionsError.unusableAnswer("empty answer") }
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

    static let instructions = """
        You are a customer support assistant. Answer ONLY from the numbered articles and the customer notes \
        below; never add facts they do not contain. If they do not answer the message, say that you don't \
        know and offer to pass it to a person. Cite the articles you use as [1], [2]. Do not ask for details \
        the notes already contain. Keep the answer under 120 words.
        """

    func prompt(_ context: ResponseContext, documents: [Chunk]) -> [ChatCompletionsClient.Message] {
        var tail = ""
        if let ticket = context.ticket {
            tail += "This conversation has been escalated as ticket \(ticket.id); tell the customer a person will follow up.\n\n"
        }
        tail += "Customer message:\n\(Self.cut(context.message, toTokens: 400, counter: tokens))"
        // What the articles and notes may use: the window, less the answer, the fixed parts and a margin for the
        // chat template's own tokens (the count is an estimate).
        let fixed = tokens.tokenCount(Self.instructions) + tokens.tokenCount(tail) + 64
        var budget = max(0, settings.contextTokens - settings.maxTokens - fixed)
        let notes = context.recall.lines
        var notesText = notes.isEmpty ? "(none)" : notes.map { "- \($0)" }.joined(separator: "\n")
        notesText = Self.cut(notesText, toTokens: min(tokens.tokenCount(notesText), budget / 4), counter: tokens)
        budget -= tokens.tokenCount(notesText)
        var user = "Articles:\n"
        let share = documents.isEmpty ? 0 : budget / documents.count
        for (index, chunk) in documents.enumerated() {
            let header = "[\(index + 1)] \(chunk.title) (\(chunk.headingPathText))\n"
            let room = max(0, share - tokens.tokenCount(header) - 2)
            user += header + Self.cut(chunk.text, toTokens: room, counter: tokens) + "\n\n"
        }
        user += "Customer notes:\n" + notesText + "\n\n" + tail
        return [.init(role: "system", content: Self.instructions), .init(role: "user", content: user)]
    }

    /// `text` cut to about `limit` tokens at a sentence end when one is near, else at a word; "…" marks a cut.
    static func cut(_ text: String, toTokens limit: Int, counter: some TokenCounter) -> String {
        guard counter.tokenCount(text) > limit else { return text }
        guard limit > 0 else { return "" }
        // Binary search on a prefix length in characters.
        let characters = Array(text)
        var low = 0
        var high = characters.count
        while low < high {
            let middle = (low + high + 1) / 2
            if counter.tokenCount(String(characters[..<middle])) <= limit - 1 { low = middle } else { high = middle - 1 }
        }
        var prefix = String(characters[..<low])
        if let end = prefix.range(of: ". ", options: .backwards), prefix.distance(from: prefix.startIndex, to: end.lowerBound) > low * 2 / 3 {
            prefix = String(prefix[..<end.lowerBound]) + "."
        } else if let space = prefix.lastIndex(of: " ") {
            prefix = String(prefix[..<space])
        }
        return prefix + " …"
    }

    /// Lines a small model copies from the prompt: its section labels.
    static let promptLabels: Set<String> = ["customer message:", "customer:", "customer notes:", "customer note:", "articles:", "answer:", "assistant:"]

    /// The model's answer without the loops, echoes and phantom citations small models write: a line repeated
    /// (after its list number) or a sentence repeated within a line is kept the first time only; a line that is
    /// only a prompt label ("Customer message:") or a copy of a customer note ("- profile: plan=plus") is dropped;
    /// `[n]` above `citations` is removed.
    static func clean(_ text: String, citations: Int, notes: [String] = []) -> String {
        var seenLines = Set<String>()
        var lines: [String] = []
        let echoes = Set(notes.map { normalized($0) })
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let bare = normalized(String(line))
            if promptLabels.contains(bare) || (!bare.isEmpty && echoes.contains(bare)) { continue }
            var kept: [String] = []
            var seenSentences = Set<String>()
            for sentence in sentences(String(line)) {
                let key = normalized(sentence)
                if key.isEmpty || seenSentences.insert(key).inserted { kept.append(sentence) }
            }
            let line = kept.joined()
            let key = normalized(line)
            if !key.isEmpty, !seenLines.insert(key).inserted { continue }
            lines.append(line)
        }
        var answer = lines.joined(separator: "\n")
        // Phantom citations: [n] past the articles given.
        if let pattern = try? NSRegularExpression(pattern: #"\s?\[(\d+)\]"#) {
            let matches = pattern.matches(in: answer, range: NSRange(answer.startIndex..., in: answer)).reversed()
            for match in matches {
                guard let numberRange = Range(match.range(at: 1), in: answer), let whole = Range(match.range, in: answer) else { continue }
                if let number = Int(answer[numberRange]), (1...max(1, citations)).contains(number), citations > 0 { continue }
                answer.removeSubrange(whole)
            }
        }
        // Blank-line runs left by removed lines.
        while answer.contains("\n\n\n") { answer = answer.replacingOccurrences(of: "\n\n\n", with: "\n\n") }
        return answer.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `line` split after each `.`, `!` or `?` that a space follows, keeping the separators.
    private static func sentences(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        var previous: Character?
        for character in line {
            if character == " ", let previous, ".!?".contains(previous) {
                out.append(current)
                current = ""
            }
            current.append(character)
            previous = character
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// A line or sentence for comparison: no list number, no citations, lower case, single spaces.
    private static func normalized(_ text: String) -> String {
        var text = text.lowercased()
        text = text.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"^\s*(\d+[.)]|[-*•])\s*"#, with: "", options: .regularExpression)
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
