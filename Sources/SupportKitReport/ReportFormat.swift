import Foundation
import SupportKitEval

/// Number formatting shared by the HTML, Markdown and terminal outputs, so every place prints a metric alike.
public enum ReportFormat {
    /// `84.2%` for rates, `123 ms` for latencies, `—` when undefined.
    public static func value(_ value: Double?, metric: String) -> String {
        guard let value else { return "—" }
        return MetricName.isRate(metric) ? percent(value) : milliseconds(value)
    }

    /// `[80.1, 88.0]` (same unit as the value, without the sign), or empty when there is no interval.
    public static func interval(_ metric: MetricValue, name: String) -> String {
        guard let low = metric.ciLow, let high = metric.ciHigh else { return "" }
        return MetricName.isRate(name)
            ? String(format: "[%.1f, %.1f]", low * 100, high * 100)
            : (high < 10 ? String(format: "[%.2f, %.2f]", low, high) : String(format: "[%.0f, %.0f]", low, high))
    }

    /// The plain-text "changed since baseline" block of the terminal summary and `runs compare`: the
    /// conversations that went from pass to fail, then those that went from fail to pass, a line each with
    /// the expectations involved; one line saying nothing changed when nothing did.
    public static func conversationChanges(_ comparison: BaselineComparison, limit: Int = 20) -> [String] {
        let regressed = comparison.regressedConversations, fixed = comparison.fixedConversations
        guard !comparison.conversationChanges.isEmpty else {
            return ["changed since baseline \(comparison.baselineRun): no conversation changed outcome"]
        }
        var lines = ["changed since baseline \(comparison.baselineRun): \(regressed.count) pass -> fail, \(fixed.count) fail -> pass"]
        for (label, changes) in [("FAIL", regressed), ("PASS", fixed)] {
            for change in changes.prefix(limit) { lines.append("  \(label)  " + change.summary) }
            if changes.count > limit { lines.append("  ... and \(changes.count - limit) more") }
        }
        return lines
    }

