import Foundation
import Logging
import SupportKit

/// Trains `LocalIntentClassifier`: embeds the examples, measures stratified k-fold accuracy, fits a softmax
/// temperature on the held-out predictions, then fits each head on all its examples.
public struct ClassifierTrainer: Sendable {
    /// The embedder whose space the classifier lives in; the assistant must use the same one.
    public let embedder: any Embedder
    public let configuration: AssistantConfiguration.Classifier
    /// Seed of the fold assignment, so that cross-validation figures are reproducible.
    public var seed: UInt64 = 42
    /// How messages become the intent head's input.
    public var features: ClassifierFeatures
    /// How messages become the category head's input (topic lives in the embedding; words add less).
    public var categoryFeatures: ClassifierFeatures
    /// How the out-of-scope detector is calibrated.
    public var outOfScope: AssistantConfiguration.OutOfScope

    /// A trainer for `embedder` with the classifier and out-of-scope settings.
    public init(embedder: any Embedder, configuration: AssistantConfiguration.Classifier = .init(), outOfScope: AssistantConfiguration.OutOfScope = .init()) {
        self.embedder = embedder
        self.configuration = configuration
        self.outOfScope = outOfScope
        self.features = ClassifierFeatures(hashedWords: configuration.hashedWords, wordWeight: Float(configuration.wordWeight))
        self.categoryFeatures = ClassifierFeatures(
            hashedWords: configuration.categoryWordWeight > 0 ? configuration.hashedWords : 0,
            wordWeight: Float(max(configuration.categoryWordWeight, 0)))
    }

    /// Trains both heads.
    ///
    /// - Parameters:
    ///   - examples: intent examples, and category examples when the file has them.
    ///   - knowledge: when `examples` has no categories and this is given, the category head learns from the
    ///     knowledge base's own chunks (their text and category), read from the `support_knowledge` collection.
    ///   - test: optional held-out examples; their accuracy is reported, they are never trained on.
    ///   - logger: progress messages.
    /// - Returns: the classifier (its `model.report` holds the figures).
    /// - Throws: `SupportKitError.invalidInput` when there are fewer than two intents; embedder or store errors.
    public func train(
        _ examples: TrainingExamples, knowledge: (any VectorStore)? = nil, test: TrainingExamples? = nil,
        logger: Logger = Logger(label: "supportkit.train")
    ) async throws -> LocalIntentClassifier {
        let intentLabels = Set(examples.intents.map(\.label))
        guard intentLabels.count >= 2 else {
            throw SupportKitError(.invalidInput, "training needs at least two intents, found \(intentLabels.count); add examples for more intents")
        }
        let embedStart = ContinuousClock.now
        let intentVectors = try await featureVectors(examples.intents.map(\.text), features)
        var categoryTexts: [String] = []
        var categoryLabels: [String] = []
        var categoryVectors: [[Float]] = []
        var categorySource = ""
        if !examples.categories.isEmpty {
            categoryTexts = examples.categories.map(\.text)
            categoryLabels = examples.categories.map(\.label)
            categoryVectors = try await featureVectors(categoryTexts, categoryFeatures)
            categorySource = examples.categories.first?.location.path ?? "examples"
        } else if let knowledge {
            (categoryLabels, categoryVectors) = try await knowledgeExamples(knowledge)
            categorySource = "knowledge base (\(Collections.knowledge))"
        }
        var testIntentVectors: [[Float]]?
        var testCategoryVectors: [[Float]]?
        if let test {
            testIntentVectors = try await featureVectors(test.intents.map(\.text), features)
            testCategoryVectors = try await featureVectors(test.categories.map(\.text), categoryFeatures)
        }
        let embedSeconds = embedStart.duration(to: .now).seconds
        logger.info("embedded \(intentVectors.count + categoryVectors.count) examples in \(String(format: "%.1f", embedSeconds)) s")

        let fitStart = ContinuousClock.now
        // Topics for the out-of-scope detector: intents are what a message does ("a question"), so a question
        // about anything sits near the question centroid; the categories say what the assistant is about.
        let topics = Self.topicCentroids(categoryVectors, labels: categoryLabels, dimension: embedder.fingerprint.dimension)
        let (intentModel, intentHeadFitted, signals) = fitHead(
            name: "intents", source: examples.intents.first?.location.path ?? "examples", features: features,
            vectors: intentVectors, labels: examples.intents.map(\.label), collectSignals: true, topics: topics, logger: logger)
        var intentHead = intentHeadFitted
        var detector: OutOfScopeDetector?
        var outOfScopeReport: TrainingReport.OutOfScope?
        if let signals {
            let index = Dictionary(uniqueKeysWithValues: intentModel.labels.enumerated().map { ($1, $0) })
            var fitted = fitOutOfScope(vectors: intentVectors, targets: examples.intents.map { index[$0.label] ?? 0 }, classes: intentModel.labels.count, topics: topics, heldOut: signals, settings: outOfScope)
            if let test, let vectors = testIntentVectors, !test.intents.isEmpty {
                testOutOfScope(&fitted.1, detector: fitted.0, model: intentModel, vectors: vectors, labels: test.intents.map(\.label))
            }
            detector = fitted.0
            outOfScopeReport = fitted.1
        }
        if let test, let vectors = testIntentVectors, !test.intents.isEmpty {
            intentHead.testAccuracy = accuracy(intentModel, vectors: vectors, labels: test.intents.map(\.label))
            intentHead.testExamples = test.intents.count
            let unseen = Set(test.intents.map(\.label)).subtracting(intentModel.labels)
            if !unseen.isEmpty { intentHead.warnings.append("test labels never trained on: \(unseen.sorted().joined(separator: ", "))") }
        }
        var categoryModel: SoftmaxModel?
        var categoryHead: TrainingReport.Head?
        if Set(categoryLabels).count >= 2 {
            var (model, head) = fitHead(name: "categories", source: categorySource, features: categoryFeatures, vectors: categoryVectors, labels: categoryLabels, logger: logger)
            if let test, let vectors = testCategoryVectors, !test.categories.isEmpty {
                head.testAccuracy = accuracy(model, vectors: vectors, labels: test.categories.map(\.label))
                head.testExamples = test.categories.count
            }
            categoryModel = model
            categoryHead = head
        } else {
            logger.warning("no category examples (and no knowledge base with two or more categories): replies will carry no category and retrieval will never filter")
        }
        let fitSeconds = fitStart.duration(to: .now).seconds
        var report = TrainingReport(intents: intentHead, categories: categoryHead, embedSeconds: embedSeconds, fitSeconds: fitSeconds, l2: configuration.l2)
        report.outOfScope = outOfScopeReport
        var model = LocalIntentClassifier.Model(embedder: embedder.fingerprint, features: features, categoryFeatures: categoryFeatures, intents: intentModel, categories: categoryModel, report: report,
            trainingTexts: Self.unique(examples.intents.map(\.text) + examples.categories.map(\.text)), trainedAt: Date())
        model.outOfScope = detector
        return LocalIntentClassifier(model: model)
    }

