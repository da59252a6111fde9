import Foundation
import Testing
import SupportKitTesting

/// Golden files of what a person sees: stdout and stderr of commands whose output does not depend on time
/// (a dry-run ingest plan, a search, a suite check, usage errors). `SUPPORTKIT_RECORD_GOLDEN=1` re-records them.
@Suite(.serialized, .enabled(if: CLI.binary != nil, "the supportkit binary is built beside the tests"))
struct HumanOutputGoldenTests {
    func expectGolden(_ arguments: [String], in folder: TemporaryDirectory, _ name: String, status: Int32 = 0) throws {
        let result = try CLI.run(arguments, in: folder)
        #expect(result.status == status, "\(arguments.joined(separator: " ")): \(result.stderr)")
        let actual = "$ supportkit \(arguments.joined(separator: " "))\n\(result.stdout)--- stderr\n\(result.stderr)"
        let golden = try GoldenFile.text(matching: actual, named: name, bundle: .module)
        #expect(actual == golden, "\(name) changed; re-record with SUPPORTKIT_RECORD_GOLDEN=1 after an intended change")
    }

    @Test func humanOutputOfTimeIndependentCommands() throws {
        let folder = try CLI.scratch()
        defer { folder.remove() }
        try expectGolden(["ingest", "corpora/billing", "--embedder", "lexical", "--dry-run"], in: folder, "ingest-dry-run.txt")
        _ = try CLI.run(["ingest", "corpora", "--embedder", "lexical"], in: folder)
        try expectGolden(["search", "I was charged twice", "-k", "2"], in: folder, "search.txt")
        try expectGolden(["eval", "suite.yaml", "--dry-run"], in: folder, "eval-dry-run.txt")
        try expectGolden(["eval", "suite.yaml", "--fail-under", "intent_accuracy=90"], in: folder, "eval-percent-threshold.txt", status: 2)
        try expectGolden(["tickets", "list"], in: folder, "tickets-list-none.txt", status: 2)
        try expectGolden(["runs", "list"], in: folder, "runs-list-none.txt", status: 2)
    }
}
