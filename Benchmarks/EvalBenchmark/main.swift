// Evaluation benchmark: generates a labeled suite (1,000 conversations / 5,000 turns by default), loads it,
// replays it through a simulated assistant with the real runner and results database, computes every
// metric with 1,000 bootstrap resamples, and renders the HTML report. Prints turns/s and each phase's time.
//
// The simulated assistant answers instantly, so this measures the evaluation machinery itself; the
// assistant's own cost is measured by `scripts/bench-eval.sh --real`, which runs the real CLI.
//
// Usage: EvalBenchmark [--conversations N] [--turns N] [--out DIR] [--concurrency N] [--write-suite-only]
//                      [--doc-ids FILE] [--keep] [--accuracy P]
import Foundation
import SupportKit
import SupportKitEval
import SupportKitReport

struct Arguments {
    var conversations = 1_000
    var turns = 5
    var out = "/tmp/supportkit-bench-eval"
    var concurrency = 2
    var writeSuiteOnly = false
    var docIdsFile: String?
    /// Keep earlier runs in the results database (the report then shows a trend and a baseline delta).
    var keep = false
    /// How often the simulated classifier gets the intent right.
    var accuracy = 0.86

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        func next(_ flag: String) throws -> String {
            guard let value = iterator.next() else { throw SupportKitError(.invalidInput, "\(flag) needs a value") }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--conversations": conversations = Int(try next(argument)) ?? conversations
            case "--turns": turns = Int(try next(argument)) ?? turns
            case "--out": out = try next(argument)
            case "--concurrency": concurrency = Int(try next(argument)) ?? concurrency
            case "--write-suite-only": writeSuiteOnly = true
            case "--doc-ids": docIdsFile = try next(argument)
            case "--keep": keep = true
            case "--accuracy": accuracy = Double(try next(argument)) ?? accuracy
            default: throw SupportKitError(.invalidInput, "unknown argument \(argument)")
            }
        }
    }
}

/// A deterministic generator for the suite and the simulated replies.
struct Dice {
    var generator: SplitMix64
    init(_ seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func chance(_ p: Double) -> Bool { Double(generator.next() >> 11) / Double(1 << 53) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[generator.next(below: items.count)] }
    mutating func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
}

let intents = DefaultIntent.all
let categories = CategorySet.default.names
let topics = ["refund", "password", "delivery", "invoice", "subscription", "address", "coupon", "login", "return", "charge"]

/// Writes the suite as YAML files of 100 conversations each.
func writeSuite(_ arguments: Arguments, docIds: [String], to folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var dice = Dice(1)
    var file = ""
    var fileIndex = 0
    func flush() throws {
        guard !file.isEmpty else { return }
        try Data(file.utf8).write(to: URL(fileURLWithPath: "\(folder)/suite-\(String(format: "%03d", fileIndex)).yaml"))
        fileIndex += 1
        file = ""
    }
    for c in 0..<arguments.conversations {
        let category = categories[c % categories.count]
        let escalatesAt = dice.chance(0.3) ? dice.generator.next(below: arguments.turns) : nil
        file += "- id: bench-\(c)\n  customer: {id: cust-\(c % 97)}\n  turns:\n"
        for t in 0..<arguments.turns {
            let intent = t == escalatesAt ? "escalate" : dice.pick(intents.filter { $0 != "escalate" })
            let topic = dice.pick(topics)
            let doc = docIds.isEmpty ? "\(category)/\(topic)-\(c % 40)" : dice.pick(docIds)
            file += "    - user: \"conversation \(c) turn \(t): about my \(topic), \(intent) please\"\n"
            file += "      expect: {intent: \(intent), category: \(category), docs: [\(doc)], escalate: \(escalatesAt.map { t >= $0 } ?? false)}\n"
        }
        if (c + 1) % 100 == 0 { try flush() }
    }
    try flush()
}

/// Answers like a decent assistant: mostly right, sometimes confused, always instantly.
struct SimulatedFactory: AssistantSessionFactory {
    let expectations: [String: Conversation.Expectation]
    let accuracy: Double
    var fingerprints: [String: String] { ["embedder": "simulated@1/0", "classifier": "simulated"] }

    func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        SimulatedSession(expectations: expectations, accuracy: accuracy)
    }
}

struct SimulatedSession: AssistantSession {
    let expectations: [String: Conversation.Expectation]
    let accuracy: Double