    /// Chunk texts and categories of the knowledge collection, with vectors reused when they are in this
    /// embedder's space (re-embedded otherwise).
    private func knowledgeExamples(_ store: any VectorStore) async throws -> ([String], [[Float]]) {
        guard let spec = try await store.collection(named: Collections.knowledge) else { return ([], []) }
        let reuse = spec.embedder == embedder.fingerprint
        var labels: [String] = []
        var vectors: [[Float]] = []
        var texts: [String] = []
        var offset: UUID?
        repeat {
            let page = try await store.scroll(Collections.knowledge, filter: nil, offset: offset, limit: 512, withVectors: reuse)
            for point in page.points {
                guard let category = point.payload[ChunkKey.category]?.stringValue, !category.isEmpty else { continue }
                labels.append(category)
                texts.append(Chunk(id: point.id, payload: point.payload)?.embeddingText ?? point.payload[ChunkKey.text]?.stringValue ?? "")
                if reuse { vectors.append(point.vector) }
            }
            offset = page.next
        } while offset != nil
        if !reuse { vectors = try await embedder.embedAll(texts) }
        return (labels, zip(texts, vectors).map { categoryFeatures.vector(text: $0, embedding: $1) })
    }

    /// Cross-validates, calibrates and fits one head.
    func fitHead(name: String, source: String, features inputs: ClassifierFeatures, vectors: [[Float]], labels: [String], logger: Logger) -> (SoftmaxModel, TrainingReport.Head) {
        let (model, head, _) = fitHead(name: name, source: source, features: inputs, vectors: vectors, labels: labels, collectSignals: false, topics: [], logger: logger)
        return (model, head)
    }

