import Foundation
import SupportKit
import Testing

/// One settings reader: a section decodes over its defaults, unknown keys and bad values are placed at their line.
@Suite struct SettingsSectionTests {
    struct Sample: SettingsSection, Equatable {
        struct Nested: Codable, Sendable, Equatable {
            var limit = 3
            var weight = 1e-5
            var note: String?
        }
        var name = "default"
        var ratio = 0.35
        var nested = Nested()

        static let knownKeys: [String: Set<String>] = ["": ["name", "ratio", "nested"], "nested": ["limit", "weight", "note"]]
        static let documentation = "docs/sample.md"

        func validate() throws(SettingProblem) {
            if nested.limit < 1 { throw SettingProblem("nested.limit", "must be at least 1") }
        }
    }

    static func decode(_ yaml: String) throws -> Sample {
        try SettingsFile.parse(yaml: yaml, path: "s.yaml").decode(Sample.self, section: "assistant")
    }

    @Test func keysTheFileLeavesOutKeepTheirDefaultsExactly() throws {
        #expect(try Self.decode("") == Sample())
        #expect(try Self.decode("assistant: {}\n") == Sample())
        var expected = Sample()
        expected.nested.limit = 7
        expected.nested.note = "hi"
        #expect(try Self.decode("assistant:\n  nested:\n    limit: 7\n    note: hi\n") == expected)
    }

    @Test func anUnknownKeyIsRefusedAtItsLineWithTheKnownOnes() throws {
        #expect {
            try Self.decode("assistant:\n  nested:\n    limt: 7\n")
        } throws: { error in
            let text = "\(error)"
            return text.contains("s.yaml:3:5") && text.contains("assistant.nested.limt") && text.contains("limit, note, weight")
        }
    }

    @Test func aWrongTypeAndAValidationProblemPointAtTheValue() throws {
        #expect {
            try Self.decode("assistant:\n  ratio: lots\n")
        } throws: { error in "\(error)".contains("s.yaml:2:10") && "\(error)".contains("assistant.ratio") && "\(error)".contains("a number") }
        #expect {
            try Self.decode("assistant:\n  name: x\n  nested:\n    limit: 0\n")
        } throws: { error in
            "\(error)".contains("s.yaml:4:12") && "\(error)".contains("assistant.nested.limit") && "\(error)".contains("must be at least 1")
        }
    }
}
