import Foundation
import SupportKitEval

/// A run as JUnit XML for CI test views: one testcase per conversation, one per gate, one error per suite problem.
///
/// With `JUnitCases.gates` (the default) the failing test cases are exactly the failed gates (`--fail-under`,
/// `--max-regression`, `--max-regressed-conversations`), so a CI dashboard turns red exactly when `supportkit
/// eval` exits 1; a conversation's outcome is reported, not judged, in its `<system-out>`. With
/// `JUnitCases.conversations` a conversation that misses an expectation is itself a failure, naming the first
/// stage that broke. A conversation the suite loader refused is an `<error>` (the command exits 2). A
/// conversation with an unmeasured turn (error, timeout) is skipped, naming the turns, and so is a regression
/// gate that had no baseline to check against.
public enum JUnitReport {
    /// `evals/billing/refunds.yaml` as `evals.billing.refunds`, for CI tools that group test cases by class.
    static func dottedName(_ path: String) -> String {
        (path as NSString).deletingPathExtension.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: ".")
    }

    /// The XML document.
    public static func render(_ input: ReportInput, cases mode: JUnitCases = .gates) -> String {
        let byConversation = Dictionary(grouping: input.records, by: \.conversationId)
        let sources = Dictionary(input.conversations.map { ($0.conversationId, $0.location?.path) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        let order = (input.conversations.map(\.conversationId) + input.records.map(\.conversationId)).filter { seen.insert($0).inserted }
        var cases = ""
        var failures = 0, skipped = 0, tests = 0, errors = 0
        let causes = Dictionary(input.records.compactMap { record in
            TurnCheck.cause(of: record, knowledge: input.run.knowledge).map { ("\(record.conversationId)\u{0}\(record.turnIndex)", $0) }
        }, uniquingKeysWith: { first, _ in first })
        var totalSeconds = 0.0
        let changes = Dictionary((input.comparison?.conversationChanges ?? []).map { ($0.conversation, $0) },
                                 uniquingKeysWith: { first, _ in first })
        for id in order {
            let turns = (byConversation[id] ?? []).sorted { $0.turnIndex < $1.turnIndex }
            let seconds = turns.reduce(0) { $0 + $1.latencyMs } / 1000
            totalSeconds += seconds
            tests += 1
            let classname = "eval." + Self.dottedName((sources[id] ?? nil) ?? "suite")
            cases += "    <testcase classname=\"\(classname.xmlEscaped)\" name=\"\(id.xmlEscaped)\" time=\"\(String(format: "%.3f", seconds))\">\n"
            let failing = turns.filter { !$0.unmetExpectations.isEmpty }
            let unmeasured = turns.filter { !$0.isMeasured }
            if mode == .conversations, !failing.isEmpty {
                failures += 1
                let broken = failing.reduce(0) { $0 + $1.unmetExpectations.count }
                let first = failing[0]
                let cause = causes["\(id)\u{0}\(first.turnIndex)"].map { " (\($0.rawValue))" } ?? ""
                let message = "\(broken) expectation\(broken == 1 ? "" : "s") broke in \(failing.count) of \(turns.count) turns; first: turn \(first.turnIndex + 1)\(cause): "
                    + first.unmetExpectations.joined(separator: "; ")
                cases += "      <failure message=\"\(message.xmlEscaped)\" type=\"ExpectationFailed\"/>\n"
            } else if !unmeasured.isEmpty {
                skipped += 1
                let message = "\(unmeasured.count) of \(turns.count) turns unmeasured: " + unmeasured.map {
                    "turn \($0.turnIndex + 1) (\($0.error ?? $0.status.rawValue))"
                }.joined(separator: "; ")
                cases += "      <skipped message=\"\(message.xmlEscaped)\"/>\n"
            }
            var out = ""
            if let change = changes[id], let baseline = input.comparison?.baselineRun {
                out += change.direction == .regressed
                    ? "regressed since baseline \(baseline): passed there, fails now\n" : "fixed since baseline \(baseline): failed there, passes now\n"
            }
            if !failing.isEmpty {
                out += "\(failing.count) of \(turns.count) turns missed an expectation:\n"
                for turn in failing {
                    let cause = causes["\(id)\u{0}\(turn.turnIndex)"].map { " [\($0.rawValue)]" } ?? ""
                    out += "turn \(turn.turnIndex + 1)\(cause): \"\(turn.user)\"\n"
                    for problem in turn.unmetExpectations { out += "  - \(problem)\n" }
                }
            }
            if !out.isEmpty { cases += "      <system-out>\(out.xmlEscaped)</system-out>\n" }
            cases += "    </testcase>\n"
        }
        for gate in input.gates {
            tests += 1
            cases += "    <testcase classname=\"eval.gates\" name=\"\(gate.rule.xmlEscaped)\" time=\"0\">\n"
            if !gate.passed {
                failures += 1
                cases += "      <failure message=\"\(gate.detail.xmlEscaped)\" type=\"GateFailed\"/>\n"
            } else if gate.skipped {
                skipped += 1
                cases += "      <skipped message=\"\(gate.detail.xmlEscaped)\"/>\n"
            }
            cases += "    </testcase>\n"
        }
        for error in input.inputErrors {
            tests += 1
            errors += 1
            let location = "\(error.location)"
            cases += "    <testcase classname=\"eval.suite\" name=\"\(location.xmlEscaped)\" time=\"0\">\n"
            cases += "      <error message=\"\(error.description.xmlEscaped)\" type=\"SuiteError\"/>\n"
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
        xml += "<testsuites name=\"supportkit eval\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
        xml += "  <testsuite name=\"supportkit eval \(input.run.id.xmlEscaped)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
        xml += "    <properties>\n\(properties)    </properties>\n"
        xml += cases
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
