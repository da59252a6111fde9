/// What a reply's `classifier` says of an LLM classifier, written by the classifier and read by evaluation:
/// `llm:MODEL` (it answered), `llm:MODEL (fallback: LOCAL; REASON)` (the local classifier answered for it),
/// `llm:MODEL (not asked: LOCAL)` (small talk, decided without it). The one home of that format.
public struct LLMClassifierUse: Hashable, Sendable {
    /// The local classifier answered because the model's answer was unusable or never came.
    public var fellBack: Bool
    /// Why, e.g. `timeout`, `malformed`, `http 503`; nil when it did not fall back.
    public var reason: String?

    private static let fallbackMarker = " (fallback: "
    private static let notAskedMarker = " (not asked: "

    /// The label of a turn the model classified.
    public static func answered(model: String) -> String { "llm:\(model)" }

    /// The label of a turn the `local` classifier answered because of `reason`.
    public static func fellBack(model: String, local: String, reason: String) -> String {
        answered(model: model) + fallbackMarker + "\(local); \(reason))"
    }

    /// The label of a turn decided without asking the model (small talk), labeled by `local`.
    public static func notAsked(model: String, local: String) -> String {
        answered(model: model) + notAskedMarker + "\(local))"
    }

    /// Reads a label; nil when no LLM classifier was asked (a local classifier, or small talk).
    public init?(_ classifier: String) {
        guard classifier.hasPrefix("llm:"), !classifier.contains(Self.notAskedMarker) else { return nil }
        guard let open = classifier.range(of: Self.fallbackMarker) else {
            fellBack = false
            reason = nil
            return
        }
        fellBack = true
        let detail = classifier[open.upperBound...].dropLast(classifier.hasSuffix(")") ? 1 : 0)
        reason = detail.range(of: "; ", options: .backwards).map { String(detail[$0.upperBound...]) }
    }
}
