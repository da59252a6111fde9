import Foundation
import Testing
import SupportKitTesting

/// `supportkit groundedness` as scripts see it: one JSON line per readable input line on stdout, in order; each bad
/// line on stderr with its line number; exit 2 when any line was bad.
@Suite(.enabled(if: CLI.binary != nil, "the supportkit binary is built beside the tests"))
struct GroundednessCommandTests {
    @Test func scoresGoodLinesInOrderAndReportsBadOnesWithTheirLineNumber() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write("""
            {"id": "ok", "response": "Refunds arrive in 5 days.", "knowledge": ["Refunds arrive in 5 days."]}
            {"id": "bad", "response": "Refunds arrive in 9 days."}
            {"id": 2, "response": "Refunds arrive in 9 days.", "knowledge": "Refunds arrive in 5 days."}
            """, to: "pairs.jsonl")
        let result = try CLI.run(["groundedness", "pairs.jsonl"], in: folder)
        #expect(result.status == 2)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("{\"id\":\"ok\",\"score\":1,\"supported\":true,\"unsupported\":[]}") == true)
        #expect(lines.last?.contains("\"id\":2,") == true)
        #expect(lines.last?.contains("\"supported\":false") == true)
        #expect(result.stderr.contains("""
            error: pairs.jsonl:2:1: knowledge: missing; give the passages as "knowledge" (a string or a list of strings)
            """))
    }

    @Test func aMissingFileAndABadThresholdAreUsageErrors() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let missing = try CLI.run(["groundedness", "nope.jsonl"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.jsonl: cannot read the file"))
        let threshold = try CLI.run(["groundedness", "nope.jsonl", "--threshold", "3"], in: folder)
        #expect(threshold.status == 2)
        #expect(threshold.stderr.contains("--threshold must be between 0 and 1"))
    }
}
