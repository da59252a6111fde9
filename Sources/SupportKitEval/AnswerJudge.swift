import Foundation
import SupportKit

/// A second opinion on answers from a model (`eval.judge` in supportkit.yaml): faithfulness to the retrieved
/// chunks and relevance to the question, per answered turn, reported beside the offline groundedness check with
/// their agreement. Never required, and never a gate unless a gate names one of its metrics.
public protocol AnswerJudge: Sendable {
    /// What judges, for the run's fingerprints (`llm:MODEL`).
    var name: String { get }

    /// Seconds one judgement may take before the turn records a timeout (`eval.judge.timeout_seconds`); the
    /// assistant's turn timeout does not apply, since a local model judges far slower than the assistant answers.
    var timeoutSeconds: Double { get }

    /// Scores one answer.
    ///
    /// - Parameters:
    ///   - question: the customer's message.
    ///   - answer: the reply's text.
    ///   - sources: the passages the reply was given (titles and texts of the retrieved chunks).
    /// - Returns: the scores; a judge that could not read its model's output returns scores with `error` set.
    /// - Throws: when the model service cannot be reached (recorded on the turn as the judge's error).
    func judge(question: String, answer: String, sources: [String]) async throws -> JudgeScores
}

/// What a judge said of one answer.
public struct JudgeScores: Sendable, Hashable, Codable {
    /// How far the sources support the answer, in [0, 1]; nil when the judge gave no usable score.
    public var faithfulness: Double?
    /// How far the answer addresses the question, in [0, 1]; nil when the judge gave no usable score.
    public var relevance: Double?
    /// The judge's one-line reason, when it gave one.
    public var reason: String?
    /// Why there are no scores (the service failed, the output was not the asked JSON), or nil.
    public var error: String?

    /// - Parameters:
    ///   - faithfulness: support by the sources in [0, 1].
    ///   - relevance: relevance to the question in [0, 1].
    ///   - reason: the judge's reason.
    ///   - error: why there are no scores.
    public init(faithfulness: Double? = nil, relevance: Double? = nil, reason: String? = nil, error: String? = nil) {
        self.faithfulness = faithfulness
        self.relevance = relevance
        self.reason = reason
        self.error = error
    }

    /// The judge's verdict on faithfulness at 0.5, comparable with the offline check's `supported`.
    public var isFaithful: Bool? { faithfulness.map { $0 >= 0.5 } }

    /// Scores from a model's reply: the first JSON object in it (code fences and prose around it are ignored),
    /// with `faithfulness` and `relevance` as numbers in [0, 1] (a 1-5 scale is rescaled) or `true`/`false`.
    public static func parse(_ content: String) -> JudgeScores {
        guard let object = JSONExtraction.firstObject(in: content) else {
            return JudgeScores(error: "the judge's reply holds no JSON object: \"\(String(content.prefix(80)))\"")
        }
        let faithfulness = score(object["faithfulness"])
        let relevance = score(object["relevance"])
        guard faithfulness != nil || relevance != nil else {
            return JudgeScores(error: "the judge's JSON has no usable faithfulness or relevance: \(String(describing: object.keys.sorted()))")
        }
        // A small model copies the rubric's placeholder; that is no reason.
        let reason = (object["reason"] as? String).map { String($0.prefix(300)) }
            .flatMap { $0.isEmpty || $0.hasPrefix("<") || $0 == JudgePrompt.reasonPlaceholder ? nil : $0 }
        return JudgeScores(faithfulness: faithfulness, relevance: relevance, reason: reason)
    }

    static func score(_ value: Any?) -> Double? {
        switch value {
        case let flag as Bool: return flag ? 1 : 0
        case let number as NSNumber:
            let raw = number.doubleValue
            if (0...1).contains(raw) { return raw }
            if (1...5).contains(raw) { return (raw - 1) / 4 }   // a 1-5 rating
            if (1...10).contains(raw) { return (raw - 1) / 9 }
            return nil
        case let text as String: return Double(text).flatMap { score(NSNumber(value: $0)) }
        default: return nil
        }
    }
}

/// `eval.judge` in supportkit.yaml: which model judges, where.
public struct JudgeSettings: Sendable, Hashable, Codable {
    /// The model name sent to the service.
    public var model: String
    /// The OpenAI-compatible API root; nil for `OPENAI_BASE_URL` (or OpenAI's).
    public var baseURL: String?
    /// Seconds one judgement may take.
    public var timeoutSeconds: Double

    /// - Parameters:
    ///   - model: the model.
    ///   - baseURL: the API root, nil for the environment's.
    ///   - timeoutSeconds: seconds per judgement (30).
    public init(model: String, baseURL: String? = nil, timeoutSeconds: Double = 30) {
        self.model = model
        self.baseURL = baseURL
        self.timeoutSeconds = timeoutSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, baseURL = "base_url", timeoutSeconds = "timeout_seconds"
    }

    /// `model` is required; the rest default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            model: try c.decode(String.self, forKey: .model), baseURL: try c.decodeIfPresent(String.self, forKey: .baseURL),
            timeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 30)
    }
}

/// The messages a model judge is sent: the rubric, then the question, the sources (each once, cut to a budget so a
/// small model's context holds them) and the answer. The reply asked for is one JSON object.
public enum JudgePrompt {
    /// Characters of sources sent at most (about 1,500 tokens).
    public static let sourceBudget = 6_000

    /// The rubric.
    public static let system = """
        You grade a customer-support answer. Read the SOURCES, the QUESTION and the ANSWER.
        faithfulness: 1 if every statement in the answer is supported by the sources, 0 if any statement contradicts \
        them or is not in them; use a value in between for partly supported answers. Greetings and offers of further \
        help do not count.
        relevance: 1 if the answer addresses the question, 0 if it does not.
        Reply with one JSON object only: {"faithfulness": number, "relevance": number, "reason": "\(reasonPlaceholder)"}
        """

    /// The JSON Schema of the reply, for services that constrain answers to one (`llm.structured_output`).
    public static let schema = #"{"additionalProperties":false,"properties":{"faithfulness":{"type":"number"},"reason":{"type":"string"},"relevance":{"type":"number"}},"required":["faithfulness","relevance","reason"],"type":"object"}"#

    /// Tokens a reply may have: two numbers and a short reason.
    public static let maxTokens = 200

    /// What the rubric shows in place of the reason.
    static let reasonPlaceholder = "<why, in a few words>"

    /// `(role, content)` pairs for a chat-completions request.
    public static func messages(question: String, answer: String, sources: [String]) -> [(role: String, content: String)] {
        var seen = Set<String>()
        var budget = sourceBudget
        var blocks: [String] = []
        for source in sources where seen.insert(source).inserted && budget > 0 {
            let text = String(source.prefix(budget))
            budget -= text.count
            blocks.append("[\(blocks.count + 1)] " + text)
        }
        let user = "SOURCES:\n\(blocks.joined(separator: "\n\n"))\n\nQUESTION: \(question)\n\nANSWER: \(answer)"
        return [("system", system), ("user", user)]
    }
}
