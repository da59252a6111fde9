import ArgumentParser
import Foundation
import SupportKit
import SupportKitEval
import SupportKitReport

extension JUnitCases: ExpressibleByArgument {}

/// `supportkit eval`: replay labeled conversations, score them, store the run, write reports, gate CI.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Replay labeled conversations through the assistant, score them, and write reports.",
        discussion: """
            Exit codes: 0 ok; 1 a gate failed or a regression was found; 2 bad input (a conversation could not \
            be read: the valid ones are still evaluated; with --target, a refused API key); 3 the store, a model \
            service or the --target server is unreachable (turns recorded unmeasured; --resume RUN finishes the run). \
            `--baseline latest` on a results database with no complete run yet warns and skips the regression \
            gates (the run becomes the next run's baseline); a named baseline that does not exist is an error.
            Metrics: \(MetricName.helpList). Rates are from 0 to 1. See docs/metrics.md.
            """)

    @Argument(help: "Suite files (.yaml, .yml, .jsonl) or folders of them (default: evals).")
    var paths: [String] = []

    @Option(name: .long, help: "The results database (default: eval.results, else reports/results.sqlite).")
    var results: String?

    @Option(name: .customLong("report-dir"), help: "Where the HTML reports go, a file per run and latest.html (default: reports).")
    var reportDir: String?

    @Option(name: .long, help: "Compare with this run: an id, a unique id prefix, or `latest` (none yet: a warning, no regression gates).")
    var baseline: String?

    @Option(name: .customLong("fail-under"), parsing: .singleValue, help: "METRIC=VALUE: fail (exit 1) when the metric is below VALUE (a rate from 0 to 1, or ms). Repeatable.")
    var failUnder: [String] = []

    @Option(name: .customLong("max-regression"), parsing: .singleValue, help: "METRIC=DELTA: fail when the metric is worse than the baseline by more than DELTA and the paired interval excludes 0. Repeatable; needs --baseline.")
    var maxRegression: [String] = []

    @Option(name: .customLong("max-regressed-conversations"), help: "N: fail (exit 1) when more than N conversations passed in the baseline and fail now. Needs --baseline.")
    var maxRegressedConversations: Int?

    @Option(name: .long, help: "Also write JUnit XML here: one testcase per conversation and per gate, and one error per suite problem.")
    var junit: String?

    @Option(name: .customLong("junit-cases"), help: "What fails in the JUnit XML: `gates` (default: only failed gates fail; conversations are reported, not judged) or `conversations` (also each conversation that misses an expectation).")
    var junitCases: JUnitCases = .gates

    @Option(name: .long, parsing: .singleValue, help: "Also report every metric per value of FIELD: file, category, tag, intent, or profile.KEY. Repeatable; adds to eval.slices.")
    var slice: [String] = []

    @Option(name: .customLong("show-failing"), help: "How many failing conversations the terminal summary lists (default: 10).")
    var showFailing: Int = 10

    @Option(name: .long, help: "Also write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set).")
    var markdown: String?

    @Option(name: .long, help: "Conversations evaluated at the same time (default: 2).")
    var concurrency: Int?

    @Option(name: .long, help: "Finish this interrupted run (pass the same suite) instead of starting a new one.")
    var resume: String?

    @Flag(name: .customLong("resume-anyway"), help: "With --resume: finish the run even though the classifier, embedder, knowledge base or settings changed since it started (its turns then mix two setups).")
    var resumeAnyway = false

    @Option(name: .customLong("turn-timeout"), help: "Seconds a turn may take before it is recorded as unmeasured (default: 30).")
    var turnTimeout: Double?

    @Option(name: .long, help: "Seed of the bootstrap intervals; same seed, same intervals (default: 42).")
    var seed: UInt64?

    @Option(name: .long, help: "Bootstrap resamples for the 95% intervals (default: 1000).")
    var resamples: Int?

    @Option(name: .long, help: "Evaluate the running assistant at this http(s)://HOST:PORT through its API (key from SUPPORTKIT_API_KEY); see docs/evaluate-your-assistant.md.")
    var target: String?

    @Flag(name: .customLong("keep-target-data"), help: "With --target: keep the test customers the run created on the server (eval-<run>-...); by default they are erased at the end through DELETE /v1/customers/{id} (scope history:delete).")
    var keepTargetData = false

    @Flag(name: .customLong("dry-run"), help: "Only load and validate the suite (labels, docs against the store); replay nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: OutputOptions

    func validate() throws {
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 64") }
        if let turnTimeout, !(turnTimeout > 0) { throw ValidationError("--turn-timeout must be more than 0 seconds") }
        if let resamples, !(0...100_000).contains(resamples) { throw ValidationError("--resamples must be between 0 and 100000") }
        if let maxRegressedConversations, maxRegressedConversations < 0 { throw ValidationError("--max-regressed-conversations must be 0 or more") }
        if showFailing < 0 { throw ValidationError("--show-failing must be 0 or more") }
        for field in slice {
            if let problem = SliceField.problem(field) { throw ValidationError("--slice \(field): \(problem); \(SliceField.remedy)") }
        }
        _ = try request()
        _ = try targetURL()
        if keepTargetData, target == nil { throw ValidationError("--keep-target-data only applies with --target") }
    }

    /// `--target` parsed, or nil without it.
    func targetURL() throws -> AssistantTarget? {
        guard let target else { return nil }
        do { return try AssistantTarget(target) } catch { throw ValidationError(error.message) }
    }

    /// The flags as a library request (gate rules parsed and range-checked).
    func request() throws -> EvalRequest {
        do {
            let gates = try failUnder.map { try GateRule.parse($0, flag: "--fail-under") }
                + maxRegression.map { try GateRule.parse($0, flag: "--max-regression") }
                + (maxRegressedConversations.map { [GateRule.maxRegressedConversations($0)] } ?? [])
            var request = EvalRequest(
                paths: paths, results: results, reportDirectory: reportDir, baseline: baseline, gates: gates, junit: junit,
                junitCases: junitCases, markdown: markdown, slices: slice, concurrency: concurrency, resume: resume,
                turnTimeout: turnTimeout, seed: seed, resamples: resamples)
            request.resumeAnyway = resumeAnyway
            return request
        } catch let error as SupportKitError {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            var plan = try request().plan(settings: try wiring.evalSettings())
            // The reference run of scripts/bench-eval.sh --real: the same eval without the answer review.
            if ProcessInfo.processInfo.environment["SUPPORTKIT_BENCH_NO_ANSWER_REVIEW"] == "1" {
                plan.options.answer.reviewsAnswers = false
            }
            plan.options.judge = try wiring.makeJudge(try wiring.evalSettings().judge)
            let target = try targetURL()
            let context = if let target {
                wiring.makeTargetEvalContext(target: target, turnTimeout: plan.options.turnTimeout, keepTargetData: keepTargetData)
            }
                else { try await wiring.makeEvalContext(dryRun: dryRun) }
            var loaded = context.loader.load(paths: plan.suitePaths)
            if dryRun { loaded.warnings += context.labelWarnings(loaded) }
            EvalConsole.printProblems(loaded)
            guard let assistant = context.assistant, !dryRun else {
                if format.json { try Terminal.printJSON(SuiteCheckOutput(loaded)) } else { Terminal.output(EvalConsole.describe(loaded)) }
                if !loaded.errors.isEmpty { throw ExitCode(EvalExitCode.invalidInput) }
                return
            }
            let result = try await EvalJob.run(
                plan: plan, loaded: loaded, factory: assistant.factory,
                fingerprints: wiring.runFingerprints(catalog: context.catalog, target: target)
                    .merging(plan.options.judge.map { ["judge": $0.name] } ?? [:]) { _, judge in judge },
                catalog: context.catalog,
                stepSummary: ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"],
                progress: ProgressBar())
            if format.json { try Terminal.printJSON(result.output) } else { EvalConsole.printSummary(result, showFailing: showFailing) }
            if result.exitCode != 0 { throw ExitCode(result.exitCode) }
        }
    }
}
