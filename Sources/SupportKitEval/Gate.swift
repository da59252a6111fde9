import Foundation
import SupportKit

/// A CI rule on a run's metrics: a floor (`--fail-under`), a tolerated regression (`--max-regression`), or a
/// tolerated number of conversations that passed in the baseline and fail now (`--max-regressed-conversations`).
public struct GateRule: Sendable, Hashable, CustomStringConvertible {
    /// What the rule checks.
    public enum Kind: Sendable, Hashable {
        /// The metric's value must be at least this (point estimate).
        case failUnder(Double)
        /// The metric may get worse than the baseline by at most this; a larger drop whose paired
        /// interval excludes zero fails.
        case maxRegression(Double)
        /// At most this many conversations may go from pass (in the baseline) to fail (now). No interval: each
        /// conversation is a labeled test that either holds or not, so one that broke is a fact, not an estimate.
        case maxRegressedConversations(Int)

        /// Whether the rule compares with a baseline.
        public var needsBaseline: Bool {
            if case .failUnder = self { false } else { true }
        }
    }

    /// The `metric` of a `maxRegressedConversations` rule (it is about conversations, not a metric).
    public static let regressedConversations = "conversations"

    /// `--max-regressed-conversations N`.
    public static func maxRegressedConversations(_ limit: Int) -> GateRule {
        GateRule(metric: regressedConversations, kind: .maxRegressedConversations(limit))
    }

    /// The metric the rule is about (see `MetricName`).
    public var metric: String
    /// A floor or a tolerated regression.
    public var kind: Kind

    /// A rule on `metric`.
    public init(metric: String, kind: Kind) {
        self.metric = metric
        self.kind = kind
    }

    /// Parses `METRIC=VALUE` as given to `--fail-under` or `--max-regression`.
    ///
    /// - Throws: `SupportKitError.invalidInput` naming the flag, the problem and the known metrics, or why the
    ///   value is out of range (a rate such as `intent_accuracy` is from 0 to 1, not a percentage).
    public static func parse(_ text: String, flag: String) throws(SupportKitError) -> GateRule {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty else {
            throw SupportKitError(.invalidInput, "\(flag) \(text): expected METRIC=VALUE, e.g. \(flag) intent_accuracy=0.85")
        }
        let metric = parts[0]
        guard MetricName.isKnown(metric) else {
            throw SupportKitError(.invalidInput, "\(flag) \(text): unknown metric \"\(metric)\"; expected one of \(MetricName.all.joined(separator: ", "))")
        }
        guard let value = Double(parts[1]), value.isFinite else {
            throw SupportKitError(.invalidInput, "\(flag) \(text): \"\(parts[1])\" is not a number")
        }
        let rule = GateRule(metric: metric, kind: flag == "--max-regression" ? .maxRegression(value) : .failUnder(value))
        if let problem = rule.rangeProblem {
            throw SupportKitError(.invalidInput, "\(flag) \(text): \(problem)")
        }
        return rule
    }

    /// Why the rule's value can never be met or never fail, or nil when it is in range: a rate metric's floor
    /// and tolerated drop are from 0 to 1, a latency's are 0 or more milliseconds.
    public var rangeProblem: String? {
        let value: Double
        switch kind {
        case .failUnder(let floor): value = floor
        case .maxRegression(let drop):
            guard drop >= 0 else { return "the tolerated drop must be 0 or more" }
            value = drop
        case .maxRegressedConversations(let limit):
            return limit >= 0 ? nil : "the tolerated number of regressed conversations must be 0 or more"
        }
        if MetricName.isRate(metric) {
            guard (0...1).contains(value) else {
                let hint = value >= 2 && value <= 100 ? "; write \(Self.format(value / 100)) for \(Self.format(value))%" : ""
                return "\(metric) is a rate from 0 to 1, so \(Self.format(value)) could never be met or never fail\(hint)"
            }
        } else if value < 0 {
            return "\(metric) is in milliseconds and never below 0"
        }
        return nil
    }

    /// `fail-under intent_accuracy=0.85`, as shown in reports and JUnit.
    public var description: String {
        switch kind {
        case .failUnder(let value): "fail-under \(metric)=\(Self.format(value))"
        case .maxRegression(let value): "max-regression \(metric)=\(Self.format(value))"
        case .maxRegressedConversations(let limit): "max-regressed-conversations \(limit)"
        }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e12 ? String(Int64(value)) : String(value)
    }

