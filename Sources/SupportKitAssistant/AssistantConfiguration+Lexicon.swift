import Foundation
import SupportKit

extension AssistantConfiguration {
    /// Changes to the built-in phrase lists (`assistant.lexicon`), applied with ``SupportLexicon/applying(_:)``.
    ///
    /// Each list takes either a YAML list, which extends the built-in one, or a mapping with `add:`, `remove:`
    /// and `replace:` (a whole new list instead of the built-in one, then `add` and `remove` on it). Phrases are
    /// matched on word boundaries, lower-cased (see ``SupportLexicon``).
    public struct Lexicon: Sendable, Hashable, Codable {
        /// One list's changes.
        public struct Edit: Sendable, Hashable, Codable {
            /// Phrases added to the list.
            public var add: [String]
            /// Phrases taken out of the list.
            public var remove: [String]
            /// A list used instead of the built-in one, when set.
            public var replace: [String]?

            /// A change; the default changes nothing.
            public init(add: [String] = [], remove: [String] = [], replace: [String]? = nil) {
                self.add = add
                self.remove = remove
                self.replace = replace
            }

            /// `list` with the change applied, without duplicates, in order.
            public func applied(to list: [String]) -> [String] {
                let removed = Set(remove.map(Self.normalized))
                var seen = Set<String>()
                return ((replace ?? list) + add).map(Self.normalized)
                    .filter { !$0.isEmpty && !removed.contains($0) && seen.insert($0).inserted }
            }

            /// Phrases are matched lower-case, on normalized words.
            static func normalized(_ phrase: String) -> String {
                FrustrationDetector.normalizedWords(phrase).joined(separator: " ")
            }

            enum CodingKeys: String, CodingKey, CaseIterable { case add, remove, replace }

            public init(from decoder: any Decoder) throws {
                if let list = try? decoder.singleValueContainer().decode([String].self) {
                    self.init(add: list)
                    return
                }
                let c = try decoder.container(keyedBy: AnyKey.self)
                for key in c.allKeys where CodingKeys(rawValue: key.stringValue) == nil {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: c,
                        debugDescription: "unknown key \"\(key.stringValue)\"; expected a list of phrases or a mapping with add, remove, replace")
                }
                let keyed = try decoder.container(keyedBy: CodingKeys.self)
                self.init(
                    add: try keyed.decodeIfPresent([String].self, forKey: .add) ?? [],
                    remove: try keyed.decodeIfPresent([String].self, forKey: .remove) ?? [],
                    replace: try keyed.decodeIfPresent([String].self, forKey: .replace))
            }
        }

        /// Signs of an account takeover or fraud.
        public var security: Edit
        /// Words that make a security phrase about the customer's account or money.
        public var securityContext: Edit
        /// Strong negative words and demands for a person.
        public var frustration: Edit
        /// "It works now", "that fixed it".
        public var resolution: Edit
        /// Words that turn a resolution phrase around.
        public var resolutionNegations: Edit
        /// "Still", "again", "didn't work".
        public var persistence: Edit
        /// "Third time", "keeps happening".
        public var repeatClaims: Edit
        /// "Yes please", "go ahead".
        public var affirmations: Edit
        /// Small talk by kind: greeting, thanks, goodbye, identity, capabilities, opening.
        public var smallTalk: [SmallTalk.Kind: Edit]
        /// Words small talk may carry without becoming a request.
        public var smallTalkFillers: Edit

        /// Lexicon changes; the default keeps the built-in lists.
        public init(
            security: Edit = .init(), securityContext: Edit = .init(), frustration: Edit = .init(), resolution: Edit = .init(),
            resolutionNegations: Edit = .init(), persistence: Edit = .init(), repeatClaims: Edit = .init(),
            affirmations: Edit = .init(), smallTalk: [SmallTalk.Kind: Edit] = [:], smallTalkFillers: Edit = .init()
        ) {
            self.security = security
            self.securityContext = securityContext
            self.frustration = frustration
            self.resolution = resolution
            self.resolutionNegations = resolutionNegations
            self.persistence = persistence
            self.repeatClaims = repeatClaims
            self.affirmations = affirmations
            self.smallTalk = smallTalk
            self.smallTalkFillers = smallTalkFillers
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case security, frustration, resolution, persistence, affirmations
            case securityContext = "security_context"
            case resolutionNegations = "resolution_negations"
            case repeatClaims = "repeat_claims"
            case smallTalk = "small_talk"
            case smallTalkFillers = "small_talk_fillers"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func edit(_ key: CodingKeys) throws -> Edit { try c.decodeIfPresent(Edit.self, forKey: key) ?? Edit() }
            security = try edit(.security)
            securityContext = try edit(.securityContext)
            frustration = try edit(.frustration)
            resolution = try edit(.resolution)
            resolutionNegations = try edit(.resolutionNegations)
            persistence = try edit(.persistence)
            repeatClaims = try edit(.repeatClaims)
            affirmations = try edit(.affirmations)
            smallTalkFillers = try edit(.smallTalkFillers)
            smallTalk = [:]
            if c.contains(.smallTalk) {
                let kinds = try c.nestedContainer(keyedBy: AnyKey.self, forKey: .smallTalk)
                for key in kinds.allKeys {
                    guard let kind = SmallTalk.Kind(rawValue: key.stringValue) else {
                        throw DecodingError.dataCorruptedError(
                            forKey: key, in: kinds,
                            debugDescription: "unknown small-talk kind \"\(key.stringValue)\"; expected one of \(SmallTalk.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    smallTalk[kind] = try kinds.decode(Edit.self, forKey: key)
                }
            }
        }
    }
}

/// Small-talk kinds key `assistant.lexicon.small_talk` by name.
extension SmallTalk.Kind: CodingKeyRepresentable {}

/// A coding key for mappings whose keys are data (small-talk kinds) or checked by hand.
struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension SupportLexicon {
    /// This lexicon with the changes of `assistant.lexicon` applied.
    public func applying(_ edits: AssistantConfiguration.Lexicon) -> SupportLexicon {
        var lexicon = self
        lexicon.securityPhrases = edits.security.applied(to: securityPhrases)
        lexicon.securityContext = edits.securityContext.applied(to: securityContext)
        lexicon.frustrationPhrases = edits.frustration.applied(to: frustrationPhrases)
        lexicon.resolutionPhrases = edits.resolution.applied(to: resolutionPhrases)
        lexicon.resolutionNegations = edits.resolutionNegations.applied(to: resolutionNegations)
        lexicon.persistencePhrases = edits.persistence.applied(to: persistencePhrases)
        lexicon.repeatClaims = edits.repeatClaims.applied(to: repeatClaims)
        lexicon.affirmations = edits.affirmations.applied(to: affirmations)
        lexicon.smallTalkFillers = Set(edits.smallTalkFillers.applied(to: smallTalkFillers.sorted()))
        for (kind, edit) in edits.smallTalk {
            lexicon.smallTalk[kind] = edit.applied(to: smallTalk[kind] ?? [])
        }
        return lexicon
    }
}
