import ArgumentParser
import Foundation
import SupportKit
import SupportKitEval
import SupportKitIngest
import SupportKitReport

/// `supportkit demo`: the main job on the embedded defaults, one command end to end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Ingest corpora/, train the classifier when needed, evaluate evals/ and write reports/.",
        discussion: """
            Each step is the command of the same name with its defaults: `ingest corpora`, `train \
            corpora/intents.yaml` (skipped when a classifier for this embedder exists and its examples did not \
            change), `eval evals`. Results (the summaries and the headline metrics) go to stdout, step headings \
            to stderr, so `supportkit demo > out.txt` keeps the metrics. Exit codes as for those commands. For \
            machine-readable results run the steps with --json.
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
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            Terminal.diagnostic("== 1/3 ingest \(corpus)")
            let bar = ProgressBar()
            let (pipeline, embedder) = try await wiring.makeIngestPipeline(
                collection: Collections.knowledge, strict: false, dryRun: false, allowMassDeletion: false, rebuild: false,
                progress: bar)
            let summary = try await pipeline.run(paths: [URL(fileURLWithPath: corpus)])
            bar.finish()
            for line in summary.summarizedErrors() { Terminal.diagnostic("error: " + line) }
            // Bad documents were reported; the good ones are in the store, so the demo goes on.
            if !summary.errors.isEmpty { Terminal.diagnostic("note: some documents were skipped (see the errors above)") }
            Terminal.output(IngestConsole.describe(summary, embedder: embedder))

            Terminal.diagnostic("== 2/3 train classifier")
            if try await wiring.classifierIsCurrent(examples: examples) {
                Terminal.diagnostic("classifier is up to date with \(examples) and this embedder; not retraining")
            } else {
                let trained = try await wiring.trainClassifier(examples: examples)
                try wiring.recordExamplesHash(examples, classifier: trained.path)
                TrainConsole.print(trained)
            }

            Terminal.diagnostic("== 3/3 eval \(evals)")
            let plan = try EvalRequest(paths: [evals], reportDirectory: reportDir).plan(settings: try wiring.evalSettings())
            let context = try await wiring.makeEvalContext(dryRun: false)
            let loaded = context.loader.load(paths: plan.suitePaths)
            EvalConsole.printProblems(loaded)
            guard let assistant = context.assistant else { return }
            let result = try await EvalJob.run(
                plan: plan, loaded: loaded, factory: assistant.factory, fingerprints: wiring.runFingerprints(catalog: context.catalog),
                catalog: context.catalog, progress: ProgressBar())
            EvalConsole.printSummary(result, showFailing: 10)
            if result.exitCode != 0 { throw ExitCode(result.exitCode) }
        }
    }
}
