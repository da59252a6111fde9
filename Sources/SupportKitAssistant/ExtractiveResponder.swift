import Foundation
import SupportKit

/// The default, offline answer: it leads with the sentence of the best chunks that shares the most words with
/// the message (the step that answers), goes on with the sentences after it in the article's order, and marks
/// each with a numbered citation. The cited documents travel once, in `Response.sources` (channels show them
/// as links), not again in the text. When retrieval cannot tell two articles apart, it asks which one is meant.
///
/// Nothing is invented: every factual sentence comes from a retrieved chunk. Memory shapes the frame
/// around it: an open issue is acknowledged, details the customer already gave (an order number, an email
/// address) are not asked for again.
public struct ExtractiveResponder: Responder {
    public let configuration: AssistantConfiguration.Responder

    /// An extractive responder quoting at most `configuration.maxSentences` sentences.
    public init(configuration: AssistantConfiguration.Responder = .init()) {
        self.configuration = configuration
    }

    public func respond(_ context: ResponseContext) async throws -> Response {
        compose(context)
    }

    /// The answer, synchronously (pure text work).
    public func compose(_ context: ResponseContext) -> Response {
        var paragraphs: [String] = []
        let intent = context.classification.intent
        if let opening = opening(for: context) { paragraphs.append(opening) }

        let (quote, sources) = extract(from: context.hits, message: context.message)
        if let ticket = context.ticket {
            paragraphs.append("I've passed this to our support team (ticket \(ticket.id), \(ticket.priority.rawValue) priority). A person will follow up with you\(Self.channel(context.recall.profile)).")
            if !quote.isEmpty { paragraphs.append("In the meantime, this may help:\n" + quote) }
        } else if intent == DefaultIntent.feedback {
            paragraphs.append(context.reportsResolution
                ? "Glad to hear it's sorted. I've noted that the issue is resolved."
                : "Thank you for the feedback; I've recorded it for the team.")
        } else if !quote.isEmpty {
            paragraphs.append(quote)
            if let followUp = followUp(for: context) { paragraphs.append(followUp) }
        } else {
            paragraphs.append("I couldn't find an article that answers this. Could you tell me a little more about what you're trying to do?")
        }
        let quoted = !quote.isEmpty && (context.ticket != nil || intent != DefaultIntent.feedback)
        if quoted, context.ticket == nil, intent != DefaultIntent.feedback, let question = clarifyingQuestion(context.hits) {
            paragraphs.insert(question, at: paragraphs.firstIndex(of: quote) ?? paragraphs.count)
        }
        return Response(text: paragraphs.joined(separator: "\n\n"), sources: quoted ? sources : [], responder: "extractive")
    }

    /// Acknowledges what memory knows: an earlier open issue on the same topic, or the last one.
    private func opening(for context: ResponseContext) -> String? {
        guard !context.reportsResolution else { return nil }
        let category = context.classification.category
        let relevantIDs = Set(context.recall.relevant.map(\.interaction.id))
        let sameTopic = context.earlierOpenIssues.filter { issue in
            relevantIDs.contains(issue.id) || (category != nil && issue.category == category)
        }
        // Quote the first report of the issue: later ones are usually "still not working".
        let related = sameTopic.isEmpty ? context.earlierOpenIssues : sameTopic
        guard let issue = related.first else {
            return context.classification.intent == DefaultIntent.problem ? "Sorry you're running into this." : nil
        }
        let ticket = related.lazy.compactMap(\.ticket).first.map { " (ticket \($0))" } ?? ""
        return "I can see your earlier report is still open\(ticket): \"\(Self.shortened(issue.text, to: 120))\"."
    }

