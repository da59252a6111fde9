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

    @OptionGroup var format: OutputOptions

    func validate() throws {
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2") }
        if let l2, l2 < 0 { throw ValidationError("--l2 must not be negative") }
    }

    func run() async throws {
        try await runReportingErrors {
            let trained = try await Wiring(options: global).trainClassifier(examples: examples, test: test, output: output, folds: folds, l2: l2)
            if format.json { try Terminal.printJSON(trained.output) } else { TrainConsole.print(trained) }
        }
    }
}
