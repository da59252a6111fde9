import Foundation
import Logging
import SupportKit

/// Classifies with an OpenAI-compatible chat model, falling back to the local classifier.
///
/// The model is asked for `{"intent", "confidence", "category", "category_confidence"}`; the answer is
/// accepted only when the labels are among the configured ones and the confidences are numbers in [0, 1].
/// On a malformed answer, a timeout or an HTTP error the local classifier answers instead, and the reply's
/// `classifier` says so: `llm:MODEL (fallback: logreg@1:…; timeout)`.
public struct LLMIntentClassifier: IntentClassifier {
    public let client: ChatCompletionsClient
    public let model: String
    /// Answers when the model cannot; also supplies the label sets.
    public let fallback: LocalIntentClassifier
    let logger: Logger

    /// A classifier asking `model` through `client`, with `fallback` for failures.
    public init(client: ChatCompletionsClient, model: String, fallback: LocalIntentClassifier, logger: Logger = Logger(label: "supportkit.llm")) {
        self.client = client
        self.model = model
        self.fallback = fallback
        self.logger = logger
    }

    public var fingerprint: String { "llm:\(model)+\(fallback.fingerprint)" }
    public var intentLabels: [String] { fallback.intentLabels }
    public var categoryLabels: [String] { fallback.categoryLabels }
    public var trainingTexts: [String] { fallback.trainingTexts }

    public func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        do {
            let content = try await client.complete(model: model, messages: prompt(for: message), options: options)
            var classification = try parse(content)
            classification.classifier = LLMClassifierUse.answered(model: model)
            return classification
        } catch let error as ChatCompletionsError {
            logger.warning("LLM classification failed, using the local classifier: \(error)")
            return fallbackClassification(message, embedding, reason: error.shortReason)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.warning("LLM classification failed, using the local classifier: \(error)")
            return fallbackClassification(message, embedding, reason: "error")
        }
    }

    /// Small talk is decided without a model: the local classifier labels it, and the reply says so.
    public func classifyWithoutModel(_ message: String, embedding: [Float]) async throws -> Classification {
        var local = fallback.classify(text: message, embedding: embedding)
        local.classifier = LLMClassifierUse.notAsked(model: model, local: fallback.fingerprint)
        return local
    }

    private func fallbackClassification(_ message: String, _ embedding: [Float], reason: String) -> Classification {
        var local = fallback.classify(text: message, embedding: embedding)
        local.classifier = LLMClassifierUse.fellBack(model: model, local: fallback.fingerprint, reason: reason)
        return local
    }

    /// A short JSON answer: the labels are enums in the schema, so a service that honors schemas (OpenAI's
    /// structured outputs, a llama.cpp grammar) can only write configured labels.
    var options: ChatCompletionsClient.Options {
        ChatCompletionsClient.Options(temperature: 0, maxTokens: 96, json: .init(name: "classification", schema: schema))
    }

    /// The JSON Schema of the answer.
    var schema: String {
        let category: [String: Any] = categoryLabels.isEmpty ? ["type": "null"] : ["type": "string", "enum": categoryLabels]
        let schema: [String: Any] = [
            "type": "object",
            "properties": [
                "intent": ["type": "string", "enum": intentLabels],
                "confidence": ["type": "number"],
                "category": category,
                "category_confidence": ["type": "number"],
            ],
            "required": ["intent", "confidence", "category", "category_confidence"],
            "additionalProperties": false,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: schema, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func prompt(for message: String) -> [ChatCompletionsClient.Message] {
        let categories = categoryLabels.isEmpty ? "none (answer null)" : categoryLabels.joined(separator: ", ")
        let system = """
            You classify customer support messages. Answer with one JSON object and nothing else:
            {"intent": one of [\(intentLabels.joined(separator: ", "))], "confidence": probability from 0 to 1 that the intent is right, \
            "category": one of [\(categories)] or null, "category_confidence": probability from 0 to 1}.
            Use exactly the label spellings given.
            """
        return [.init(role: "system", content: system), .init(role: "user", content: message)]
    }

    /// Reads the model's answer against the configured labels.
    ///
    /// What is repaired: prose or a Markdown fence around the JSON (the first JSON object is read), a label in
    /// another case or with spaces for underscores (`"Problem"`, `"track package"`), a confidence given as a
    /// string or a percentage string (`"0.8"`, `"85%"`), a confidence outside [0, 1] (clamped), a missing confidence
    /// (0.5: the model said nothing about it). What is not: no JSON object, an intent that is not a configured
    /// label, a category that is not one, a confidence that is not a number (`"high"`).
    func parse(_ content: String) throws -> Classification {
        guard let object = JSONExtraction.firstObject(in: content) else {
            throw ChatCompletionsError.unusableAnswer("the answer holds no JSON object: \"\(Self.excerpt(content))\"")
        }
        guard let rawIntent = object["intent"] as? String else {
            throw ChatCompletionsError.unusableAnswer("the answer has no \"intent\" string: \"\(Self.excerpt(content))\"")
        }
        guard let intent = Self.label(rawIntent, in: intentLabels) else {
            throw ChatCompletionsError.unusableAnswer("intent \"\(Self.excerpt(rawIntent))\" is not a configured intent")
        }
        let confidence: Double
        if object["confidence"] == nil || object["confidence"] is NSNull {
            confidence = 0.5
        } else if let given = Self.probability(object["confidence"]) {
            confidence = given
        } else {
            throw ChatCompletionsError.unusableAnswer("confidence \(Self.excerpt(String(describing: object["confidence"]!))) is not a number")
        }
        var category: String?
        var categoryConfidence = 0.0
        if let value = object["category"] as? String, !value.isEmpty, value.lowercased() != "null", value.lowercased() != "none" {
            guard let label = Self.label(value, in: categoryLabels) else {
                throw ChatCompletionsError.unusableAnswer("category \"\(Self.excerpt(value))\" is not a configured category")
            }
            category = label
            categoryConfidence = Self.probability(object["category_confidence"]) ?? confidence
        }
        return Classification(intent: intent, confidence: confidence, category: category, categoryConfidence: categoryConfidence, classifier: LLMClassifierUse.answered(model: model))
    }

    /// `raw` as one of `labels`, ignoring case and treating spaces and hyphens as underscores.
    static func label(_ raw: String, in labels: [String]) -> String? {
        func key(_ text: String) -> String {
            text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        }
        if labels.contains(raw) { return raw }
        let wanted = key(raw)
        return labels.first { key($0) == wanted }
    }

    /// A probability from a number, the same as a string (`"0.8"`), or a percentage string (`"85%"`), clamped into
    /// [0, 1] (SmolLM2-135M wrote `1.2` under a grammar that cannot bound numbers); nil for anything else.
    static func probability(_ value: Any?) -> Double? {
        let number: Double?
        switch value {
        case let value as NSNumber: number = value.doubleValue
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%") {
                number = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 }
            } else {
                number = Double(trimmed)
            }
        default: number = nil
        }
        guard let number, number.isFinite else { return nil }
        return min(1, max(0, number))
    }

    static func excerpt(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 80 ? String(flat.prefix(80)) + "..." : flat
    }
}