    /// For a problem, asks for the one detail still missing, never one the customer already gave.
    private func followUp(for context: ResponseContext) -> String? {
        guard context.classification.intent == DefaultIntent.problem else { return nil }
        let known = context.recall.openIssues.map(\.text) + context.recall.relevant.map(\.interaction.text)
            + context.earlierMessages + [context.message] + context.recall.profile.values
        if let order = known.lazy.compactMap(Self.orderNumber(in:)).first {
            return "I have your order \(order) on file, so no need to send it again. If these steps don't fix it, just reply and I'll take it from there."
        }
        if context.classification.category == "orders" || context.classification.category == "billing" {
            return "If this doesn't solve it, reply with your order number and I'll look into it."
        }
        return "If this doesn't solve it, reply and tell me what you see."
    }

    /// The best sentences of the top chunks, and the documents they came from.
    func extract(from hits: [KnowledgeBase.Hit], message: String) -> (String, [Reply.Source]) {
        var documents: [String] = []
        var chosenHits: [KnowledgeBase.Hit] = []
        for hit in hits where documents.count < max(1, configuration.maxSources) || documents.contains(hit.chunk.docId) {
            if !documents.contains(hit.chunk.docId) { documents.append(hit.chunk.docId) }
            chosenHits.append(hit)
            if chosenHits.count >= 4 { break }
        }
        guard !chosenHits.isEmpty else { return ("", []) }
        let queryWords = Set(Self.contentWords(message))
        struct Candidate { var text: String; var score: Double; var hit: Int; var position: Int }
        var candidates: [Candidate] = []
        for (hitIndex, hit) in chosenHits.enumerated() {
            for (position, sentence) in Self.sentences(hit.chunk.text).enumerated() {
                let words = Self.contentWords(sentence)
                guard !words.isEmpty else { continue }
                let overlap = Set(words).intersection(queryWords).count
                // A sentence from a lower-ranked chunk must share words with the message, or it reads as
                // out of context.
                if hitIndex > 0 && overlap == 0 { continue }
                // Earlier chunks and earlier sentences lead: retrieval already ranked the chunks, and
                // articles put the answer first.
                let score = (Double(overlap) + 0.5) / Double(hitIndex + 1) + 0.3 / Double(position + 1)
                candidates.append(Candidate(text: sentence, score: score, hit: hitIndex, position: position))
            }
        }
        let chosen = Self.choose(candidates.map { (hit: $0.hit, position: $0.position, score: $0.score) }, limit: max(1, configuration.maxSentences))
            .compactMap { pick in candidates.first { $0.hit == pick.hit && $0.position == pick.position } }
        var usedDocs: [String] = []
        var lines: [String] = []
        for candidate in chosen {
            let docId = chosenHits[candidate.hit].chunk.docId
            if !usedDocs.contains(docId) { usedDocs.append(docId) }
            let number = (usedDocs.firstIndex(of: docId) ?? 0) + 1
            lines.append("\(candidate.text) [\(number)]")
        }
        let sources = usedDocs.compactMap { docId -> Reply.Source? in
            guard let chunk = chosenHits.first(where: { $0.chunk.docId == docId })?.chunk else { return nil }
            return Reply.Source(docId: docId, title: chunk.title, link: chunk.citationLink)
        }
        return (lines.joined(separator: "\n"), sources)
    }

    /// Which sentences to quote, in quoting order: the best-scoring one leads (the step that answers), then the
    /// sentences that follow it in the same chunk, in the article's order; if room is left, the best sentences of
    /// the other chunks, each chunk's in its own order. A sentence before the lead is never quoted after it.
    static func choose(_ candidates: [(hit: Int, position: Int, score: Double)], limit: Int) -> [(hit: Int, position: Int)] {
        guard let lead = candidates.max(by: { $0.score < $1.score }) else { return [] }
        var picked = candidates.filter { $0.hit == lead.hit && $0.position >= lead.position }
            .sorted { $0.position < $1.position }.prefix(limit).map { (hit: $0.hit, position: $0.position) }
        let others = candidates.filter { $0.hit != lead.hit }.sorted { $0.score > $1.score }.prefix(max(0, limit - picked.count))
        picked += others.sorted { ($0.hit, $0.position) < ($1.hit, $1.position) }.map { (hit: $0.hit, position: $0.position) }
        return picked
    }

