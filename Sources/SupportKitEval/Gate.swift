import Foundation
import SupportKit

/// A CI rule on a run's metrics: a floor (`--fail-under`) or a tolerated regression (`--max-regression`).
public struct GateRule: Sendable, Hashable, CustomStringConvertible {
    /// What the rule checks.
    public enum Kind: Sendable, Hashable {
        /// The metric's value must be at least this (point estimate).
        case failUnder(Double)
        /// The metric may get worse than the baseline by at most this; a larger drop whose paired
        /// interval excludes zero fails.
        case maxRegression(Double)
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
    /// - Throws: `SupportKitError.invalidInput` naming the flag, the problem and the known metrics.
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
        if flag == "--max-regression" {
            guard value >= 0 else {
                throw SupportKitError(.invalidInput, "\(flag) \(text): the tolerated drop must be 0 or more")
            }
            return GateRule(metric: metric, kind: .maxRegression(value))
        }
        return GateRule(metric: metric, kind: .failUnder(value))
    }

    /// `fail-under intent_accuracy=0.85`, as shown in reports and JUnit.
    public var description: String {
        switch kind {
        case .failUnder(let value): "fail-under \(metric)=\(Self.format(value))"
        case .maxRegression(let value): "max-regression \(metric)=\(Self.format(value))"
        }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e12 ? String(Int64(value)) : String(value)
    }

    /// Checks this rule against a run's metrics and, for regressions, its comparison with a baseline.
    ///
    /// A metric that could not be computed fails its gate: a gate that silently passes on missing data
    /// would let a broken suite through CI.
    public func evaluate(metrics: [String: MetricValue], comparison: BaselineComparison?) -> GateResult {
        switch kind {
        case .failUnder(let floor):
            guard let value = metrics[metric]?.value else {
                return GateResult(rule: description, passed: false, detail: "\(metric) has no value (no labeled, measured turns)")
            }
            let passed = value >= floor
            return GateResult(rule: description, passed: passed,
                              detail: "\(metric) = \(Self.format4(value)) \(passed ? ">=" : "<") \(Self.format(floor))")
        case .maxRegression(let tolerance):
            guard let comparison else {
                return GateResult(rule: description, passed: false, detail: "no baseline to compare with; pass --baseline RUN|latest")
            }
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

    /// A gate outcome.
    public init(rule: String, passed: Bool, detail: String) {
        self.rule = rule
        self.passed = passed
        self.detail = detail
    }
}
