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
            let content = try await client.complete(model: model, messages: prompt(for: message), temperature: 0, jsonObject: true)
            var classification = try parse(content)
            classification.classifier = "llm:\(model)"
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

    private func fallbackClassification(_ message: String, _ embedding: [Float], reason: String) -> Classification {
        var local = fallback.classify(text: message, embedding: embedding)
        local.classifier = "llm:\(model) (fallback: \(fallback.fingerprint); \(reason))"
        return local
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

    /// Validates the model's JSON against the configured labels.
    func parse(_ content: String) throws -> Classification {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        // Some models wrap JSON in a Markdown fence even when asked not to.
        if text.hasPrefix("```"), let open = text.firstIndex(of: "\n"), let close = text.range(of: "```", options: .backwards), close.lowerBound > open {
            text = String(text[text.index(after: open)..<close.lowerBound])
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ChatCompletionsError.malformedResponse("the answer is not a JSON object")
        }
        guard let intent = object["intent"] as? String, intentLabels.contains(intent) else {
            throw ChatCompletionsError.malformedResponse("intent \(String(describing: object["intent"] ?? "missing")) is not a configured intent")
        }
        guard let confidence = (object["confidence"] as? NSNumber)?.doubleValue, (0...1).contains(confidence) else {
            throw ChatCompletionsError.malformedResponse("confidence is not a number in [0, 1]")
        }
        var category: String?
        var categoryConfidence = 0.0
        if let value = object["category"] as? String, !value.isEmpty, value != "null" {
            guard categoryLabels.contains(value) else {
                throw ChatCompletionsError.malformedResponse("category \(value) is not a configured category")
            }
            category = value
            let given = (object["category_confidence"] as? NSNumber)?.doubleValue ?? confidence
            categoryConfidence = min(1, max(0, given))
        }
        return Classification(intent: intent, confidence: confidence, category: category, categoryConfidence: categoryConfidence, classifier: "llm:\(model)")
    }
}