    /// A question when the two best documents match the message about equally well (cosine within
    /// `clarifyMargin`) and neither clearly: "did you mean A or B?".
    func clarifyingQuestion(_ hits: [KnowledgeBase.Hit]) -> String? {
        guard configuration.clarifyMargin > 0 else { return nil }
        var best: [(title: String, similarity: Double)] = []
        var seen = Set<String>()
        for hit in hits where seen.insert(hit.chunk.docId).inserted {
            guard let similarity = hit.similarity else { return nil }
            best.append((hit.chunk.title, similarity))
            if best.count == 2 { break }
        }
        guard best.count == 2, best[0].title != best[1].title, best[0].similarity < configuration.clarifyBelow,
              abs(best[0].similarity - best[1].similarity) <= configuration.clarifyMargin else { return nil }
        return "I found two articles that could answer this: \"\(best[0].title)\" and \"\(best[1].title)\". Which one is closer to what you need? Here is what the first says:"
    }

    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            // List items and table rows are already one statement each.
            if trimmed.hasPrefix("-") || trimmed.hasPrefix("*") || trimmed.contains(" | ") || trimmed.first?.isNumber == true {
                out.append(trimmed)
                continue
            }
            var current = ""
            let characters = Array(trimmed)
            for (index, character) in characters.enumerated() {
                current.append(character)
                let atEnd = index + 1 == characters.count
                if ".!?".contains(character), atEnd || (characters[index + 1] == " " && !Self.isAbbreviation(current, next: characters, after: index + 1)) {
                    let sentence = current.trimmingCharacters(in: .whitespaces)
                    if !sentence.isEmpty { out.append(sentence) }
                    current = ""
                }
            }
            let rest = current.trimmingCharacters(in: .whitespaces)
            if !rest.isEmpty { out.append(rest) }
        }
        return out
    }

    /// Whether the period ending `sentence` closes an abbreviation ("p.m.", "e.g.", "Dr.") rather than the
    /// sentence: the last word is one or two letters or has an inner dot, or the next word starts lower-case.
    static func isAbbreviation(_ sentence: String, next characters: [Character], after index: Int) -> Bool {
        guard sentence.hasSuffix(".") else { return false }
        let lastWord = sentence.split(separator: " ").last.map { String($0.dropLast()) } ?? ""
        if lastWord.contains(".") || (lastWord.count <= 2 && lastWord.allSatisfy(\.isLetter)) { return true }
        let following = characters[index...].first { $0 != " " }
        return following?.isLowercase == true
    }

    /// Lower-case words minus stopwords, cut to a 5-letter stem so that refund/refunds/refunded meet.
    static func contentWords(_ text: String) -> [String] {
        FrustrationDetector.normalizedWords(text)
            .filter { $0.count > 2 && !stopwords.contains($0) }
            .map { String($0.prefix(5)) }
    }

    static func orderNumber(in text: String) -> String? {
        // Only numbers introduced as an order ("order 5521", "order #5521", "#5521"), not years or amounts.
        guard let range = text.range(of: #"(?i)(order\s*(number|no\.?)?\s*#?\s*|#)\d{3,}"#, options: .regularExpression) else { return nil }
        return "#" + String(text[range]).filter(\.isNumber)
    }

    static func channel(_ profile: [String: String]) -> String {
        if let email = profile["email"] { return " at \(email)" }
        return ""
    }

    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static let stopwords: Set<String> = [
        "the", "and", "for", "you", "your", "are", "was", "can", "how", "what", "when", "where", "why", "with",
        "this", "that", "from", "have", "has", "will", "not", "but", "our", "out", "get", "does", "did", "its",
        "it's", "i'm", "they", "them", "then", "than", "there", "here", "all", "any", "into", "about", "would",
        "could", "should", "just", "also", "been", "were", "who", "which", "my", "me", "need", "want", "please",
    ]
}