    /// `1 expected article is not in the knowledge base (billing/duplicate-charges); 3 turns expect it and are
    /// scored as retrieval misses (kb_gap)`.
    public static func missingArticles(ids: [String], expectations: Int) -> String {
        let shown = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", and \(ids.count - 10) more" : "")
        return "\(ids.count) expected article\(ids.count == 1 ? " is" : "s are") not in the knowledge base (\(shown)); "
            + "\(expectations) turn\(expectations == 1 ? " expects" : "s expect") one and \(expectations == 1 ? "is" : "are") scored as retrieval misses (kb_gap)"
    }

    /// `conversation pass rate 21.0% [15.7, 26.2]: 44 of 210 conversations pass, 166 fail`.
    public static func passRate(_ metric: MetricValue?, failing: Int) -> String {
        let name = MetricName.conversationPassRate
        guard let metric, let value = metric.value else { return "conversation pass rate: no conversation with a checked expectation" }
        let passing = Int((value * Double(metric.n)).rounded())
        return "conversation pass rate \(ReportFormat.value(value, metric: name)) \(interval(metric, name: name)): "
            + "\(passing) of \(metric.n) conversations pass, \(failing) fail"
    }

    /// The failing conversations, most broken expectations first: a line each, at most `limit`, then a count.
    public static func failingConversations(_ failures: FailureReport, limit: Int) -> [String] {
        let list = failures.conversations
        guard !list.isEmpty, limit > 0 else {
            return list.isEmpty ? [] : ["\(list.count) failing conversations (--show-failing N lists them)"]
        }
        var lines = ["failing conversations: \(list.count), most broken expectations first"]
        for conversation in list.prefix(limit) {
            let first = conversation.turns.first.map { "turn \($0.index + 1): \($0.expectations.joined(separator: "; "))" } ?? ""
            lines.append("  \(conversation.id) (\(conversation.brokenExpectations) broken) \(first)")
        }
        if list.count > limit { lines.append("  ... and \(list.count - limit) more (see the report)") }
        return lines
    }

    /// `failure causes that grew since BASE: kb_gap 0 -> 3 (+3), ...`; empty when none grew.
    public static func grownCauses(_ comparison: BaselineComparison) -> [String] {
        let grown = comparison.grownCauses
        guard !grown.isEmpty else { return [] }
        return ["failure causes that grew since \(comparison.baselineRun): " + grown.map(\.summary).joined(separator: ", ")]
    }

    /// `+2.3 pts` or `-15 ms`.
    public static func delta(_ delta: Double?, metric: String) -> String {
        guard let delta else { return "—" }
        if MetricName.isRate(metric) { return String(format: "%+.1f pts", delta * 100) }
        return abs(delta) < 10 ? String(format: "%+.2f ms", delta) : String(format: "%+.0f ms", delta)
    }

    /// `01:30:00 3fa2` for a run id `20261125-013000-3fa2`; other ids unchanged.
    public static func shortRunLabel(_ id: String) -> String {
        let parts = id.split(separator: "-")
        guard parts.count == 3, parts[1].count == 6 else { return id }
        let time = Array(parts[1])
        return "\(String(time[0..<2])):\(String(time[2..<4])):\(String(time[4..<6])) \(parts[2])"
    }

    /// `[-1.2, +3.4]` for a delta's interval.
    public static func deltaInterval(_ low: Double?, _ high: Double?, metric: String) -> String {
        guard let low, let high else { return "" }
        return MetricName.isRate(metric)
            ? String(format: "[%+.1f, %+.1f]", low * 100, high * 100)
            : (max(abs(low), abs(high)) < 10 ? String(format: "[%+.2f, %+.2f]", low, high) : String(format: "[%+.0f, %+.0f]", low, high))
    }

    /// `84.2%`.
    public static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    /// `0.42 ms`, `4.2 ms`, `42 ms`: enough digits to tell small values apart.
    public static func milliseconds(_ value: Double) -> String {
        fixed(value, digits: value < 1 ? 2 : (value < 10 ? 1 : 0)) + " ms"
    }

    /// `0.84` for a ratio in a table, `—` when undefined.
    public static func ratio(_ value: Double?) -> String {
        value.map { fixed($0, digits: 2) } ?? "—"
    }

    /// `value` with `digits` decimals, the same text as `String(format: "%.<digits>f", value)`.
    ///
    /// A large report formats tens of thousands of scores and confidences, and `String(format:)` goes through
    /// Foundation's format parser each time. Values whose rounding is a near tie, and values too large for exact
    /// integer arithmetic, still go through `String(format:)`, so the digits always agree with it.
    public static func fixed(_ value: Double, digits: Int) -> String {
        let scale = [1.0, 10, 100, 1_000, 10_000][min(max(digits, 0), 4)]
        let scaled = abs(value) * scale
        let rounded = scaled.rounded(.toNearestOrEven)
        guard digits <= 4, value.isFinite, scaled < 1e15, abs(abs(scaled - rounded) - 0.5) > 1e-6 else {
            return String(format: "%.\(digits)f", value)
        }
        let units = Int(rounded)
        let whole = units / Int(scale), fraction = units % Int(scale)
        var text = value.sign == .minus ? "-" : ""   // as printf: -0.001 is "-0.00"
        text += String(whole)
        if digits > 0 {
            let decimals = String(fraction)
            text += "." + String(repeating: "0", count: digits - decimals.count) + decimals
        }
        return text
    }

    /// How a delta should be read: better, worse (its interval excludes zero) or unclear.
    public enum Verdict: String, Sendable {
        case better, worse, unclear
    }

    /// Better or worse when the interval excludes zero (taking the metric's direction into account), else unclear.
    public static func verdict(_ delta: MetricDelta) -> Verdict {
        guard let low = delta.ciLow, let high = delta.ciHigh else { return .unclear }
        let lowerIsBetter = MetricName.isLowerBetter(delta.name)
        if low > 0 { return lowerIsBetter ? .worse : .better }
        if high < 0 { return lowerIsBetter ? .better : .worse }
        return .unclear
    }

    /// CSS classes of a delta: `worse` (red) or `better` (green) by the direction of the change, whatever its
    /// interval, plus `sure` when the interval excludes 0 (else `unsure`); `same` for no change.
    public static func deltaClass(_ delta: MetricDelta) -> String {
        guard let change = delta.delta, change != 0 else { return "same" }
        let worse = MetricName.isLowerBetter(delta.name) ? change > 0 : change < 0
        return (worse ? "worse" : "better") + (verdict(delta) == .unclear ? " unsure" : " sure")
    }

    /// `2026-11-25 01:30 UTC`.
    public static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
