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
        // "ok it works now, thanks!" closes the problem whatever intent the classifier read into it: it is
        // acknowledged, never answered with an article.
        let acknowledges = context.ticket == nil && (intent == DefaultIntent.feedback || context.reportsResolution)
        if let opening = opening(for: context) { paragraphs.append(opening) }

        let quoted = Set(context.earlierReplies.flatMap(Self.quotedSentences(in:)))
        let (quote, sources, skippedRepeats) = extract(from: context.hits, message: context.message, alreadyQuoted: quoted)
        if let ticket = context.ticket {
            paragraphs.append("I've passed this to our support team (ticket \(ticket.id), \(ticket.priority.rawValue) priority). A person will follow up with you\(Self.channel(context.recall.profile)).")
            if !quote.isEmpty { paragraphs.append("In the meantime, this may help:\n" + quote) }
        } else if acknowledges {
            paragraphs.append(context.reportsResolution
                ? "Glad to hear it's sorted. I've noted that the issue is resolved."
                : "Thank you for the feedback; I've recorded it for the team.")
        } else if !quote.isEmpty {
            if skippedRepeats { paragraphs.append("Here is something else from our help articles that may help:") }
            paragraphs.append(quote)
            if let followUp = followUp(for: context) { paragraphs.append(followUp) }
        } else if skippedRepeats {
            paragraphs.append(Self.nothingNew)
        } else {
            let variants = [
                "I couldn't find an article that answers this. Could you tell me a little more about what you're trying to do?",
                "I still can't find an article on this. Could you put it in other words, or tell me what you see on the screen? If you'd rather have a person look at it, say so.",
            ]
            paragraphs.append(variants.first { !context.earlierReplies.contains($0) } ?? variants[variants.count - 1])
        }
        let cites = !quote.isEmpty && !acknowledges
        if cites, context.ticket == nil, !skippedRepeats, let question = clarifyingQuestion(context.hits) {
            paragraphs.insert(question, at: paragraphs.firstIndex(of: quote) ?? paragraphs.count)
        }
        let composed = paragraphs.joined(separator: "\n\n")
        guard context.earlierReplies.contains(composed) else {
            return Response(text: composed, sources: cites ? sources : [], responder: "extractive")
        }
        if let ticket = context.ticket {
            let variants = [
                "This is already with our support team (ticket \(ticket.id)); a person will follow up with you\(Self.channel(context.recall.profile)).",
                "Your ticket \(ticket.id) is still open with our support team, and a person will get back to you. Is there anything else I can help with meanwhile?",
            ]
            let text = variants.first { !context.earlierReplies.contains($0) } ?? variants[variants.count - 1]
            return Response(text: text, sources: [], responder: "extractive")
        }
        return Response(text: Self.unrepeated(composed, earlier: context.earlierReplies), sources: [], responder: "extractive")
    }

    /// What the assistant says when every sentence that answers was already quoted in this conversation.
    static let nothingNew = "I've already shared what our help articles say about this. What happened when you tried those steps: did you see an error, or did a step not match what you see? If you'd rather have a person look at it, say so and I'll pass it to our support team."

    /// `text`, or, when the conversation already got exactly that reply, a different one that asks what did not
    /// work and says what else the assistant can do.
    static func unrepeated(_ text: String, earlier: [String]) -> String {
        guard earlier.contains(text) else { return text }
        if !earlier.contains(nothingNew) { return nothingNew }
        let last = "I don't have anything new to add on this from our help articles. I can pass the conversation to a person on our support team (say so), or you can ask me about something else."
        return earlier.contains(last) ? "Is there anything else I can help with? If this still isn't solved, ask for a person and I'll hand it over." : last
    }

    /// The sentences an earlier reply quoted (its lines that end with a citation mark such as ` [1]`).
    static func quotedSentences(in reply: String) -> [String] {
        reply.split(whereSeparator: \.isNewline).compactMap { line in
            guard let range = line.range(of: #" \[\d+\]$"#, options: .regularExpression) else { return nil }
            return String(line[..<range.lowerBound])
        }
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

    /// The best sentences of the top chunks, and the documents they came from; sentences in `alreadyQuoted`
    /// (said earlier in the conversation) are left out, and the third value says whether any was.
    func extract(from hits: [KnowledgeBase.Hit], message: String, alreadyQuoted: Set<String> = []) -> (String, [Reply.Source], Bool) {
        var documents: [String] = []
        var chosenHits: [KnowledgeBase.Hit] = []
        for hit in hits where documents.count < max(1, configuration.maxSources) || documents.contains(hit.chunk.docId) {
            if !documents.contains(hit.chunk.docId) { documents.append(hit.chunk.docId) }
            chosenHits.append(hit)
            if chosenHits.count >= 4 { break }
        }
        guard !chosenHits.isEmpty else { return ("", [], false) }
        let queryWords = Set(Self.contentWords(message))
        let asksHow = Self.asksForSteps(message)
        struct Candidate { var text: String; var score: Double; var hit: Int; var position: Int }
        var candidates: [Candidate] = []
        var skippedRepeats = false
        for (hitIndex, hit) in chosenHits.enumerated() {
            for (position, sentence) in Self.sentences(hit.chunk.text).enumerated() {
                let words = Self.contentWords(sentence)
                guard !words.isEmpty else { continue }
                let overlap = Set(words).intersection(queryWords).count
                // A sentence from a lower-ranked chunk must share words with the message, or it reads as
                // out of context.
                if hitIndex > 0 && overlap == 0 { continue }
                if alreadyQuoted.contains(sentence) {
                    skippedRepeats = true
                    continue
                }
                candidates.append(Candidate(text: sentence, score: Self.score(sentence, overlap: overlap, hit: hitIndex, position: position, asksHow: asksHow),
                                            hit: hitIndex, position: position))
            }
        }
        // A repeat leaves only the sentences nobody asked about: nothing new to say unless one still matches.
        if skippedRepeats, !candidates.contains(where: { Set(Self.contentWords($0.text)).intersection(queryWords).count > 0 }) {
            return ("", [], true)
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
        return (lines.joined(separator: "\n"), sources, skippedRepeats)
    }

    /// How well `sentence` answers: the words it shares with the message, earlier chunks and earlier sentences
    /// first (retrieval ranked the chunks, articles put the answer first). A caveat or exception ("unless",
    /// "you will need to delete your account") counts half: it qualifies the answer and must not lead it. For a
    /// "how do I" question, a step ("Select Forgot password", a numbered item, "you can ...") gains.
    static func score(_ sentence: String, overlap: Int, hit: Int, position: Int, asksHow: Bool) -> Double {
        var base = Double(overlap) + 0.5
        if asksHow, isStep(sentence) { base += 1 }
        if isCaveat(sentence) { base *= 0.5 }
        return base / Double(hit + 1) + 0.3 / Double(position + 1)
    }

    /// Whether the message asks how to do something, or for a way out of a problem.
    static func asksForSteps(_ message: String) -> Bool {
        LexiconText(message).containsAny(stepQuestions)
    }

    /// Whether `sentence` reads as an instruction: a numbered or bulleted step, an imperative verb first, or
    /// "you can ...".
    static func isStep(_ sentence: String) -> Bool {
        let trimmed = sentence.trimmingCharacters(in: .whitespaces)
        if trimmed.first?.isNumber == true { return true }
        let words = FrustrationDetector.normalizedWords(trimmed)
        guard let first = words.first else { return false }
        if instructionVerbs.contains(first) { return true }
        return LexiconText(trimmed).containsAny(["you can", "you'll be able to", "to do this", "here's how"])
    }

    /// Whether `sentence` states an exception, a limitation or the case where nothing can be done.
    static func isCaveat(_ sentence: String) -> Bool {
        LexiconText(sentence).containsAny(caveatPhrases)
    }

    static let stepQuestions = [
        "how", "how do i", "how can i", "what do i do", "what should i do", "what can i do", "get back", "steps",
        "way to", "is there a way", "can i", "help me", "fix", "recover", "where do i", "where can i",
    ]

    static let instructionVerbs: Set<String> = [
        "go", "select", "open", "tap", "click", "enter", "choose", "use", "sign", "log", "visit", "request", "follow",
        "contact", "reset", "check", "wait", "make", "set", "turn", "add", "remove", "update", "change", "type", "send",
        "reply", "call", "find", "try", "navigate", "press", "download", "install", "scan", "confirm", "verify",
        "return", "start", "pick", "print", "drop", "pack", "attach", "fill", "submit", "keep", "cancel", "edit",
        "view", "save", "copy", "look", "ask", "recover", "restore", "unlock", "log in", "create",
    ]

    static let caveatPhrases = [
        "unless", "except", "however", "unfortunately", "not possible", "isn't possible", "is not possible",
        "no way", "there is no way", "cannot be recovered", "can't be recovered", "cannot be undone",
        "can't be undone", "if you don't", "if you do not", "if you didn't", "if you did not", "if you can't",
        "if you cannot", "if you no longer", "if you've lost", "if you have lost", "delete your account",
        "start a new", "start over", "create a new account", "permanently", "only if", "note that", "be aware",
        "we can't", "we cannot", "we are unable", "we're unable", "won't be able", "will not be able",
    ]

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