    /// Unit centroids of the category examples, one per category, row-major; empty without categories.
    static func topicCentroids(_ vectors: [[Float]], labels: [String], dimension: Int) -> [Float] {
        let names = Array(Set(labels)).sorted()
        guard !names.isEmpty, vectors.count == labels.count else { return [] }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return OutOfScopeDetector.centroids(vectors, targets: labels.map { index[$0] ?? 0 }, classes: names.count, dimension: dimension, rows: Array(vectors.indices))
    }

    /// Cross-validates, calibrates and fits one head; with `collectSignals`, also returns each example's
    /// held-out out-of-scope signals (nearest of the other folds' intent centroids and the `topics` centroids).
    func fitHead(name: String, source: String, features inputs: ClassifierFeatures, vectors: [[Float]], labels: [String], collectSignals: Bool, topics: [Float], logger: Logger) -> (SoftmaxModel, TrainingReport.Head, HeldOutSignals?) {
        let classes = Array(Set(labels)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let targets = labels.map { index[$0] ?? 0 }
        let dimension = inputs.dimension(embeddingDimension: embedder.fingerprint.dimension)
        let features = FeatureMatrix(vectors: vectors, dimension: dimension)
        let trainer = SoftmaxTrainer(l2: configuration.l2, maxIterations: configuration.maxIterations)
        var counts: [String: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        var warnings: [String] = []
        let sparse = counts.filter { $0.value < configuration.minExamplesPerClass }.sorted { $0.key < $1.key }
        if !sparse.isEmpty {
            let listed = sparse.prefix(10).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            warnings.append("\(sparse.count) \(name) with fewer than \(configuration.minExamplesPerClass) examples: \(listed)\(sparse.count > 10 ? ", ..." : ""); add examples or expect them to be confused")
        }

        // Stratified folds: each class's examples are shuffled and dealt round-robin, so every fold sees
        // every class in proportion.
        let folds = min(configuration.folds, max(0, counts.values.max() ?? 0))
        var cvAccuracy: Double?
        var calibrationError: Double?
        var temperature = 1.0
        var selective: [TrainingReport.SelectiveAccuracy] = []
        var signals: HeldOutSignals?
        var heldOutSimilarity = [Double](repeating: 0, count: collectSignals ? labels.count : 0)
        let embeddingDimension = embedder.fingerprint.dimension
        if folds >= 2 && labels.count >= 2 * folds {
            var generator = SplitMix64(seed: seed)
            var fold = [Int](repeating: 0, count: labels.count)
            var byClass: [[Int]] = Array(repeating: [], count: classes.count)
            for (row, target) in targets.enumerated() { byClass[target].append(row) }
            var dealt = 0
            for rows in byClass {
                for (position, row) in rows.shuffled(using: &generator).enumerated() { fold[row] = (dealt + position) % folds }
                dealt += rows.count
            }
            var heldOutLogits = [Float](repeating: 0, count: labels.count * classes.count)
            for k in 0..<folds {
                let trainRows = fold.indices.filter { fold[$0] != k }
                let testRows = fold.indices.filter { fold[$0] == k }
                let fit = trainer.fit(features.selecting(trainRows), targets: trainRows.map { targets[$0] }, classes: classes.count)
                let logits = features.selecting(testRows).logits(weights: fit.weights, bias: fit.bias, classes: classes.count)
                for (position, row) in testRows.enumerated() {
                    for column in 0..<classes.count {
                        heldOutLogits[row * classes.count + column] = logits[position * classes.count + column]
                    }
                }
                if collectSignals {
                    let centroids = OutOfScopeDetector.centroids(vectors, targets: targets, classes: classes.count, dimension: embeddingDimension, rows: trainRows) + topics
                    for row in testRows {
                        heldOutSimilarity[row] = OutOfScopeDetector.nearestSimilarity(vectors[row].prefix(embeddingDimension), centroids: centroids, dimension: embeddingDimension)
                    }
                }
                logger.info("\(name): fold \(k + 1)/\(folds) fitted in \(fit.iterations) iterations")
            }
            var correct = 0
            for (row, target) in targets.enumerated() {
                let base = row * classes.count
                var best = 0
                for column in 1..<classes.count where heldOutLogits[base + column] > heldOutLogits[base + best] { best = column }
                if best == target { correct += 1 }
            }
            cvAccuracy = Double(correct) / Double(labels.count)
            temperature = Softmax.fitTemperature(logits: heldOutLogits, targets: targets, classes: classes.count)
            calibrationError = Self.expectedCalibrationError(logits: heldOutLogits, targets: targets, classes: classes.count, temperature: temperature)
            selective = Self.selectiveAccuracy(logits: heldOutLogits, targets: targets, classes: classes.count, temperature: temperature)
            if collectSignals {
                var confidence: [Double] = []
                var correct: [Bool] = []
                for (row, target) in targets.enumerated() {
                    let probabilities = Softmax.probabilities((0..<classes.count).map { Double(heldOutLogits[row * classes.count + $0]) }, temperature: temperature)
                    var best = 0
                    for column in probabilities.indices where probabilities[column] > probabilities[best] { best = column }
                    confidence.append(probabilities[best])
                    correct.append(best == target)
                }
                signals = HeldOutSignals(similarity: heldOutSimilarity, confidence: confidence, correct: correct)
            }
        } else {
            warnings.append("too few \(name) examples for \(configuration.folds)-fold cross-validation; confidence is uncalibrated")
        }
        let fit = trainer.fit(features, targets: targets, classes: classes.count)
        let model = SoftmaxModel(labels: classes, dimension: dimension, weights: fit.weights, bias: fit.bias, temperature: temperature)
        var head = TrainingReport.Head(
            name: name, source: source, examples: labels.count, classes: classes.count, counts: counts,
            crossValidationAccuracy: cvAccuracy, folds: folds, calibrationError: calibrationError,
            temperature: temperature, iterations: fit.iterations, warnings: warnings)
        head.selective = selective
        return (model, head, signals)
    }

    /// `texts` without repeats, in first-seen order.
    static func unique(_ texts: [String]) -> [String] {
        var seen = Set<String>()
        return texts.filter { seen.insert($0).inserted }
    }

    /// Embeds `texts` and appends the word features.
    private func featureVectors(_ texts: [String], _ features: ClassifierFeatures) async throws -> [[Float]] {
        let embeddings = try await embedder.embedAll(texts)
        return zip(texts, embeddings).map { features.vector(text: $0, embedding: $1) }
    }

    private func accuracy(_ model: SoftmaxModel, vectors: [[Float]], labels: [String]) -> Double {
        guard !labels.isEmpty else { return 0 }
        let correct = zip(vectors, labels).filter { model.predict($0.0).label == $0.1 }.count
        return Double(correct) / Double(labels.count)
    }

    /// Coverage and accuracy of held-out predictions at confidence thresholds 0.3 to 0.9.
    static func selectiveAccuracy(logits: [Float], targets: [Int], classes: Int, temperature: Double) -> [TrainingReport.SelectiveAccuracy] {
        let predictions = targets.enumerated().map { row, target -> (confidence: Double, correct: Bool) in
            let probabilities = Softmax.probabilities((0..<classes).map { Double(logits[row * classes + $0]) }, temperature: temperature)
            var best = 0
            for column in probabilities.indices where probabilities[column] > probabilities[best] { best = column }
            return (probabilities[best], best == target)
        }
        return stride(from: 0.3, through: 0.91, by: 0.1).map { threshold in
            let kept = predictions.filter { $0.confidence >= threshold }
            return TrainingReport.SelectiveAccuracy(
                threshold: (threshold * 10).rounded() / 10,
                coverage: predictions.isEmpty ? 0 : Double(kept.count) / Double(predictions.count),
                accuracy: kept.isEmpty ? nil : Double(kept.filter(\.correct).count) / Double(kept.count))
        }
    }

    /// Expected calibration error over 10 equal-width confidence bins.
    static func expectedCalibrationError(logits: [Float], targets: [Int], classes: Int, temperature: Double) -> Double {
        var binCount = [Double](repeating: 0, count: 10)
        var binConfidence = [Double](repeating: 0, count: 10)
        var binCorrect = [Double](repeating: 0, count: 10)
        for (row, target) in targets.enumerated() {
            let slice = (0..<classes).map { Double(logits[row * classes + $0]) }
            let probabilities = Softmax.probabilities(slice, temperature: temperature)
            var best = 0
            for column in probabilities.indices where probabilities[column] > probabilities[best] { best = column }
            let bin = min(9, Int(probabilities[best] * 10))
            binCount[bin] += 1
            binConfidence[bin] += probabilities[best]
            binCorrect[bin] += best == target ? 1 : 0
        }
        let total = Double(targets.count)
        guard total > 0 else { return 0 }
        var error = 0.0
        for bin in 0..<10 where binCount[bin] > 0 {
            error += binCount[bin] / total * abs(binConfidence[bin] / binCount[bin] - binCorrect[bin] / binCount[bin])
        }
        return error
    }
}

/// A small seeded generator so that fold assignment is the same on every run and platform.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
