import Foundation
import Testing
import SupportKitTesting

/// The CLI as shells and CI see it: the built `supportkit` binary run in a scratch folder on the bundled corpus
/// with the lexical embedder. Results on stdout, diagnostics on stderr, `--json` as one object, and the README's
/// CI recipe run twice on a fresh results database.
@Suite(.serialized, .enabled(if: CLI.binary != nil, "the supportkit binary is built beside the tests"))
struct CLIContractTests {
    @Test func resultsOnStdoutDiagnosticsOnStderrAndTheCIRecipeTwice() throws {
        let folder = try CLI.scratch()
        defer { folder.remove() }

        let version = try CLI.run(["--version"], in: folder)
        #expect(version.status == 0 && version.stdout.hasPrefix("supportkit ") && version.stdout.contains("commit"))

        let ingest = try CLI.run(["ingest", "corpora", "--embedder", "lexical"], in: folder)
        #expect(ingest.status == 0)
        #expect(ingest.stdout.hasPrefix("documents: 72 added"))
        #expect(ingest.stderr.isEmpty, "no progress bar or log off a terminal")

        // Quiet by default: no info log lines; the figures are the result.
        let train = try CLI.run(["train", "corpora/intents.yaml"], in: folder)
        #expect(train.status == 0 && train.stdout.contains("saved .supportkit/classifier.json"))
        #expect(!train.stderr.contains("info") && !train.stdout.contains("info"))
        #expect(train.stdout.contains("embedder lexical@"), "train uses the embedder the collection recorded")

        // No --embedder: the collection's recorded embedder.
        let search = try CLI.run(["search", "I was charged twice", "-k", "1", "--json"], in: folder)
        #expect(search.status == 0, "\(search.stderr)")
        let results = try CLI.object(search.stdout)["results"] as? [[String: Any]]
        #expect(results?.first?["doc_id"] as? String == "billing/duplicate-charges")

        let recipe = ["eval", "suite.yaml", "--baseline", "latest", "--max-regression", "intent_accuracy=0.02",
                      "--fail-under", "recall@5=0.1", "--junit", "reports/junit.xml", "--results", "fresh.sqlite"]
        let first = try CLI.run(recipe, in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("warning: no baseline yet"))
        #expect(first.stdout.contains("SKIP  max-regression intent_accuracy=0.02"))
        #expect(first.stdout.contains("intent_accuracy"), "the headline metrics are the result")
        let junit = try String(contentsOf: folder.url.appendingPathComponent("reports/junit.xml"), encoding: .utf8)
        #expect(junit.contains("failures=\"0\""), "exit 0, so no failing test case")

        let second = try CLI.run(recipe, in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("no baseline yet"))
        #expect(second.stdout.contains("changed since baseline"))
        #expect(second.stdout.contains("PASS  max-regression intent_accuracy=0.02"))

        let list = try CLI.run(["runs", "list", "--results", "fresh.sqlite"], in: folder)
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 2, "one line per run, no header off a terminal")
        let listJSON = try CLI.run(["runs", "list", "--results", "fresh.sqlite", "--json"], in: folder)
        let runs = try CLI.object(listJSON.stdout)["runs"] as? [Any]
        #expect(runs?.count == 2)

        // A greeting says it was small talk, not the intent the classifier guessed, and opens no ticket.
        let hello = try CLI.run(["ask", "--customer", "c-hello", "hello"], in: folder)
        #expect(hello.status == 0, "\(hello.stderr)")
        #expect(hello.stdout.contains("[small talk: greeting (intent "), "\(hello.stdout)")
        #expect(hello.stdout.contains("not escalated") && !hello.stdout.contains("ticket"))

        let dryRun = try CLI.run(["eval", "suite.yaml", "--dry-run", "--json"], in: folder)
        let check = try CLI.object(dryRun.stdout)
        #expect(dryRun.status == 0 && check["conversations"] as? Int == 2)
    }

    @Test func badThresholdsAndMissingBaselinesAreUsageErrors() throws {
        let folder = try CLI.scratch()
        defer { folder.remove() }
        let percent = try CLI.run(["eval", "suite.yaml", "--fail-under", "intent_accuracy=90"], in: folder)
        #expect(percent.status == 2)
        #expect(percent.stderr.contains("intent_accuracy is a rate from 0 to 1") && percent.stdout.isEmpty)
        #expect(try CLI.run(["demo", "--json"], in: folder).status == 2, "demo has no result to print as JSON")
        let tickets = try CLI.run(["tickets", "list"], in: folder)
        #expect(tickets.status == 2 && tickets.stdout.isEmpty && tickets.stderr.hasPrefix("error: no ticket database"))
    }
}

/// Runs the built binary.
enum CLI {
    /// `.build/debug/supportkit` (or the release one) beside the test bundle; nil when it was not built.
    static let binary: URL? = {
        let folder = Bundle.main.bundleURL
        let candidates = [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent("supportkit") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// The repository's corpus and a two-conversation suite in a new folder.
    static func scratch() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(at: root.appendingPathComponent("corpora"), to: folder.url.appendingPathComponent("corpora"))
        _ = try folder.write("""
            - id: double-charge
              customer: {id: cust-1}
              turns:
                - user: "I was charged twice for my order"
                  expect: {intent: problem, category: billing, docs: [billing/duplicate-charges], escalate: false}
            - id: reset-password
              customer: {id: cust-2}
              turns:
                - user: "how do I reset my password?"
                  expect: {intent: question, category: account, docs: [account/reset-password], escalate: false}
            """, to: "suite.yaml")
        return folder
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `supportkit ARGUMENTS` in `folder` with stdin, stdout and stderr not terminals, with `environment`
    /// added to this process's.
    static func run(_ arguments: [String], in folder: TemporaryDirectory, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        }
        process.currentDirectoryURL = folder.url
        // Files rather than pipes: nothing to drain while the process runs, and neither is a terminal.
        let outFile = folder.url.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errFile = folder.url.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: try String(contentsOf: outFile, encoding: .utf8),
                      stderr: try String(contentsOf: errFile, encoding: .utf8))
    }

    /// `run` on a thread of its own: an async test that waited for a subprocess on the cooperative pool would hold
    /// one of its few threads (two here) for seconds, starving the deadline timers of tests running beside it.
    static func runDetached(_ arguments: [String], in folder: TemporaryDirectory, environment: [String: String] = [:]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result { try run(arguments, in: folder, environment: environment) })
            }.start()
        }
    }

    /// The one JSON object `text` holds.
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
