import Foundation
import SupportKit
import SupportKitAssistant

/// A trained and saved classifier.
struct TrainedClassifier {
    var classifier: LocalIntentClassifier
    var path: String
    var embedder: EmbedderFingerprint
    /// Label problems found before training (categories not in supportkit.yaml), as `file:line:col: ...` lines.
    var labelWarnings: [String] = []

    /// The `--json` result.
    var output: TrainOutput {
        TrainOutput(classifier: classifier.fingerprint, path: path, embedder: embedder.description, report: classifier.model.report)
    }
}

extension Wiring {
    /// Trains the local classifier on `examples` with the embedder the knowledge base was built with and saves
    /// it (`output`, else `assistant.classifier.path` beside the store). Without `categories:` examples the
    /// category head learns from the ingested knowledge base, when there is one.
    func trainClassifier(examples: String, test: String? = nil, output: String? = nil, folds: Int? = nil, l2: Double? = nil) async throws -> TrainedClassifier {
        var configuration = try assistantConfiguration()
        if let folds { configuration.classifier.folds = folds }
        if let l2 { configuration.classifier.l2 = l2 }
        let trainingSet = try TrainingExamples.load(from: examples)
        let labelWarnings = trainingSet.categoriesOutside(settings.categories).map { label, count, first in
            "\(first): categories: \"\(label)\" (\(count) examples) is not a configured category (\(settings.categories.listed)); "
                + "add it to `categories:` in supportkit.yaml or relabel the examples, or its replies filter retrieval to a category no article has"
        }
        let heldOut = try test.map { try TrainingExamples.load(from: $0) }
        let database = try localDatabase()
        let store = try await makeStore(database: database)
        let embedder = try await makeEmbedder(database: database, store: store)
        var knowledge: (any VectorStore)?
        if trainingSet.categories.isEmpty, try await store.collection(named: Collections.knowledge) != nil { knowledge = store }
        let trainer = ClassifierTrainer(embedder: embedder, configuration: configuration.classifier, outOfScope: configuration.outOfScope)
        let classifier = try await trainer.train(trainingSet, knowledge: knowledge, test: heldOut, logger: logger)
        let path = output ?? assistantPaths(configuration).classifier
        try classifier.save(to: path)
        return TrainedClassifier(classifier: classifier, path: path, embedder: embedder.fingerprint, labelWarnings: labelWarnings)
    }

    /// Whether the saved classifier was trained on `examples` as they are now and with the embedder in use, so
    /// `demo` can skip training.
    func classifierIsCurrent(examples: String) async throws -> Bool {
        let path = assistantPaths(try assistantConfiguration()).classifier
        guard FileManager.default.fileExists(atPath: path),
              let recorded = try? String(contentsOfFile: path + ".examples-sha256", encoding: .utf8),
              recorded == (try examplesHash(examples))
        else { return false }
        let embedder = try await makeBaseEmbedder(store: try await makeStore(database: try localDatabase()))
        return (try? LocalIntentClassifier.load(from: path, embedder: embedder.fingerprint)) != nil
    }

    /// Records which examples the saved classifier was trained on (see `classifierIsCurrent`).
    func recordExamplesHash(_ examples: String, classifier path: String) throws {
        try examplesHash(examples).write(toFile: path + ".examples-sha256", atomically: true, encoding: .utf8)
    }

    private func examplesHash(_ examples: String) throws -> String {
        ContentHasher.hash(try Data(contentsOf: URL(fileURLWithPath: examples)))
    }
}

/// Human output of `train`: per head, accuracy and calibration on stdout, warnings on stderr.
enum TrainConsole {
    static func print(_ trained: TrainedClassifier) {
        let report = trained.classifier.model.report
        for warning in trained.labelWarnings { Terminal.diagnostic("warning: \(warning)") }
        for head in [report.intents] + (report.categories.map { [$0] } ?? []) {
            Terminal.output(describe(head))
            if !head.selective.isEmpty {
                Terminal.output("  confidence >= " + head.selective.map { row in
                    String(format: "%.1f: %.0f%% kept, %@", row.threshold, row.coverage * 100, row.accuracy.map { String(format: "%.3f", $0) } ?? "-")
                }.joined(separator: " | "))
            }
            for warning in head.warnings { Terminal.diagnostic("warning: \(head.name): \(warning)") }
        }
        if report.categories == nil {
            Terminal.diagnostic("note: no categories (no `categories:` examples and no ingested knowledge base); replies will carry no category")
        }
        if let outOfScope = report.outOfScope { Terminal.output(outOfScope.summary) }
        Terminal.output(String(format: "embedded in %.1f s, fitted in %.1f s (l2 %g)", report.embedSeconds, report.fitSeconds, report.l2))
        Terminal.output("saved \(trained.path) (\(trained.classifier.fingerprint), embedder \(trained.embedder))")
    }

    static func describe(_ head: TrainingReport.Head) -> String {
        var line = "\(head.name): \(head.examples) examples, \(head.classes) classes from \(head.source)"
        if let accuracy = head.crossValidationAccuracy {
            line += String(format: "; %d-fold CV accuracy %.3f", head.folds, accuracy)
        }
        if let ece = head.calibrationError {
            line += String(format: ", calibration error %.3f (temperature %.2f)", ece, head.temperature)
        }
        if let test = head.testAccuracy, let count = head.testExamples {
            line += String(format: "; held-out accuracy %.3f on %d", test, count)
        }
        return line
    }
}
