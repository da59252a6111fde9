import Foundation
import SupportKit

/// The trained local classifier: a softmax-regression intent head and an optional category head over the
/// embeddings of one embedder, saved as JSON next to the store.
public struct LocalIntentClassifier: IntentClassifier {
    /// The file format version written by this code.
    public static let formatVersion = 1

    /// What is saved to disk.
    public struct Model: Sendable, Hashable, Codable {
        public var format: Int
        /// The embedding space the heads were trained in; a classifier is refused under another embedder.
        public var embedder: EmbedderFingerprint
        /// How a message becomes the intent head's input (embedding plus hashed words).
        public var features: ClassifierFeatures
        /// How a message becomes the category head's input.
        public var categoryFeatures: ClassifierFeatures
        public var intents: SoftmaxModel
        public var categories: SoftmaxModel?
        /// How the heads were trained and how well they did, for `train` and for people reading the file.
        public var report: TrainingReport
        /// The example texts trained on, so an evaluation can warn when its messages repeat them.
        public var trainingTexts: [String]
        public var trainedAt: Date
        /// The out-of-scope detector (nil in classifiers trained before it existed: no score is reported).
        public var outOfScope: OutOfScopeDetector?

        /// A model of format `formatVersion`.
        public init(embedder: EmbedderFingerprint, features: ClassifierFeatures, categoryFeatures: ClassifierFeatures, intents: SoftmaxModel, categories: SoftmaxModel?, report: TrainingReport, trainingTexts: [String] = [], trainedAt: Date) {
            self.trainingTexts = trainingTexts
            self.format = LocalIntentClassifier.formatVersion
            self.embedder = embedder
            self.features = features
            self.categoryFeatures = categoryFeatures
            self.intents = intents
            self.categories = categories
            self.report = report
            self.trainedAt = trainedAt
        }

        private enum CodingKeys: String, CodingKey {
            case format, embedder, features, categoryFeatures, intents, categories, report, trainingTexts, trainedAt, outOfScope
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            format = try c.decode(Int.self, forKey: .format)
            embedder = try c.decode(EmbedderFingerprint.self, forKey: .embedder)
            features = try c.decode(ClassifierFeatures.self, forKey: .features)
            categoryFeatures = try c.decode(ClassifierFeatures.self, forKey: .categoryFeatures)
            intents = try c.decode(SoftmaxModel.self, forKey: .intents)
            categories = try c.decodeIfPresent(SoftmaxModel.self, forKey: .categories)
            report = try c.decode(TrainingReport.self, forKey: .report)
            // Optional so that a classifier saved before the field existed still loads.
            trainingTexts = try c.decodeIfPresent([String].self, forKey: .trainingTexts) ?? []
            trainedAt = try c.decode(Date.self, forKey: .trainedAt)
            outOfScope = try c.decodeIfPresent(OutOfScopeDetector.self, forKey: .outOfScope)
        }
    }

    /// The trained heads.
    public let model: Model
    /// `logreg@1:` plus 12 hex digits of a hash over weights, labels, temperatures and embedder.
    public let fingerprint: String

