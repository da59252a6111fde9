import Foundation
import SupportKit

/// A field every metric can be sliced by (`eval.slices`, `--slice`): `file` (the suite file), `category` (the
/// expected category), `tag` (the tags of the expected documents), `intent` (the expected intent), or
/// `profile.KEY` (a `customer.profile` field).
public enum SliceField {
    /// The fields that are not a profile key.
    public static let fixed = ["file", "category", "tag", "intent"]

    /// How to write a valid field, for error messages.
    public static let remedy = "use file, category, tag, intent or profile.KEY (a customer.profile field)"

    /// Why `name` is not a slice field, or nil when it is one.
    public static func problem(_ name: String) -> String? {
        if fixed.contains(name) { return nil }
        if name.hasPrefix("profile."), name.count > "profile.".count { return nil }
        return "unknown slice field \"\(name)\""
    }
}

/// Every metric over the turns of one slice (`category = billing`, `profile.plan = premium`), with intervals.
public struct SliceMetrics: Sendable, Hashable {
    /// Slices with fewer turns than this carry a warning: their intervals are wide and their values jumpy.
    public static let minimumTurns = 30

    /// The slice field (`file`, `category`, `tag`, `intent`, `profile.KEY`).
    public var field: String
    /// The field's value for this slice.
    public var value: String
    /// Conversations with a turn in the slice.
    public var conversations: Int
    /// Turns in the slice.
    public var turns: Int
    /// Every metric over the slice's turns, with 95% bootstrap intervals over its conversations.
    public var metrics: [String: MetricValue]

    /// Whether the slice has fewer than `minimumTurns` turns.
    public var isSmall: Bool { turns < Self.minimumTurns }

    /// The slices of `records` along each of `fields`, in field order, values sorted (`(none)` last).
    ///
    /// - Parameters:
    ///   - records: a run's turns.
    ///   - conversations: where each conversation came from and its customer's profile (`ResultsStore.conversations`).
    ///   - knowledge: the knowledge base's facts (for `tag`: the tags of the expected documents).
    ///   - fields: slice fields; unknown ones are skipped.
    ///   - bootstrap: interval settings; nil for point estimates only.
    public static func compute(
        records: [TurnRecord], conversations: [ConversationInfo], knowledge: KnowledgeFacts?, fields: [String],
        bootstrap: Bootstrap?
    ) -> [SliceMetrics] {
        let info = Dictionary(conversations.map { ($0.conversationId, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [SliceMetrics] = []
        for field in fields where SliceField.problem(field) == nil {
            var groups: [String: [TurnRecord]] = [:]
            for record in records {
                for value in values(of: field, record: record, conversation: info[record.conversationId], knowledge: knowledge) {
                    groups[value, default: []].append(record)
                }
            }
            let none = "(none)"
            for value in groups.keys.sorted(by: { ($0 == none ? 1 : 0, $0) < ($1 == none ? 1 : 0, $1) }) {
                let subset = groups[value] ?? []
                let ids = EvalMetrics.orderedConversationIds(subset)
                result.append(SliceMetrics(
                    field: field, value: value, conversations: ids.count, turns: subset.count,
                    metrics: EvalMetrics.bootstrappedMetrics(records: subset, conversationIds: ids, bootstrap: bootstrap)))
            }
        }
        return result
    }

    /// The slice values a turn falls in along `field`: none for a turn-level field it is not labeled with, several
    /// for `tag` when its expected documents carry several tags.
    static func values(of field: String, record: TurnRecord, conversation: ConversationInfo?, knowledge: KnowledgeFacts?) -> [String] {
        switch field {
        case "file": return [conversation?.location?.path ?? "(none)"]
        case "category": return record.expected.category.map { [$0] } ?? []
        case "intent": return record.expected.intent.map { [$0] } ?? []
        case "tag":
            let tags = Set((record.expected.docs ?? []).flatMap { knowledge?.tags[$0] ?? [] })
            return tags.sorted()
        default:
            let key = String(field.dropFirst("profile.".count))
            return [conversation?.profile[key] ?? "(none)"]
        }
    }
}

/// A slice as JSON: `{"field", "value", "conversations", "turns", "small", "metrics": {NAME: {...}}}`.
public struct SliceOutput: Encodable, Sendable, Hashable {
    /// The slice field.
    public var field: String
    /// Its value.
    public var value: String
    /// Conversations in the slice.
    public var conversations: Int
    /// Turns in the slice.
    public var turns: Int
    /// Fewer than 30 turns: read with care.
    public var small: Bool
    /// Every metric.
    public var metrics: [String: MetricOutput]

    /// The JSON form of `slice`.
    public init(_ slice: SliceMetrics) {
        field = slice.field
        value = slice.value
        conversations = slice.conversations
        turns = slice.turns
        small = slice.isSmall
        metrics = MetricOutput.map(slice.metrics)
    }
}
