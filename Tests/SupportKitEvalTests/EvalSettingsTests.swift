import Foundation
import Testing
import SupportKit
import SupportKitTesting
@testable import SupportKitEval

@Suite struct EvalSettingsTests {
    @Test func readsTheEvalSection() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try folder.write("""
            categories: [account, orders, billing]
            eval:
              concurrency: 4
              turn_timeout: 12.5
              seed: 7
              results: out/results.sqlite
              baseline: latest
              fail_under: {intent_accuracy: 0.8}
              max_regression: {recall@5: 0.02}
            """, to: "supportkit.yaml")
        let settings = try EvalSettings.load(path: file.path)
        #expect(settings.concurrency == 4 && settings.turnTimeout == 12.5 && settings.seed == 7 && settings.resamples == nil)
        #expect(settings.results == "out/results.sqlite" && settings.baseline == "latest")
        #expect(settings.gates == [GateRule(metric: "intent_accuracy", kind: .failUnder(0.8)), GateRule(metric: "recall@5", kind: .maxRegression(0.02))])
        #expect(try EvalSettings.load(path: folder.path + "/missing.yaml") == EvalSettings())
    }

    @Test func reportsBadSettingsAtTheirLine() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let unknown = try folder.write("eval:\n  concurency: 4\n", to: "a.yaml")
        #expect(throws: InputError.self) { try EvalSettings.load(path: unknown.path) }
        do {
            _ = try EvalSettings.load(path: unknown.path)
        } catch {
            #expect(error.description == "\(unknown.path):2:3: eval.concurency: unknown setting; expected one of answer, baseline, concurrency, fail_under, judge, max_regressed_conversations, max_regression, report_dir, resamples, results, seed, slices, turn_timeout")
        }
        let wrong = try folder.write("eval:\n  concurrency: two\n", to: "b.yaml")
        do {
            _ = try EvalSettings.load(path: wrong.path)
            Issue.record("a word is not a concurrency")
        } catch {
            #expect(error.description == "\(wrong.path):2:16: eval.concurrency: expected a whole number; see docs/metrics.md for the setting's type and default")
        }
        let tooMany = try folder.write("eval:\n  concurrency: 100\n", to: "c.yaml")
        do {
            _ = try EvalSettings.load(path: tooMany.path)
            Issue.record("100 is above the concurrency limit")
        } catch {
            #expect(error.description == "\(tooMany.path):2:16: eval.concurrency: expected a whole number from 1 to 64; write e.g. `concurrency: 1`")
        }
        let metric = try folder.write("eval:\n  fail_under: {intent_accuracy: 0.8, recal@5: 0.7}\n", to: "d.yaml")
        do {
            _ = try EvalSettings.load(path: metric.path)
            Issue.record("recal@5 is no metric")
        } catch {
            #expect(error.description.hasPrefix("\(metric.path):2:47: eval.fail_under.recal@5: unknown metric; expected one of conversation_pass_rate"))
        }
        #expect(try EvalSettings(settings: SettingsFile.parse(yaml: "eval:\n", path: "e.yaml")) == EvalSettings())
    }

    @Test func flagsReplaceTheFilesRuleForTheSameMetric() {
        let file = [GateRule(metric: "intent_accuracy", kind: .failUnder(0.8)), GateRule(metric: "recall@5", kind: .failUnder(0.7))]
        let flags = [GateRule(metric: "intent_accuracy", kind: .failUnder(0.9)), GateRule(metric: "intent_accuracy", kind: .maxRegression(0.01))]
        #expect(EvalSettings.merge(file: file, flags: flags) == [
            GateRule(metric: "recall@5", kind: .failUnder(0.7)),
            GateRule(metric: "intent_accuracy", kind: .failUnder(0.9)),
            GateRule(metric: "intent_accuracy", kind: .maxRegression(0.01)),
        ])
    }
}