    /// Wraps a trained model.
    public init(model: Model) {
        self.model = model
        var hasher = ContentHasher()
        hasher.combine("logreg@\(LocalIntentClassifier.formatVersion)")
        hasher.combine(model.embedder.description)
        hasher.combine("words:\(model.features.hashedWords):\(model.features.wordWeight)")
        hasher.combine("category-words:\(model.categoryFeatures.hashedWords):\(model.categoryFeatures.wordWeight)")
        for head in [model.intents] + (model.categories.map { [$0] } ?? []) {
            hasher.combine(head.labels.joined(separator: "\u{1F}"))
            hasher.combine("\(head.temperature)")
            head.weights.withUnsafeBytes { hasher.combine(bytes: $0) }
            head.bias.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        if let detector = model.outOfScope { hasher.combine("oos:\(detector.method.rawValue):\(detector.threshold)") }
        fingerprint = "logreg@\(LocalIntentClassifier.formatVersion):" + hasher.finalize().prefix(12)
    }

    public var intentLabels: [String] { model.intents.labels }
    public var categoryLabels: [String] { model.categories?.labels ?? [] }
    public var trainingTexts: [String] { model.trainingTexts }

    /// Classifies a message from its text and embedding (synchronous; no I/O).
    public func classify(text: String, embedding: [Float]) -> Classification {
        let intent = model.intents.predict(model.features.vector(text: text, embedding: embedding))
        let category = model.categories.map { $0.predict(model.categoryFeatures.vector(text: text, embedding: embedding)) }
        var classification = Classification(
            intent: intent.label, confidence: intent.probability, category: category?.label,
            categoryConfidence: category?.probability ?? 0, classifier: fingerprint)
        if let detector = model.outOfScope {
            classification.outOfScopeScore = detector.score(embedding: embedding, confidence: intent.probability)
            classification.outOfScopeThreshold = detector.threshold
        }
        return classification
    }

    public func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        classify(text: message, embedding: embedding)
    }

    /// The category head on the message's words and the context vector.
    public func outOfScopeScore(inContext context: [Float], confidence: Double) -> Double? {
        model.outOfScope?.score(embedding: context, confidence: confidence)
    }

    public func category(of message: String, inContext context: [Float]) async throws -> (label: String, confidence: Double)? {
        guard let head = model.categories else { return nil }
        let prediction = head.predict(model.categoryFeatures.vector(text: message, embedding: context))
        return (prediction.label, prediction.probability)
    }

    /// Writes the classifier as JSON, creating the folder when needed.
    /// - Throws: `SupportKitError.unavailable` when the file cannot be written.
    public func save(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(model).write(to: url, options: .atomic)
        } catch {
            throw SupportKitError(.unavailable, "cannot write the classifier to \(path); check that the folder is writable", underlying: error)
        }
    }

    /// Reads a classifier saved by `save(to:)` and checks that it fits `embedder`.
    /// - Throws: `SupportKitError.invalidInput` when missing (with the command that creates it),
    ///   `.corrupt` when unreadable, `.embedderMismatch` when trained under another embedder.
    public static func load(from path: String, embedder: EmbedderFingerprint) throws -> LocalIntentClassifier {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SupportKitError(.invalidInput, "no trained classifier at \(path); run `supportkit train corpora/intents.yaml` first")
        }
        let model: Model
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            model = try decoder.decode(Model.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw SupportKitError(.corrupt, "the classifier at \(path) cannot be read; retrain it with `supportkit train`", underlying: error)
        }
        guard model.format == formatVersion else {
            throw SupportKitError(.corrupt, "the classifier at \(path) has format \(model.format), this build reads \(formatVersion); retrain it with `supportkit train`")
        }
        guard model.embedder == embedder else {
            throw SupportKitError(.embedderMismatch, "the classifier at \(path) was trained on \(model.embedder) embeddings but this run uses \(embedder); retrain it with `supportkit train`, or pass `--embedder \(model.embedder.name)`")
        }
        let expected = model.intents.dimension * model.intents.labels.count
        let dimension = model.features.dimension(embeddingDimension: embedder.dimension)
        guard model.intents.dimension == dimension, model.intents.weights.count == expected,
              model.intents.bias.count == model.intents.labels.count
        else {
            throw SupportKitError(.corrupt, "the classifier at \(path) has weights of the wrong shape; retrain it with `supportkit train`")
        }
        if let categories = model.categories,
           categories.weights.count != categories.dimension * categories.labels.count || categories.dimension != model.categoryFeatures.dimension(embeddingDimension: embedder.dimension) {
            throw SupportKitError(.corrupt, "the classifier at \(path) has a category head of the wrong shape; retrain it with `supportkit train`")
        }
        return LocalIntentClassifier(model: model)
    }
}
