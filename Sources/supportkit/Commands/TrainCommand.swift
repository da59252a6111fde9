import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant

/// `supportkit train [EXAMPLES]`: trains the local intent and category classifier and saves it beside the store.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the local intent/category classifier on labeled examples (YAML or JSONL).",
        discussion: """
            Prints stratified cross-validation accuracy and calibration per head, and warns about classes with too \
            few examples. Without `categories:` in the file, the category head learns from the ingested knowledge \
            base's chunks. The classifier is saved beside the store (.supportkit/classifier.json by default).
            """)

    @Argument(help: "Training examples: YAML with intents:/categories:, or JSONL of {text, intent, category}.")
    var examples: String = "corpora/intents.yaml"

    @Option(name: .long, help: "Held-out examples (same formats) to report accuracy on; never trained on.")
    var test: String?

    @Option(name: .long, help: "Where to save the classifier (default: assistant.classifier.path, beside the store).")
    var output: String?

    @Option(name: .long, help: "Cross-validation folds (default: assistant.classifier.folds, 5).")
    var folds: Int?

    @Option(name: .long, help: "L2 regularization strength (default: assistant.classifier.l2).")
    var l2: Double?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2") }
        if let l2, l2 < 0 { throw ValidationError("--l2 must not be negative") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            var configuration = try wiring.assistantConfiguration()
            if let folds { configuration.classifier.folds = folds }
            if let l2 { configuration.classifier.l2 = l2 }
            let trainingSet = try TrainingExamples.load(from: examples)
            let heldOut = try test.map { try TrainingExamples.load(from: $0) }
            let database = try wiring.localDatabase()
            let embedder = try wiring.makeEmbedder(database: database)
            // The knowledge base is only needed when the file has no category examples; a missing store is fine.
            var knowledge: (any VectorStore)?
            if trainingSet.categories.isEmpty {
                let store = try await wiring.makeStore(database: database)
                if try await store.collection(named: Collections.knowledge) != nil { knowledge = store }
            }
            var logger = wiring.logger
            if !global.json { logger.logLevel = global.verbose ? .debug : .info }
            let trainer = ClassifierTrainer(embedder: embedder, configuration: configuration.classifier, outOfScope: configuration.outOfScope)
            let classifier = try await trainer.train(trainingSet, knowledge: knowledge, test: heldOut, logger: logger)
            let path = output ?? wiring.assistantPaths(configuration).classifier
            try classifier.save(to: path)
            let report = classifier.model.report
            if global.json {
                try Terminal.printJSON(TrainJSON(classifier: classifier.fingerprint, path: path, embedder: embedder.fingerprint.description, report: report))
                return
            }
            for head in [report.intents] + (report.categories.map { [$0] } ?? []) {
                Terminal.message(TrainCommand.describe(head))
                if !head.selective.isEmpty {
                    Terminal.message("  confidence >= " + head.selective.map { row in
                        String(format: "%.1f: %.0f%% kept, %@", row.threshold, row.coverage * 100, row.accuracy.map { String(format: "%.3f", $0) } ?? "-")
                    }.joined(separator: " | "))
                }
                for warning in head.warnings { Terminal.message("  warning: \(warning)") }
            }
            if report.categories == nil {
                Terminal.message("categories: none (no `categories:` examples and no ingested knowledge base); replies will carry no category")
            }
            if let outOfScope = report.outOfScope { Terminal.message(outOfScope.summary) }
            Terminal.message(String(format: "embedded in %.1f s, fitted in %.1f s (l2 %g)", report.embedSeconds, report.fitSeconds, report.l2))
            Terminal.message("saved \(path) (\(classifier.fingerprint), embedder \(embedder.fingerprint))")
        }
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

/// `train --json`.
struct TrainJSON: Encodable {
    struct Head: Encodable {
        var examples: Int
        var classes: Int
        var source: String
        var cv_accuracy: Double?
        var folds: Int
        var calibration_error: Double?
        var temperature: Double
        var test_accuracy: Double?
        var test_examples: Int?
        var warnings: [String]
        var selective: [TrainingReport.SelectiveAccuracy]

        init(_ head: TrainingReport.Head) {
            selective = head.selective
            examples = head.examples
            classes = head.classes
            source = head.source
            cv_accuracy = head.crossValidationAccuracy
            folds = head.folds
            calibration_error = head.calibrationError
            temperature = head.temperature
            test_accuracy = head.testAccuracy
            test_examples = head.testExamples
            warnings = head.warnings
        }
    }

    var classifier: String
    var path: String
    var embedder: String
    var intents: Head
    var categories: Head?
    var embed_seconds: Double
    var fit_seconds: Double
    var out_of_scope: TrainingReport.OutOfScope?

    init(classifier: String, path: String, embedder: String, report: TrainingReport) {
        self.classifier = classifier
        self.path = path
        self.embedder = embedder
        intents = Head(report.intents)
        categories = report.categories.map(Head.init)
        embed_seconds = report.embedSeconds
        fit_seconds = report.fitSeconds
        out_of_scope = report.outOfScope
    }
}
