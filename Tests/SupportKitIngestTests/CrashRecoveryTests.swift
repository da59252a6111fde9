import Foundation
import SupportKit
import SupportKitStore
import SupportKitTesting
@testable import SupportKitIngest
import Testing

/// Kills a real `supportkit ingest` process with SIGKILL in the middle of applying a sync, reruns it, and
/// compares the store with a clean ingest of the same corpus.
@Suite struct CrashRecoveryTests {
    /// The CLI built next to the test bundle.
    static var binary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("supportkit")
            if FileManager.default.isExecutableFile(atPath: candidate.path), !candidate.hasDirectoryPath { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return testBinary.deletingLastPathComponent().appendingPathComponent("supportkit")
    }

    @discardableResult
    static func ingest(_ corpus: URL, store: String, config: String? = nil, fault: String? = nil) throws -> (status: Int32, reason: Process.TerminationReason) {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["ingest", corpus.path, "--store", "sqlite:" + store, "--embedder", "lexical", "--json"] + (config.map { ["--config", $0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["SUPPORTKIT_FAULT"] = fault
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason)
    }

    @Test func sigkillMidApplyThenRerunEqualsCleanIngest() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the CLI first: swift build")
        let harness = try IngestHarness()
        defer { harness.remove() }
        let settings = try TemporaryDirectory(prefix: "supportkit-settings")
        defer { settings.remove() }
        // Small batches, so that the kill lands between committed batches of one sync.
        let config = try settings.write("ingest:\n  batch_size: 16\n", to: "supportkit.yaml").path
        // Version 1: 120 documents.
        for index in 0..<120 {
            try harness.corpus.write(IngestHarness.article("Topic \(index)", sections: 2 + index % 3), to: "orders/topic-\(index).md")
        }
        try Self.ingest(harness.corpus.url, store: harness.storePath)

        // Version 2: edits that add, change and remove chunks, deletions and additions.
        for index in stride(from: 0, to: 120, by: 3) {
            try harness.corpus.write(IngestHarness.article("Topic \(index) revised", sections: 1 + index % 4), to: "orders/topic-\(index).md")
        }
        for index in stride(from: 1, to: 120, by: 10) {
            try FileManager.default.removeItem(at: harness.corpus.url.appendingPathComponent("orders/topic-\(index).md"))
        }
        for index in 200..<230 { try harness.corpus.write(IngestHarness.article("New \(index)"), to: "billing/new-\(index).md") }

        let killed = try Self.ingest(harness.corpus.url, store: harness.storePath, config: config, fault: "kill-after-upserts:3")
        #expect(killed.reason == .uncaughtSignal && killed.status == SIGKILL, "the fault point was not reached")
        // Killed between a batch's upserts and its manifest entries: `--verify` is clean, naming the documents
        // the next run finishes.
        let database = try StoreDatabase(path: harness.storePath)
        let report = try await IngestVerifier(
            store: SQLiteVectorStore(database: database), manifest: IngestManifest(database: database, collection: Collections.knowledge),
            collection: Collections.knowledge).verify()
        #expect(report.isConsistent, "missing \(report.missing.count), orphans \(report.orphans.count)")
        #expect(!report.pendingDocuments.isEmpty)
        let rerun = try Self.ingest(harness.corpus.url, store: harness.storePath, config: config)
        #expect(rerun.status == 0)

        let clean = try IngestHarness()
        defer { clean.remove() }
        try Self.ingest(harness.corpus.url, store: clean.storePath, config: config)
        let recovered = try await harness.snapshot()
        let expected = try await clean.snapshot()
        #expect(recovered.count == expected.count)
        #expect(recovered == expected)
        // And a further run finds nothing left to do.
        let again = try Self.ingest(harness.corpus.url, store: harness.storePath)
        #expect(again.status == 0)
    }
}
