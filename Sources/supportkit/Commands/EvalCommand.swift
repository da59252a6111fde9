import ArgumentParser
import Foundation
import SupportKit
import SupportKitEval
import SupportKitReport
import SupportKitStore

/// `supportkit eval`: replay labeled conversations, score them, store the run, write reports, gate CI.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Replay labeled conversations through the assistant, score them, and write reports.",
        discussion: """
            Exit codes: 0 ok; 1 a gate failed or a regression was found; 2 bad input (a conversation could not \
            be read: the valid ones are still evaluated); 3 the store or a model service is unreachable.
            Metrics: intent_accuracy, intent_macro_f1, intent_ece, category_accuracy, category_macro_f1, \
            recall@K, hit@K, mrr@K, ndcg@K (K = 1, 3, 5, 10), escalation_precision, escalation_recall, \
            escalation_f1, latency_p50_ms, latency_p95_ms, latency_p99_ms. See docs/metrics.md.
            """)

    @Argument(help: "Suite files (.yaml, .yml, .jsonl) or folders of them (default: evals).")
    var paths: [String] = []

    @Option(name: .long, help: "The results database (default: reports/results.sqlite).")
    var results: String?

    @Option(name: .customLong("report-dir"), help: "Where the HTML reports go, a file per run and latest.html (default: reports).")
    var reportDir: String?

    @Option(name: .long, help: "Compare with this run: an id, a unique id prefix, or `latest`.")
    var baseline: String?

    @Option(name: .customLong("fail-under"), parsing: .singleValue, help: "METRIC=VALUE: fail (exit 1) when the metric is below VALUE. Repeatable.")
    var failUnder: [String] = []

    @Option(name: .customLong("max-regression"), parsing: .singleValue, help: "METRIC=DELTA: fail when the metric is worse than the baseline by more than DELTA and the paired interval excludes 0. Repeatable; needs --baseline.")
    var maxRegression: [String] = []

    @Option(name: .long, help: "Also write JUnit XML here (one testcase per conversation).")
    var junit: String?

    @Option(name: .long, help: "Also write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set).")
    var markdown: String?

    @Option(name: .long, help: "Conversations evaluated at the same time (default: 2).")
    var concurrency: Int?

    @Option(name: .long, help: "Finish this interrupted run (pass the same suite) instead of starting a new one.")
    var resume: String?

    @Option(name: .customLong("turn-timeout"), help: "Seconds a turn may take before it is recorded as unmeasured (default: 30).")
    var turnTimeout: Double?

    @Option(name: .long, help: "Seed of the bootstrap intervals; same seed, same intervals (default: 42).")
    var seed: UInt64?

    @Option(name: .long, help: "Bootstrap resamples for the 95% intervals (default: 1000).")
    var resamples: Int?

    @Flag(name: .customLong("dry-run"), help: "Only load and validate the suite (labels, docs against the store); replay nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 64") }
        if let turnTimeout, !(turnTimeout > 0) { throw ValidationError("--turn-timeout must be more than 0 seconds") }
        if let resamples, !(0...100_000).contains(resamples) { throw ValidationError("--resamples must be between 0 and 100000") }
        _ = try gateRules()
    }

    func gateRules() throws -> [GateRule] {
        do {
            return try failUnder.map { try GateRule.parse($0, flag: "--fail-under") }
                + maxRegression.map { try GateRule.parse($0, flag: "--max-regression") }
        } catch let error as SupportKitError {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            // Flags win over the `eval:` section of supportkit.yaml, which wins over the defaults.
            let settings = try EvalSettings.load(path: global.config)
            let baseline = self.baseline ?? settings.baseline
            let gates = EvalSettings.merge(file: settings.gates, flags: try gateRules())
            if baseline == nil, gates.contains(where: { if case .maxRegression = $0.kind { true } else { false } }) {
                throw SupportKitError(.invalidInput, "--max-regression compares with a baseline; add --baseline RUN or --baseline latest")
            }
            let resultsPath = results ?? settings.results ?? "reports/results.sqlite"
            let reportDirectory = reportDir ?? settings.reportDirectory ?? "reports"
            let bootstrap = Bootstrap(resamples: resamples ?? settings.resamples ?? 1_000, seed: seed ?? settings.seed ?? 42)
            let database = try wiring.localDatabase()
            let store = try await wiring.makeStore(database: database)
            let catalog = try await KnowledgeCatalog.load(from: store)
            if catalog == nil {
                Terminal.message("warning: the store has no \(Collections.knowledge) collection, so `docs` labels are not checked; run `supportkit ingest corpora/` first")
            }
            let assistant: EvalAssistant?
            if dryRun {
                // Validating a suite should work before a classifier is trained: fall back to the default labels.
                do {
                    assistant = try await wiring.makeEvalAssistant(database: database, store: store)
                } catch {
                    Terminal.message("note: no assistant available (\(error)); checking intents against the defaults, without training-overlap warnings")
                    assistant = nil
                }
            } else {
                assistant = try await wiring.makeEvalAssistant(database: database, store: store)
            }
            let loader = SuiteLoader(configuration: .init(
                intents: assistant?.intents ?? DefaultIntent.all, categories: wiring.settings.categories,
                knownDocIds: catalog?.docIds, trainingExamples: assistant?.trainingExamples ?? []))
            let suitePaths = paths.isEmpty ? ["evals"] : paths
            let loaded = loader.load(paths: suitePaths)
            for warning in loaded.warnings { Terminal.message("warning: \(warning)") }
            for error in loaded.errors { Terminal.message("error: \(error)") }
            guard let assistant, !dryRun else {
                let suite = loaded.suite
                Terminal.message("\(suite.conversations.count) valid conversations, \(suite.turnCount) turns in \(suite.files.count) files; \(loaded.errors.count) errors, \(loaded.warnings.count) warnings; suite \(suite.hash.prefix(12))")
                if global.json {
                    try Terminal.printJSON(SuiteCheckJSON(
                        conversations: suite.conversations.count, turns: suite.turnCount, files: suite.files, suite_hash: suite.hash,
                        errors: loaded.errors.map(ErrorJSON.init), warnings: loaded.warnings.map(ErrorJSON.init)))
                }
                if !loaded.errors.isEmpty { throw ExitCode(EvalExitCode.invalidInput) }
                return
            }
            guard !loaded.suite.conversations.isEmpty else {
                throw SupportKitError(.invalidInput, "no valid conversation to evaluate in \(suitePaths.joined(separator: " ")); see the errors above")
            }
            let results = try ResultsStore(path: resultsPath)
            var fingerprints = [
                FingerprintKey.store: wiring.storeDescription,
                FingerprintKey.config: wiring.configFingerprint,
                FingerprintKey.toolVersion: SupportKitCommand.toolVersion,
            ]
            if let catalog { fingerprints[FingerprintKey.corpusHash] = catalog.corpusHash }
            if let commit = GitInfo.commit() { fingerprints[FingerprintKey.gitCommit] = commit }
            let outcome = try await EvalRunner.run(
                suite: loaded.suite, factory: assistant.factory, results: results,
                options: .init(concurrency: concurrency ?? settings.concurrency ?? 2,
                               turnTimeout: turnTimeout ?? settings.turnTimeout ?? 30, bootstrap: bootstrap,
                               suitePaths: suitePaths, fingerprints: fingerprints, resumeRunId: resume, baseline: baseline,
                               gates: gates),
                progress: ConsoleProgress())
            let stepSummary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"]
            let written = try RunArtifacts.write(
                runId: outcome.run.id, store: results, reportDirectory: reportDirectory, junit: junit, markdown: markdown,
                stepSummary: stepSummary, bootstrap: bootstrap)
            EvalConsole.printSummary(outcome, report: written)
            if global.json {
                try Terminal.printJSON(EvalJSON(outcome: outcome, report: written.html.path, inputErrors: loaded.errors))
            }
            let code = EvalExitCode.forRun(gatesPassed: outcome.passedGates, hadInputErrors: !loaded.errors.isEmpty)
            if code != 0 { throw ExitCode(code) }
        }
    }
}

