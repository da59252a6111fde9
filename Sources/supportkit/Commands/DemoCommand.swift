import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant

/// `supportkit demo`: the main job on the embedded defaults, one command end to end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Ingest corpora/, train the classifier when needed, evaluate evals/ and write reports/.",
        discussion: """
            Each step is the command of the same name with its defaults: `ingest corpora`, `train \
            corpora/intents.yaml` (skipped when a classifier for this embedder exists and its examples did not \
            change), `eval evals`. Exit codes as for those commands.
            """)

    @Option(name: .long, help: "Knowledge-base folder.")
    var corpus: String = "corpora"

    @Option(name: .long, help: "Classifier training examples.")
    var examples: String = "corpora/intents.yaml"

    @Option(name: .long, help: "Evaluation suite folder.")
    var evals: String = "evals"

    @Option(name: .customLong("report-dir"), help: "Where reports go.")
    var reportDir: String = "reports"

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let shared = sharedArguments
        Terminal.message("== 1/3 ingest \(corpus)")
        do {
            var ingest = try IngestCommand.parse([corpus] + shared)
            try await ingest.run()
        } catch let exit as ExitCode where exit.rawValue == 2 {
            // Bad documents were reported above; the good ones are in the store, so the demo goes on.
            Terminal.message("note: some documents were skipped (see the errors above)")
        }

        Terminal.message("== 2/3 train classifier")
        if try await classifierIsCurrent() {
            Terminal.message("classifier is up to date with \(examples) and this embedder; not retraining")
        } else {
            var train = try TrainCommand.parse([examples] + shared)
            try await train.run()
            try recordExamplesHash()
        }

        Terminal.message("== 3/3 eval \(evals)")
        var eval = try EvalCommand.parse([evals, "--report-dir", reportDir] + shared)
        try await eval.run()
    }

    /// Flags every step shares.
    private var sharedArguments: [String] {
        var arguments = ["--config", global.config]
        if let store = global.store { arguments += ["--store", store] }
        if let embedder = global.embedder { arguments += ["--embedder", embedder] }
        if let modelDir = global.modelDir { arguments += ["--model-dir", modelDir] }
        if global.verbose { arguments.append("--verbose") }
        return arguments
    }

    /// The classifier exists, was trained with this embedder, and on the current examples file.
    private func classifierIsCurrent() async throws -> Bool {
        let wiring = try Wiring(options: global)
        let configuration = try wiring.assistantConfiguration()
        let path = wiring.assistantPaths(configuration).classifier
        guard FileManager.default.fileExists(atPath: path),
              let recorded = try? String(contentsOfFile: path + ".examples-sha256", encoding: .utf8),
              recorded == (try examplesHash())
        else { return false }
        let embedder = try wiring.makeBaseEmbedder()
        return (try? LocalIntentClassifier.load(from: path, embedder: embedder.fingerprint)) != nil
    }

    private func examplesHash() throws -> String {
        ContentHasher.hash(try Data(contentsOf: URL(fileURLWithPath: examples)))
    }

    private func recordExamplesHash() throws {
        let wiring = try Wiring(options: global)
        let path = wiring.assistantPaths(try wiring.assistantConfiguration()).classifier
        try examplesHash().write(toFile: path + ".examples-sha256", atomically: true, encoding: .utf8)
    }
}
