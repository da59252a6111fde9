import Foundation
import Testing
import SupportKit
import SupportKitTesting
@testable import SupportKitIngest

/// The golden `ingest --json` and `ingest --verify --json` results. `SUPPORTKIT_RECORD_GOLDEN=1` re-records them.
@Suite struct IngestOutputGoldenTests {
    func expectGolden<Value: Encodable>(_ value: Value, _ name: String) throws {
        let (actual, golden) = try GoldenFile.json(value, named: name, bundle: .module)
        #expect(actual == golden, "\(name) changed; re-record with SUPPORTKIT_RECORD_GOLDEN=1 after an intended change")
    }

    @Test func ingestJSON() throws {
        var summary = IngestSummary()
        summary.documents.added = 70
        summary.documents.failed = 1
        summary.chunks.added = 500
        summary.embedded = 960
        summary.written = 1000
        summary.facetsWritten = 500
        summary.files = 72
        summary.bytesParsed = 123_456
        summary.seconds = 5.36789
        summary.plan = ["added": ["billing/refunds"]]
        summary.errors = [InputError(SourceLocation(path: "orders/export.json", line: 14, column: 5), field: "json",
                                     problem: "expected ',' or '}' after a value", remedy: "fix the JSON syntax")]
        summary.massDeletion = .init(documents: 48, of: 72, allowed: false)
        let output = IngestOutput(summary)
        try expectGolden(output, "ingest.json")
        #expect(output.seconds == 5.368)
    }

    @Test func verifyJSON() throws {
        var report = IngestVerifier.Report()
        report.manifestDocuments = 2
        report.manifestChunks = 3
        report.storePoints = 3
        report.missing = [.init(docId: "billing/refunds", chunkId: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!)]
        report.orphans = [.init(docId: "", chunkId: UUID(uuidString: "00000000-0000-0000-0000-000000000002")!)]
        try expectGolden(VerifyOutput(before: report, after: IngestVerifier.Report(), deleted: 1, reingested: ["billing/refunds"]), "ingest-verify.json")
    }
}