    func respond(to message: String) async throws -> Reply {
        let expected = expectations[message] ?? Conversation.Expectation()
        var dice = Dice(stableHash(message))
        let right = dice.chance(accuracy)
        let intent = right ? (expected.intent ?? "question") : dice.pick(intents)
        let confidence = right ? 0.55 + 0.45 * dice.uniform() : 0.3 + 0.5 * dice.uniform()
        let category = dice.chance(0.92) ? expected.category : dice.pick(categories)
        var docs = (0..<8).map { "kb/other-\($0)-\(dice.generator.next(below: 50))" }
        if let relevant = expected.docs?.first, dice.chance(0.9) {
            docs.insert(relevant, at: min(docs.count, Int(-log(max(dice.uniform(), 1e-9)) * 1.2)))
        }
        let retrieved = docs.enumerated().map { index, doc in
            RetrievedChunk(chunkId: Chunk.makeID(docId: doc, headingPath: [doc], position: 0), docId: doc,
                           title: index == 2 ? "Refunds <script>alert('title')</script>" : "Article \(doc)",
                           headingPath: "Help > \(doc)", score: 0.9 - Double(index) * 0.05)
        }
        let escalated = (expected.escalate ?? false) ? dice.chance(0.85) : dice.chance(0.05)
        let timings = StageTimings(classify: 2 + 3 * dice.uniform(), memory: 1 + 2 * dice.uniform(),
                                   retrieve: 5 + 20 * dice.uniform() * dice.uniform(), respond: 1 + dice.uniform())
        return Reply(
            text: "Here is what I found about \(message.prefix(40))…", intent: intent, confidence: confidence,
            category: category, categoryConfidence: 0.8, sources: [], retrieved: retrieved, escalated: escalated,
            escalationReasons: escalated ? ["repeated problem", "customer asked for a person"] : [], ticket: nil,
            memoryRecalled: dice.chance(0.3) ? ["open issue: refund for order 5521"] : [], classifier: "simulated",
            timings: timings)
    }
}

/// FNV-1a, so simulated replies do not depend on Swift's per-process hash seed.
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

do {
    let arguments = try Arguments(CommandLine.arguments)
    let suiteFolder = arguments.out + "/evals"
    try? FileManager.default.removeItem(atPath: suiteFolder)
    if !arguments.keep { try? FileManager.default.removeItem(atPath: arguments.out) }
    let docIds = try arguments.docIdsFile.map {
        try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    } ?? []
    var clock = ContinuousClock.now
    try writeSuite(arguments, docIds: docIds, to: suiteFolder)
    let generate = seconds(since: clock)
    if arguments.writeSuiteOnly {
        print("wrote \(arguments.conversations) conversations to \(suiteFolder) in \(String(format: "%.2f", generate)) s")
        exit(0)
    }
    clock = .now
    let loaded = SuiteLoader().load(paths: [suiteFolder])
    let load = seconds(since: clock)
    guard loaded.errors.isEmpty else {
        FileHandle.standardError.write(Data("suite errors: \(loaded.errors.prefix(3))\n".utf8))
        exit(2)
    }
    var expectations: [String: Conversation.Expectation] = [:]
    for conversation in loaded.suite.conversations {
        for turn in conversation.turns { expectations[turn.user] = turn.expect }
    }
    let store = try ResultsStore(path: arguments.out + "/results.sqlite")
    clock = .now
    let outcome = try await EvalRunner.run(
        suite: loaded.suite, factory: SimulatedFactory(expectations: expectations, accuracy: arguments.accuracy), results: store,
        options: .init(concurrency: arguments.concurrency, turnTimeout: 30, suitePaths: [suiteFolder],
                       baseline: arguments.keep && (try store.runs().contains { $0.status == .complete }) ? "latest" : nil,
                       gates: [GateRule(metric: MetricName.intentAccuracy, kind: .failUnder(0.8)),
                               GateRule(metric: MetricName.intentAccuracy, kind: .maxRegression(0.02))]),
        progress: nil)
    let runTime = seconds(since: clock)
    clock = .now
    let paths = try RunArtifacts.write(runId: outcome.run.id, store: store, reportDirectory: arguments.out + "/reports",
                                       junit: arguments.out + "/junit.xml", markdown: arguments.out + "/summary.md")
    let render = seconds(since: clock)
    let size = (try? FileManager.default.attributesOfItem(atPath: paths.html.path)[.size] as? Int) ?? 0
    let turns = loaded.suite.turnCount
    let total = generate + load + runTime + render
    print(String(format: """
        conversations %d, turns %d
        generate suite  %7.2f s
        load + validate %7.2f s
        run + metrics   %7.2f s  (%.0f turns/s, includes 1,000-resample bootstrap and SQLite writes)
        report render   %7.2f s  (HTML %.1f MB, JUnit, Markdown)
        total           %7.2f s
        report: %@
        """, loaded.suite.conversations.count, turns, generate, load, runTime, Double(turns) / runTime, render,
        Double(size) / 1_048_576, total, paths.html.path))
    print("{\"turns\": \(turns), \"turns_per_second\": \(String(format: "%.1f", Double(turns) / runTime)), \"run_seconds\": \(String(format: "%.3f", runTime)), \"render_seconds\": \(String(format: "%.3f", render)), \"total_seconds\": \(String(format: "%.3f", total))}")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
