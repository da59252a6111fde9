import Foundation
import SupportKit

extension AssistantConfiguration {
    /// A short hash of the settings that differ from the defaults (`assistant_config` in run fingerprints and
    /// `/readyz`): two runs whose `assistant:` sections ask for the same things get the same fingerprint, also across
    /// versions that add a setting with a default, so `runs compare` reports a configuration change only when there
    /// was one.
    public var settingsFingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let changed = (try? JSONSerialization.jsonObject(with: encoder.encode(self))).flatMap { mine in
            (try? JSONSerialization.jsonObject(with: encoder.encode(AssistantConfiguration()))).flatMap { Self.difference(mine, from: $0) }
        } ?? [String: Any]()
        let data = (try? JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
        return String(ContentHasher.hash(data).prefix(12))
    }

    /// What of `value` differs from `defaults`, key by key through nested objects; nil when nothing does.
    static func difference(_ value: Any, from defaults: Any) -> Any? {
        if let object = value as? [String: Any], let base = defaults as? [String: Any] {
            var changed: [String: Any] = [:]
            for (key, item) in object {
                let different: Any? = if let old = base[key] { difference(item, from: old) } else { item }
                if let different { changed[key] = different }
            }
            return changed.isEmpty ? nil : changed
        }
        let encoded = { (item: Any) in try? JSONSerialization.data(withJSONObject: [item], options: [.sortedKeys]) }
        return encoded(value) == encoded(defaults) ? nil : value
    }
}
