import Foundation
import Testing
import SupportKit
@testable import SupportKitEval

/// The one reader of supportkit.yaml: unknown sections and YAML errors at their line and column, each section
/// handed to its reader.
@Suite struct SettingsFileTests {
    @Test func unknownSectionsAndBadYAMLAreErrorsAtTheirPlace() throws {
        do {
            _ = try SettingsFile.parse(yaml: "store: sqlite:x\nevals:\n  results: r.sqlite\n", path: "supportkit.yaml")
            Issue.record("`evals` is not a section")
        } catch {
            #expect(error.description == "supportkit.yaml:2:1: evals: unknown setting; expected one of assistant, categories, embedder, eval, ingest, model_dir, store")
        }
        do {
            _ = try SettingsFile.parse(yaml: "eval:\n  results: [unclosed\n", path: "s.yaml")
            Issue.record("invalid YAML must be refused")
        } catch {
            #expect(error.location.path == "s.yaml" && error.location.line == 3 && error.field == "yaml")
            #expect(error.problem.hasPrefix("invalid YAML: "))
        }
    }

    @Test func eachSectionComesFromTheSameFile() throws {
        let file = try SettingsFile.parse(yaml: "store: sqlite:x\neval:\n  results: out/r.sqlite\n  seed: 7\n", path: "supportkit.yaml")
        let eval = try EvalSettings(settings: file)
        #expect(eval.results == "out/r.sqlite" && eval.seed == 7)
        #expect(file.section("store")?.string == "sqlite:x" && file.section("assistant") == nil)
        #expect(try EvalSettings(settings: SettingsFile()) == EvalSettings())
    }
}
