import Foundation
import SupportKitEval

/// A run as JUnit XML for CI test views: one testcase per conversation, one per gate.
///
/// A conversation fails when any labeled expectation of a measured turn is not met, and the failure
/// message lists those turns. Unmeasured turns (errors, timeouts) are neither pass nor fail: a
/// conversation with no failing turn but an unmeasured one is reported as skipped, naming the turns.
public enum JUnitReport {
    /// `evals/billing/refunds.yaml` as `evals.billing.refunds`, for CI tools that group test cases by class.
    static func dottedName(_ path: String) -> String {
        (path as NSString).deletingPathExtension.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: ".")
    }

    /// The XML document.
    public static func render(_ input: ReportInput) -> String {
        let byConversation = Dictionary(grouping: input.records, by: \.conversationId)
        let sources = Dictionary(input.conversations.map { ($0.conversationId, $0.location?.path) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        let order = (input.conversations.map(\.conversationId) + input.records.map(\.conversationId)).filter { seen.insert($0).inserted }
        var cases = ""
        var failures = 0, skipped = 0, tests = 0
        var totalSeconds = 0.0
        for id in order {
            let turns = (byConversation[id] ?? []).sorted { $0.turnIndex < $1.turnIndex }
            let seconds = turns.reduce(0) { $0 + $1.latencyMs } / 1000
            totalSeconds += seconds
            tests += 1
            let classname = "eval." + Self.dottedName((sources[id] ?? nil) ?? "suite")
            cases += "    <testcase classname=\"\(classname.xmlEscaped)\" name=\"\(id.xmlEscaped)\" time=\"\(String(format: "%.3f", seconds))\">\n"
            let failing = turns.filter { !$0.unmetExpectations.isEmpty }
            let unmeasured = turns.filter { !$0.isMeasured }
            if !failing.isEmpty {
                failures += 1
                let message = "\(failing.count) of \(turns.count) turns failed: turn " + failing.map { "\($0.turnIndex + 1)" }.joined(separator: ", ")
                var body = ""
                for turn in failing {
                    body += "turn \(turn.turnIndex + 1): \"\(turn.user)\"\n"
                    for problem in turn.unmetExpectations { body += "  - \(problem)\n" }
                }
                for turn in unmeasured { body += "turn \(turn.turnIndex + 1): unmeasured (\(turn.error ?? turn.status.rawValue))\n" }
                cases += "      <failure message=\"\(message.xmlEscaped)\" type=\"ExpectationNotMet\">\(body.xmlEscaped)</failure>\n"
            } else if !unmeasured.isEmpty {
                skipped += 1
                let message = "\(unmeasured.count) of \(turns.count) turns unmeasured: " + unmeasured.map {
                    "turn \($0.turnIndex + 1) (\($0.error ?? $0.status.rawValue))"
                }.joined(separator: "; ")
                cases += "      <skipped message=\"\(message.xmlEscaped)\"/>\n"
            }
            cases += "    </testcase>\n"
        }
        for gate in input.gates {
            tests += 1
            cases += "    <testcase classname=\"eval.gates\" name=\"\(gate.rule.xmlEscaped)\" time=\"0\">\n"
            if !gate.passed {
                failures += 1
                cases += "      <failure message=\"\(gate.detail.xmlEscaped)\" type=\"GateFailed\"/>\n"
            }
            cases += "    </testcase>\n"
        }
        var properties = "      <property name=\"run\" value=\"\(input.run.id.xmlEscaped)\"/>\n"
        properties += "      <property name=\"suite_hash\" value=\"\(input.run.suiteHash.xmlEscaped)\"/>\n"
        for name in MetricName.headline {
            guard let value = input.metrics.metrics[name]?.value else { continue }
            properties += "      <property name=\"\(name.xmlEscaped)\" value=\"\(String(format: "%.4f", value))\"/>\n"
        }
        let time = String(format: "%.3f", totalSeconds)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"supportkit eval\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
        xml += "  <testsuite name=\"supportkit eval \(input.run.id.xmlEscaped)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
        xml += "    <properties>\n\(properties)    </properties>\n"
        xml += cases
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
