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
    /// Gate rules, floors first, then tolerated regressions.
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

    static let keys = ["concurrency", "turn_timeout", "resamples", "seed", "results", "report_dir", "baseline", "fail_under", "max_regression",
                       "max_regressed_conversations", "slices", "answer", "judge"]
    static let judgeKeys = ["model", "base_url", "timeout_seconds"]
    static let answerKeys = ["similarity_threshold", "reference_from_agent"]

    /// Reads the `eval:` section of the settings file at `path`; empty settings when the file or the section
    /// is missing.
    ///
    /// - Throws: `InputError` at the offending key or value.
    public static func load(path: String) throws(InputError) -> EvalSettings {
        try EvalSettings(settings: try SettingsFile.load(path: path))
    }

    /// Reads the `eval:` section of a settings file; empty settings without one.
    ///
    /// - Throws: `InputError` at the offending key or value.
    public init(settings file: SettingsFile) throws(InputError) {
        guard let node = file.section("eval") else {
            self.init()
            return
        }
        let section = try SuiteNode.make(yaml: node, path: file.path)
        self = section.isNull ? EvalSettings() : try Self.parse(section)
    }

    static func parse(_ section: SuiteNode) throws(InputError) -> EvalSettings {
        guard case .map(let pairs, _) = section else {
            throw InputError(section.location, field: "eval", problem: "expected a mapping, found \(section.kindName)",
                             remedy: "indent the eval settings under `eval:`")
        }
        var settings = EvalSettings()
        for (key, value) in pairs {
            let field = "eval." + key
            switch key {
            case "concurrency": settings.concurrency = Int(try number(value, field: field, range: 1...64, integer: true))
            case "turn_timeout": settings.turnTimeout = try number(value, field: field, range: 0.001...86_400, integer: false)
            case "resamples": settings.resamples = Int(try number(value, field: field, range: 0...100_000, integer: true))
            case "seed": settings.seed = UInt64(try number(value, field: field, range: 0...9.0e15, integer: true))
            case "results": settings.results = try text(value, field: field)
            case "report_dir": settings.reportDirectory = try text(value, field: field)
            case "baseline": settings.baseline = try text(value, field: field)
            case "answer":
                guard case .map(let answerPairs, _) = value else {
                    throw InputError(value.location, field: field, problem: "expected a mapping",
                                     remedy: "write e.g. `answer: {similarity_threshold: 0.75, reference_from_agent: true}`")
                }
                for (answerKey, answerValue) in answerPairs {
                    let answerField = field + "." + answerKey
                    switch answerKey {
                    case "similarity_threshold":
                        settings.answer.similarityThreshold = try number(answerValue, field: answerField, range: 0...1, integer: false)
                    case "reference_from_agent":
                        guard case .bool(let flag, _, _) = answerValue else {
                            throw InputError(answerValue.location, field: answerField, problem: "expected true or false",
                                             remedy: "write `reference_from_agent: true`")
                        }
                        settings.answer.referenceFromAgent = flag
                    default:
                        throw InputError(answerValue.location, field: answerField, problem: "unknown setting",
                                         remedy: "expected one of \(answerKeys.joined(separator: ", "))")
                    }
                }
            case "judge":
                guard case .map(let judgePairs, _) = value else {
                    throw InputError(value.location, field: field, problem: "expected a mapping, found \(value.kindName)",
                                     remedy: "write e.g. `judge: {model: gpt-4o-mini}`")
                }
                var model: String?
                var judge = JudgeSettings(model: "")
                for (judgeKey, judgeValue) in judgePairs {
                    let judgeField = field + "." + judgeKey
                    switch judgeKey {
                    case "model": model = try text(judgeValue, field: judgeField)
                    case "base_url": judge.baseURL = try text(judgeValue, field: judgeField)
                    case "timeout_seconds": judge.timeoutSeconds = try number(judgeValue, field: judgeField, range: 0.1...3600, integer: false)
                    default:
                        throw InputError(judgeValue.location, field: judgeField, problem: "unknown setting",
                                         remedy: "expected one of \(judgeKeys.joined(separator: ", "))")
                    }
                }
                guard let model else {
                    throw InputError(value.location, field: field + ".model", problem: "missing",
                                     remedy: "name the judge's model, e.g. `judge: {model: gpt-4o-mini}`")
                }
                judge.model = model
                settings.judge = judge
            case "max_regressed_conversations":
                settings.gates.append(.maxRegressedConversations(Int(try number(value, field: field, range: 0...1e9, integer: true))))
            case "slices":
                let items: [SuiteNode]
                switch value {
                case .list(let list, _): items = list
                default: items = [value]
                }
                for item in items {
                    let name = try text(item, field: field)
                    if let problem = SliceField.problem(name) {
                        throw InputError(item.location, field: field, problem: problem, remedy: SliceField.remedy)
                    }
                    settings.slices.append(name)
                }
            case "fail_under", "max_regression":
                guard case .map(let rules, _) = value else {
                    throw InputError(value.location, field: field, problem: "expected a mapping of metric: value",
                                     remedy: "write e.g. `\(key): {intent_accuracy: 0.8}`")
                }
                for (metric, limit) in rules {
                    guard MetricName.isKnown(metric) else {
                        throw InputError(limit.location, field: "\(field).\(metric)", problem: "unknown metric",
                                         remedy: "expected one of \(MetricName.all.joined(separator: ", "))")
                    }
                    let bound = try number(limit, field: "\(field).\(metric)", range: key == "max_regression" ? 0...1e12 : -1e12...1e12, integer: false)
                    let rule = GateRule(metric: metric, kind: key == "fail_under" ? .failUnder(bound) : .maxRegression(bound))
                    if let problem = rule.rangeProblem {
                        throw InputError(limit.location, field: "\(field).\(metric)", problem: problem, remedy: "fix the value")
                    }
                    settings.gates.append(rule)
                }
            default:
                throw InputError(value.location, field: field, problem: "unknown setting", remedy: "expected one of \(keys.joined(separator: ", "))")
            }
        }
        return settings
    }

    private static func number(_ node: SuiteNode, field: String, range: ClosedRange<Double>, integer: Bool) throws(InputError) -> Double {
        guard case .number(let value, _, _) = node, range.contains(value), !integer || value.rounded() == value else {
            let kind = integer ? "a whole number" : "a number"
            throw InputError(node.location, field: field, problem: "expected \(kind) from \(GateRule.format(range.lowerBound)) to \(GateRule.format(range.upperBound))",
                             remedy: "write e.g. `\(field.split(separator: ".").last ?? ""): \(GateRule.format(range.lowerBound == 0 ? 1 : range.lowerBound))`")
        }
        return value
    }

    private static func text(_ node: SuiteNode, field: String) throws(InputError) -> String {
        guard let value = node.scalarText, !value.isEmpty else {
            throw InputError(node.location, field: field, problem: "expected a text value", remedy: "write `\(field.split(separator: ".").last ?? ""): value`")
        }
        return value
    }

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
