import Foundation
import Testing
@testable import SupportKitGrounding

@Suite struct GroundednessPairsTests {
    @Test func badLinesAreErrorsWithLineNumbersAndTheOthersAreScored() throws {
        let file = """
            {"id": "a", "response": "Refunds arrive in 5 days.", "knowledge": "Refunds arrive in 5 days."}
            not json
            {"id": 7, "response": "Refunds arrive in 9 days.", "knowledge": ["Refunds arrive in 5 days.", "Other."]}

            {"response": "x", "knowledge": "y"}
            {"id": "d", "knowledge": "y"}
            {"id": "e", "response": "x", "knowledge": [1]}
            {"id": "f", "response": "x"}
            {"id": true, "response": "x", "knowledge": "y"}
            {"id": "g", "response": "x", "knowledge": "y", "question": 3}
            {"id": "h", "response": "Refunds arrive in 5 days.", "knowledge": "Refunds arrive in 5 days.", "label": 1}
            """
        let results = GroundednessPairs.score(file, path: "pairs.jsonl", checker: GroundednessChecker())
        #expect(results.count == 10)
        let errors = results.compactMap { result -> String? in
            if case .failure(let error) = result { return error.description }
            return nil
        }
        #expect(errors == [
            "pairs.jsonl:2:1: not a JSON object; write one object per line: {\"id\": ..., \"response\": ..., \"knowledge\": ...}",
            "pairs.jsonl:5:1: id: missing; give each line an \"id\" (a string or a number)",
            "pairs.jsonl:6:1: response: missing; give the answer to check as \"response\"",
            "pairs.jsonl:7:1: knowledge: expected a string or a list of strings",
            "pairs.jsonl:8:1: knowledge: missing; give the passages as \"knowledge\" (a string or a list of strings)",
            "pairs.jsonl:9:1: id: expected a string or a number",
            "pairs.jsonl:10:1: question: expected a string",
        ])
        let scored = results.compactMap { try? $0.get() }
        #expect(scored.map(\.id) == [.string("a"), .number(7), .string("h")])
        #expect(scored[0].supported && scored[2].supported)
        #expect(!scored[1].supported)
        #expect(scored[1].unsupported.first?.reason == "\"9 days\" not in any source; sources say \"5 days\"")
    }

    @Test func theOutputLineHasTheDocumentedKeys() throws {
        let result = GroundednessResult(id: .number(3), verdict: GroundednessChecker().check(
            response: "Refunds arrive in 9 days.", sources: ["Refunds arrive in 5 days."]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(line == """
            {"id":3,"score":0.3182,"supported":false,"unsupported":[{"reason":"\\"9 days\\" not in any source; sources say \\"5 days\\"","text":"Refunds arrive in 9 days."}]}
            """)
    }

    /// The committed fact-swap set (scripts/groundedness/make-fact-swaps.py): every swapped fact is caught and
    /// no faithful answer is flagged. scripts/measure-groundedness.sh prints the same figures with AUC.
    @Test func factSwapsAreCaught() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/fact-swaps", withExtension: "jsonl"))
        let contents = try String(contentsOf: url, encoding: .utf8)
        let checker = GroundednessChecker()
        var missed: [String] = []
        var flaggedFaithful: [String] = []
        for line in contents.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["id"] as? String)
            let verdict = checker.check(response: try #require(object["response"] as? String),
                                        sources: [try #require(object["knowledge"] as? String)])
            let faithful = (object["label"] as? Int) == 1
            if faithful, !verdict.supported { flaggedFaithful.append(id) }
            if !faithful, verdict.supported { missed.append(id) }
        }
        #expect(flaggedFaithful.isEmpty)
        #expect(missed.count <= 2, "swaps not caught: \(missed)")
    }
}
