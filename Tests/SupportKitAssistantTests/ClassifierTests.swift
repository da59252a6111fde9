import Foundation
import SupportKit
import SupportKitEmbedding
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

@Suite struct ClassifierTests {
    /// A team's own taxonomy, unrelated to the five default intents.
    static let customYAML = """
        intents:
          track_package:
            - "where is my package"
            - "track my package please"
            - "has my package shipped yet"
            - "package tracking number"
            - "when will my package arrive"
            - "my package tracking shows nothing"
            - "can you track the package for me"
            - "package delivery status"
            - "where's the package I ordered"
            - "track package delivery"
          reset_password:
            - "I forgot my password"
            - "reset my password"
            - "password reset link not working"
            - "how do I change my password"
            - "forgot password for my login"
            - "need a new password"
            - "password expired reset it"
            - "my password does not work"
            - "password reset email"
            - "help me reset the password"
          cancel_subscription:
            - "cancel my subscription"
            - "stop my monthly subscription"
            - "I want to cancel the subscription plan"
            - "end subscription renewal"
            - "unsubscribe me from the plan"
            - "how to cancel subscription"
            - "cancel the membership subscription"
            - "subscription cancel today"
            - "please cancel my plan subscription"
            - "turn off subscription auto renew"
          greeting:
            - "hello there"
            - "hi"
            - "good morning"
            - "hey hello"
            - "hello, anyone there?"
            - "hi good afternoon"
            - "good evening hello"
            - "hey there hi"
            - "morning!"
            - "hello hello"
        categories:
          orders: ["where is my package", "track package", "package delivery", "my order shipped", "order arrived damaged", "order status"]
          account: ["reset my password", "change my login", "password help", "account locked", "update my profile", "sign in problem"]
          billing: ["cancel my subscription", "refund my payment", "charged twice", "invoice copy", "billing plan price", "payment failed"]
        """

    func trainCustom(folds: Int = 5) async throws -> LocalIntentClassifier {
        let examples = try TrainingExamples.parseYAML(Self.customYAML, path: "custom.yaml")
        var configuration = AssistantConfiguration.Classifier()
        configuration.folds = folds
        return try await ClassifierTrainer(embedder: AssistantFixtures.embedder, configuration: configuration).train(examples)
    }

    @Test func customTaxonomyClassifiesUnseenMessages() async throws {
        let classifier = try await trainCustom()
        #expect(classifier.intentLabels == ["cancel_subscription", "greeting", "reset_password", "track_package"])
        let cases = [
            ("where is the package I ordered last week", "track_package", "orders"),
            ("please reset my forgotten password", "reset_password", "account"),
            ("I'd like to cancel this subscription", "cancel_subscription", "billing"),
        ]
        for (message, intent, category) in cases {
            let result = try await classifier.classify(message, embedding: AssistantFixtures.embedder.vector(for: message))
            #expect(result.intent == intent, "\(message)")
            #expect(result.category == category, "\(message)")
            #expect(result.confidence > 0.25 && result.confidence <= 1)
            #expect(result.classifier == classifier.fingerprint)
        }
        let report = classifier.model.report.intents
        #expect(report.folds == 5)
        #expect((report.crossValidationAccuracy ?? 0) >= 0.8)
        #expect(report.temperature > 0)
        #expect(report.warnings.isEmpty)
        // Six category examples per class: below the default minimum of eight, so train warns.
        #expect(classifier.model.report.categories?.warnings.first?.contains("fewer than 8") == true)
    }

    @Test func theOutOfScopeDetectorKnowsTheTopicsAsWellAsTheIntents() async throws {
        let classifier = try await trainCustom(folds: 3)
        let detector = try #require(classifier.model.outOfScope)
        // Four intent centroids, then three category centroids.
        #expect(detector.centroids.count == (4 + 3) * detector.dimension)
        // A message about one of the topics is nearest a category centroid more than an intent one alone says.
        let vector = AssistantFixtures.embedder.vector(for: "refund my payment invoice")
        let intentsOnly = OutOfScopeDetector.nearestSimilarity(vector.prefix(detector.dimension), centroids: Array(detector.centroids.prefix(4 * detector.dimension)), dimension: detector.dimension)
        #expect(detector.nearestSimilarity(vector) >= intentsOnly)
    }

