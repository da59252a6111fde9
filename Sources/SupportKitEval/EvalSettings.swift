import Foundation
import SupportKit
import Yams

/// The `eval:` section of `supportkit.yaml`. Command-line flags win over these; these win over defaults.
///
/// ```yaml
/// eval:
///   concurrency: 2
///   turn_timeout: 30          # seconds
///   resamples: 1000
///   seed: 42
///   results: reports/results.sqlite
///   report_dir: reports
///   baseline: latest
///   fail_under: {intent_accuracy: 0.8, recall@5: 0.7}
///   max_regression: {intent_accuracy: 0.02}
///   max_regressed_conversations: 0
///   slices: [file, category, profile.plan]
///   judge: {model: gpt-4o-mini}   # optional LLM judge: OPENAI_BASE_URL / base_url, OPENAI_API_KEY
/// ```
public struct EvalSettings: Sendable, Hashable {
    /// Conversations evaluated at the same time.
    public var concurrency: Int?
    /// Seconds per turn.
    public var turnTimeout: Double?
    /// Bootstrap resamples.
    public var resamples: Int?
    /// Bootstrap seed.
    public var seed: UInt64?
    /// The results database.
    public var results: String?
    /// The HTML report folder.
    public var reportDirectory: String?
    /// A run id, prefix or `latest` to compare every run with.
    public var baseline: String?
    /// Gate rules: floors (`fail_under`), then tolerated regressions (`max_regression`), each in the file's order,
    /// then `max_regressed_conversations`.
    public var gates: [GateRule]
    /// Fields to slice every metric by (`file`, `category`, `tag`, `intent`, `profile.FIELD`).
    public var slices: [String]
    /// `eval.answer`: how answers are judged (`similarity_threshold`, `reference_from_agent`).
    public var answer = AnswerCheck.Configuration()
    /// `eval.judge`: the optional LLM judge of answers; nil for none.
    public var judge: JudgeSettings?

    /// No settings: every value comes from flags or defaults.
    public init() {
        gates = []
        slices = []
    }

    /// Reads the `eval:` section of the settings file at `path`; empty settings when the file or the section
    /// is missing.
    ///
    /// - Throws: `InputError` at the offending key or value.
    public static func load(path: String) throws(InputError) -> EvalSettings {
        try EvalSettings(settings: try SettingsFile.load(path: path))
    }

    /// Reads the `eval:` section of a settings file (the shared settings reader); empty settings without one.
    ///
    /// - Throws: `InputError` at the offending key or value.
    public init(settings file: SettingsFile) throws(InputError) {
        self = try file.decode(EvalSettings.self, section: "eval")
    }
}

extension EvalSettings: SettingsSection {
    /// Where the `eval:` settings are described.
    public static let documentation = "docs/metrics.md"

    enum CodingKeys: String, CodingKey, CaseIterable {
        case concurrency, resamples, seed, results, baseline, slices, answer, judge
        case turnTimeout = "turn_timeout", reportDirectory = "report_dir", failUnder = "fail_under", maxRegression = "max_regression"
        case maxRegressedConversations = "max_regressed_conversations"
    }

    public static let knownKeys: [String: Set<String>] = [
        "": Set(CodingKeys.allCases.map(\.rawValue)),
        "answer": Set(AnswerCheck.Configuration.CodingKeys.allCases.map(\.rawValue)),
        "judge": Set(JudgeSettings.CodingKeys.allCases.map(\.rawValue)),
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency)
        turnTimeout = try c.decodeIfPresent(Double.self, forKey: .turnTimeout)
        resamples = try c.decodeIfPresent(Int.self, forKey: .resamples)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        results = try c.decodeIfPresent(String.self, forKey: .results)
        reportDirectory = try c.decodeIfPresent(String.self, forKey: .reportDirectory)
        baseline = try c.decodeIfPresent(String.self, forKey: .baseline)
        slices = try c.decodeIfPresent(TextList.self, forKey: .slices)?.values ?? []
        answer = try c.decodeIfPresent(AnswerCheck.Configuration.self, forKey: .answer) ?? AnswerCheck.Configuration()
        judge = try c.decodeIfPresent(JudgeSettings.self, forKey: .judge)
        let floors = try c.decodeIfPresent(MetricLimits.self, forKey: .failUnder)?.limits ?? []
        let drops = try c.decodeIfPresent(MetricLimits.self, forKey: .maxRegression)?.limits ?? []
        gates = floors.map { GateRule(metric: $0.metric, kind: .failUnder($0.value)) }
            + drops.map { GateRule(metric: $0.metric, kind: .maxRegression($0.value)) }
        if let limit = try c.decodeIfPresent(Int.self, forKey: .maxRegressedConversations) {
            gates.append(.maxRegressedConversations(limit))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(concurrency, forKey: .concurrency)
        try c.encodeIfPresent(turnTimeout, forKey: .turnTimeout)
        try c.encodeIfPresent(resamples, forKey: .resamples)
        try c.encodeIfPresent(seed, forKey: .seed)
        try c.encodeIfPresent(results, forKey: .results)
        try c.encodeIfPresent(reportDirectory, forKey: .reportDirectory)
        try c.encodeIfPresent(baseline, forKey: .baseline)
        if !slices.isEmpty { try c.encode(TextList(slices), forKey: .slices) }
        try c.encode(answer, forKey: .answer)
        try c.encodeIfPresent(judge, forKey: .judge)
        var floors: [(metric: String, value: Double)] = []
        var drops: [(metric: String, value: Double)] = []
        for gate in gates {
            switch gate.kind {
            case .failUnder(let floor): floors.append((gate.metric, floor))
            case .maxRegression(let drop): drops.append((gate.metric, drop))
            case .maxRegressedConversations(let limit): try c.encode(limit, forKey: .maxRegressedConversations)
            }
        }
        if !floors.isEmpty { try c.encode(MetricLimits(limits: floors), forKey: .failUnder) }
        if !drops.isEmpty { try c.encode(MetricLimits(limits: drops), forKey: .maxRegression) }
    }