    /// Checks this rule against a run's metrics and, for regressions, its comparison with a baseline.
    ///
    /// A metric that could not be computed fails its gate: a gate that silently passes on missing data
    /// would let a broken suite through CI.
    ///
    /// - Parameters:
    ///   - metrics: the run's metrics.
    ///   - comparison: the comparison with the baseline, nil without one.
    ///   - noBaselineYet: the baseline was `latest` and no earlier complete run exists (a first CI run): a
    ///     regression gate is then skipped rather than failed.
    public func evaluate(metrics: [String: MetricValue], comparison: BaselineComparison?, noBaselineYet: Bool = false) -> GateResult {
        switch kind {
        case .failUnder(let floor):
            guard let value = metrics[metric]?.value else {
                return GateResult(rule: description, passed: false, detail: "\(metric) has no value (no labeled, measured turns)")
            }
            let passed = value >= floor
            return GateResult(rule: description, passed: passed,
                              detail: "\(metric) = \(Self.format4(value)) \(passed ? ">=" : "<") \(Self.format(floor))")
        case .maxRegressedConversations(let limit):
            guard let comparison else {
                return missingBaseline(noBaselineYet: noBaselineYet)
            }
            let regressed = comparison.regressedConversations
            let passed = regressed.count <= limit
            var detail = "\(regressed.count) of \(comparison.pairedConversations) conversations passed in \(comparison.baselineRun) and fail now"
                + " (\(passed ? "at most" : "more than") \(limit) allowed)"
            if !regressed.isEmpty {
                let shown = regressed.prefix(5).map(\.conversation).joined(separator: ", ")
                detail += ": " + shown + (regressed.count > 5 ? ", and \(regressed.count - 5) more" : "")
            }
            return GateResult(rule: description, passed: passed, detail: detail)
        case .maxRegression(let tolerance):
            guard let comparison else { return missingBaseline(noBaselineYet: noBaselineYet) }
            guard let delta = comparison.deltas[metric], let change = delta.delta else {
                return GateResult(rule: description, passed: false,
                                  detail: "\(metric) could not be compared with \(comparison.baselineRun) (no paired, labeled turns)")
            }
            // Express the change so that positive is always worse, whatever the metric's direction.
            let lowerIsBetter = MetricName.isLowerBetter(metric)
            let worsening = lowerIsBetter ? change : -change
            let intervalShowsWorse: Bool
            if let low = delta.ciLow, let high = delta.ciHigh {
                intervalShowsWorse = lowerIsBetter ? low > 0 : high < 0
            } else {
                intervalShowsWorse = false
            }
            let interval = delta.ciLow.flatMap { low in delta.ciHigh.map { "[\(Self.signed(low)), \(Self.signed($0))]" } } ?? "[no interval]"
            let regressed = worsening > tolerance && intervalShowsWorse
            let verdict = regressed
                ? "regression beyond \(Self.format(tolerance)) with an interval excluding 0"
                : (worsening > tolerance ? "drop beyond \(Self.format(tolerance)) but its interval includes 0" : "within tolerance")
            return GateResult(rule: description, passed: !regressed,
                              detail: "\(metric) changed \(Self.signed(change)) \(interval) vs \(comparison.baselineRun): \(verdict)")
        }
    }

    private func missingBaseline(noBaselineYet: Bool) -> GateResult {
        noBaselineYet
            ? GateResult(rule: description, passed: true, detail: "skipped: no baseline yet (no earlier complete run)", skipped: true)
            : GateResult(rule: description, passed: false, detail: "no baseline to compare with; pass --baseline RUN|latest")
    }

    static func format4(_ value: Double) -> String { String(format: "%.4f", value) }
    static func signed(_ value: Double) -> String { String(format: "%+.4f", value) }
}

/// The outcome of one gate.
public struct GateResult: Sendable, Hashable, Codable {
    /// The rule as written, e.g. `fail-under intent_accuracy=0.85`.
    public var rule: String
    /// Whether the gate passed.
    public var passed: Bool
    /// The measured value and why it passed or failed.
    public var detail: String
    /// The gate could not be checked and does not count (a regression gate on a first run with `latest`);
    /// `passed` is then true, so a skipped gate never fails a build.
    public var skipped: Bool

    /// A gate outcome.
    public init(rule: String, passed: Bool, detail: String, skipped: Bool = false) {
        self.rule = rule
        self.passed = passed
        self.detail = detail
        self.skipped = skipped
    }

    private enum CodingKeys: String, CodingKey { case rule, passed, detail, skipped }

    /// Decodes a gate; `skipped` is absent from results written before it existed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rule = try container.decode(String.self, forKey: .rule)
        passed = try container.decode(Bool.self, forKey: .passed)
        detail = try container.decode(String.self, forKey: .detail)
        skipped = try container.decodeIfPresent(Bool.self, forKey: .skipped) ?? false
    }
}