    @Test func confidenceIsAProbabilityDistribution() async throws {
        let classifier = try await trainCustom(folds: 3)
        let vector = classifier.model.features.vector(text: "track my package", embedding: AssistantFixtures.embedder.vector(for: "track my package"))
        let probabilities = classifier.model.intents.probabilities(for: vector)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-9)
        #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func savesAndLoadsWithTheSameFingerprint() async throws {
        let classifier = try await trainCustom(folds: 2)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/nested/classifier.json"
        try classifier.save(to: path)
        let loaded = try LocalIntentClassifier.load(from: path, embedder: AssistantFixtures.embedder.fingerprint)
        #expect(loaded.fingerprint == classifier.fingerprint)
        #expect(loaded.trainingTexts.contains("where is my package"))
        #expect(loaded.trainingTexts.count == Set(loaded.trainingTexts).count)
        #expect(loaded.fingerprint.hasPrefix("logreg@1:"))
        let vector = AssistantFixtures.embedder.vector(for: "good morning")
        #expect(loaded.classify(text: "good morning", embedding: vector) == classifier.classify(text: "good morning", embedding: vector))

        let other = EmbedderFingerprint(name: "minilm", version: "1", dimension: 384)
        #expect(throws: SupportKitError.self) { try LocalIntentClassifier.load(from: path, embedder: other) }
        do {
            _ = try LocalIntentClassifier.load(from: path, embedder: other)
        } catch let error as SupportKitError {
            #expect(error.code == .embedderMismatch)
            #expect(error.message.contains("supportkit train"))
        }
    }

    @Test func fingerprintChangesWithTheLabels() async throws {
        let a = try await trainCustom(folds: 2)
        var model = a.model
        model.intents.labels[0] = "renamed"
        #expect(LocalIntentClassifier(model: model).fingerprint != a.fingerprint)
    }

    @Test func categoryHeadLearnsFromTheKnowledgeBaseWhenTheFileHasNoCategories() async throws {
        let store = try await AssistantFixtures.knowledgeStore()
        let examples = TrainingExamples(intents: [
            .init(text: "how do I do this", label: "question", location: SourceLocation(path: "x")),
            .init(text: "what is the policy", label: "question", location: SourceLocation(path: "x")),
            .init(text: "it is broken", label: "problem", location: SourceLocation(path: "x")),
            .init(text: "this does not work", label: "problem", location: SourceLocation(path: "x")),
        ])
        var configuration = AssistantConfiguration.Classifier()
        configuration.folds = 2
        let classifier = try await ClassifierTrainer(embedder: AssistantFixtures.embedder, configuration: configuration).train(examples, knowledge: store)
        #expect(classifier.categoryLabels == ["account", "billing", "orders"])
        #expect(classifier.model.report.categories?.source.contains("knowledge base") == true)
        let text = "refund to my card after a duplicate charge"
        let result = classifier.classify(text: text, embedding: AssistantFixtures.embedder.vector(for: text))
        #expect(result.category == "billing")
    }

    @Test func trainingNeedsTwoIntents() async throws {
        let examples = TrainingExamples(intents: [.init(text: "hi", label: "greeting", location: SourceLocation(path: "x"))])
        await #expect(throws: SupportKitError.self) {
            _ = try await ClassifierTrainer(embedder: AssistantFixtures.embedder).train(examples)
        }
    }

    @Test func softmaxTrainerSeparatesLinearlySeparableData() {
        // Two clusters on different axes: a converged fit gets every point right.
        let vectors: [[Float]] = (0..<20).map { index in index < 10 ? [1, Float(index) * 0.01, 0] : [0, Float(index) * 0.01, 1] }
        let targets = (0..<20).map { $0 < 10 ? 0 : 1 }
        let fit = SoftmaxTrainer(l2: 1e-4, maxIterations: 200).fit(FeatureMatrix(vectors: vectors, dimension: 3), targets: targets, classes: 2)
        let model = SoftmaxModel(labels: ["a", "b"], dimension: 3, weights: fit.weights, bias: fit.bias)
        for (vector, target) in zip(vectors, targets) {
            #expect(model.predict(vector).label == (target == 0 ? "a" : "b"))
        }
    }

    @Test func temperatureScalingFitsOverconfidentLogits() {
        // Logits that are right only 60% of the time but scream 99%: the fitted temperature must soften them.
        var logits: [Float] = []
        var targets: [Int] = []
        for index in 0..<100 {
            logits += [6, 0]
            targets.append(index < 60 ? 0 : 1)
        }
        let temperature = Softmax.fitTemperature(logits: logits, targets: targets, classes: 2)
        let confidence = Softmax.probabilities([6, 0], temperature: temperature)[0]
        #expect(abs(confidence - 0.6) < 0.02)
    }
}