    public func validate() throws(SettingProblem) {
        func number(_ value: Double?, _ key: String, _ range: ClosedRange<Double>, integer: Bool = false) throws(SettingProblem) {
            guard let value, !range.contains(value) else { return }
            let kind = integer ? "a whole number" : "a number"
            throw SettingProblem(
                key, "expected \(kind) from \(GateRule.format(range.lowerBound)) to \(GateRule.format(range.upperBound))",
                remedy: "write e.g. `\(key.split(separator: ".").last ?? ""): \(GateRule.format(range.lowerBound == 0 ? 1 : range.lowerBound))`")
        }
        try number(concurrency.map(Double.init), "concurrency", 1...64, integer: true)
        try number(turnTimeout, "turn_timeout", 0.001...86_400)
        try number(resamples.map(Double.init), "resamples", 0...100_000, integer: true)
        try number(seed.map(Double.init), "seed", 0...9.0e15, integer: true)
        try number(answer.similarityThreshold, "answer.similarity_threshold", 0...1)
        try number(judge?.timeoutSeconds, "judge.timeout_seconds", 0.1...3600)
        for text in [("results", results), ("report_dir", reportDirectory), ("baseline", baseline), ("judge.model", judge?.model)] where text.1?.isEmpty == true {
            throw SettingProblem(text.0, "expected a text value", remedy: "write `\(text.0.split(separator: ".").last ?? ""): value`")
        }
        for (index, name) in slices.enumerated() {
            if let problem = SliceField.problem(name) { throw SettingProblem("slices.\(index)", problem, remedy: SliceField.remedy) }
        }
        for gate in gates {
            let key: String
            switch gate.kind {
            case .failUnder: key = "fail_under.\(gate.metric)"
            case .maxRegression: key = "max_regression.\(gate.metric)"
            case .maxRegressedConversations(let limit):
                try number(Double(limit), "max_regressed_conversations", 0...1e9, integer: true)
                continue
            }
            guard MetricName.isKnown(gate.metric) else {
                throw SettingProblem(key, "unknown metric", remedy: "expected one of \(MetricName.all.joined(separator: ", "))")
            }
            if let problem = gate.rangeProblem { throw SettingProblem(key, problem, remedy: "fix the value") }
        }
    }
}

/// `fail_under` or `max_regression`: metric names to limits, in the file's order.
struct MetricLimits: Codable {
    var limits: [(metric: String, value: Double)]

    init(limits: [(metric: String, value: Double)]) { self.limits = limits }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: MetricKey.self)
        limits = try c.allKeys.map { ($0.stringValue, try c.decode(Double.self, forKey: $0)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: MetricKey.self)
        for limit in limits { try c.encode(limit.value, forKey: MetricKey(stringValue: limit.metric)) }
    }

    struct MetricKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension EvalSettings {
    /// `file` rules, with a rule from `flags` replacing the file's rule of the same kind on the same metric.
    public static func merge(file: [GateRule], flags: [GateRule]) -> [GateRule] {
        func sameSlot(_ a: GateRule, _ b: GateRule) -> Bool {
            guard a.metric == b.metric else { return false }
            switch (a.kind, b.kind) {
            case (.failUnder, .failUnder), (.maxRegression, .maxRegression),
                 (.maxRegressedConversations, .maxRegressedConversations): return true
            default: return false
            }
        }
        return file.filter { rule in !flags.contains { sameSlot($0, rule) } } + flags
    }
}