/// What `eval` needs from the live assistant.
struct EvalAssistant {
    /// Opens one isolated session per conversation.
    var factory: any AssistantSessionFactory
    /// The labels the intent classifier predicts (`expect.intent` is checked against them).
    var intents: [String]
    /// The classifier's training texts (eval messages that repeat one are reported).
    var trainingExamples: [String]
}

extension Wiring {
    /// The store URL for run fingerprints (never with credentials: sqlite paths and vectorai host:port only).
    var storeDescription: String {
        switch location {
        case .sqlite(let path): "sqlite:\(path)"
        case .vectorAI(let host, let port): "vectorai://\(host):\(port)"
        }
    }

    /// A hash of the settings file, or `defaults` without one: two runs with different settings differ here.
    var configFingerprint: String {
        guard let data = FileManager.default.contents(atPath: options.config) else { return "defaults" }
        return String(ContentHasher.hash(data).prefix(16))
    }
}

extension SupportKitCommand {
    /// The version recorded with eval runs.
    static var toolVersion: String {
        configuration.version.isEmpty ? "dev" : configuration.version
    }
}

/// The working tree's commit, for run fingerprints.
enum GitInfo {
    /// `git rev-parse HEAD`, with `-dirty` when the tree has changes; nil outside a repository or without git.
    static func commit() -> String? {
        guard let head = run(["rev-parse", "HEAD"]), !head.isEmpty else { return nil }
        let status = run(["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? head : head + "-dirty"
    }

    private static func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Human output of eval and runs on stderr.
enum EvalConsole {
    static func printSummary(_ outcome: EvalOutcome, report: RunArtifacts.Paths) {
        let metrics = outcome.metrics
        var lines = ["", "run \(outcome.run.id): \(metrics.conversations) conversations, \(metrics.turns) turns, \(metrics.measuredTurns) measured"
            + (metrics.erroredTurns + metrics.timedOutTurns > 0 ? " (\(metrics.erroredTurns) errors, \(metrics.timedOutTurns) timeouts not counted)" : "")]
        lines += metricTable(metrics.metrics, comparison: outcome.comparison)
        for warning in outcome.comparison?.warnings ?? [] { lines.append("warning: \(warning)") }
        for gate in outcome.gates { lines.append("\(gate.passed ? "PASS" : "FAIL")  \(gate.rule): \(gate.detail)") }
        lines.append("report: \(report.html.path)")
        if let junit = report.junit { lines.append("junit: \(junit.path)") }
        if let markdown = report.markdown { lines.append("markdown: \(markdown.path)") }
        Terminal.message(lines.joined(separator: "\n"))
    }

    /// One line per headline metric: value, interval, n, and the delta to the baseline when there is one.
    static func metricTable(_ metrics: [String: MetricValue], comparison: BaselineComparison?, names: [String] = MetricName.headline) -> [String] {
        names.map { name in
            let metric = metrics[name] ?? MetricValue(value: nil, n: 0)
            var line = name.padding(toLength: 22, withPad: " ", startingAt: 0)
                + ReportFormat.value(metric.value, metric: name).padding(toLength: 10, withPad: " ", startingAt: 0)
                + ReportFormat.interval(metric, name: name).padding(toLength: 16, withPad: " ", startingAt: 0)
                + "n=\(metric.n)".padding(toLength: 8, withPad: " ", startingAt: 0)
            if let delta = comparison?.deltas[name] {
                line += "Δ " + ReportFormat.delta(delta.delta, metric: name) + " " + ReportFormat.deltaInterval(delta.ciLow, delta.ciHigh, metric: name)
                    + (ReportFormat.verdict(delta) == .unclear ? "" : " (\(ReportFormat.verdict(delta).rawValue))")
            }
            return line
        }
    }
}

/// `eval --dry-run --json`: what the suite holds and what is wrong with it.
struct SuiteCheckJSON: Encodable {
    var conversations: Int
    var turns: Int
    var files: [String]
    var suite_hash: String
    var errors: [ErrorJSON]
    var warnings: [ErrorJSON]
}

/// `eval --json`: `{"run", "metrics": {NAME: {"value", "ci_low", "ci_high", "n"}}, "gates": [{"rule", "passed", "detail"}]}`.
struct EvalJSON: Encodable {
    var run: String
    var metrics: [String: MetricJSON]
    var gates: [GateResult]
    var report: String
    var baseline: String?
    var deltas: [String: DeltaJSON]?
    var warnings: [String]
    var errors: [ErrorJSON]
    var conversations: Int
    var turns: Int
    var unmeasured: Int

    init(outcome: EvalOutcome, report: String, inputErrors: [InputError]) {
        run = outcome.run.id
        metrics = MetricJSON.map(outcome.metrics.metrics)
        gates = outcome.gates
        self.report = report
        baseline = outcome.comparison?.baselineRun
        deltas = outcome.comparison.map(DeltaJSON.map)
        warnings = outcome.comparison?.warnings ?? []
        errors = inputErrors.map(ErrorJSON.init)
        conversations = outcome.metrics.conversations
        turns = outcome.metrics.turns
        unmeasured = outcome.metrics.turns - outcome.metrics.measuredTurns
    }
}

struct MetricJSON: Encodable {
    var value: Double?
    var ci_low: Double?
    var ci_high: Double?
    var n: Int

    static func map(_ metrics: [String: MetricValue]) -> [String: MetricJSON] {
        metrics.mapValues { MetricJSON(value: $0.value, ci_low: $0.ciLow, ci_high: $0.ciHigh, n: $0.n) }
    }

    // Undefined values are written as null rather than left out, so scripts see every metric name.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
        try container.encode(ci_low, forKey: .ci_low)
        try container.encode(ci_high, forKey: .ci_high)
        try container.encode(n, forKey: .n)
    }

    enum CodingKeys: String, CodingKey { case value, ci_low, ci_high, n }
}

struct DeltaJSON: Encodable {
    var current: Double?
    var baseline: Double?
    var delta: Double?
    var ci_low: Double?
    var ci_high: Double?

    static func map(_ comparison: BaselineComparison) -> [String: DeltaJSON] {
        comparison.deltas.mapValues { DeltaJSON(current: $0.current, baseline: $0.baseline, delta: $0.delta, ci_low: $0.ciLow, ci_high: $0.ciHigh) }
    }
}

struct ErrorJSON: Encodable {
    var path: String
    var line: Int
    var column: Int
    var message: String

    init(_ error: InputError) {
        path = error.location.path
        line = error.location.line
        column = error.location.column
        message = "\(error.field): \(error.problem); \(error.remedy)"
    }
}
