/// What a turn's answer text must (or must not) say, from a suite's `expect.answer`.
///
/// Every field is optional; the turn's answer passes when every given one holds (see `AnswerCheck` in
/// SupportKitEval for how each is judged).
public struct AnswerExpectation: Sendable, Hashable, Codable {
    /// Phrases that must all appear (case- and whitespace-insensitive).
    public var contains: [String]
    /// Phrases that must not appear (case- and whitespace-insensitive).
    public var notContains: [String]
    /// A regular expression the answer must match somewhere.
    public var matches: String?
    /// Document ids that must be among the reply's cited sources.
    public var cites: [String]
    /// A reference answer the reply must agree with.
    public var similarTo: String?

    /// - Parameters:
    ///   - contains: phrases that must appear.
    ///   - notContains: phrases that must not appear.
    ///   - matches: a regular expression the answer must match.
    ///   - cites: document ids the reply must cite.
    ///   - similarTo: a reference answer.
    public init(contains: [String] = [], notContains: [String] = [], matches: String? = nil, cites: [String] = [],
                similarTo: String? = nil) {
        self.contains = contains
        self.notContains = notContains
        self.matches = matches
        self.cites = cites
        self.similarTo = similarTo
    }

    private enum CodingKeys: String, CodingKey {
        case contains, notContains = "not_contains", matches, cites, similarTo = "similar_to"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        contains = try container.decodeIfPresent([String].self, forKey: .contains) ?? []
        notContains = try container.decodeIfPresent([String].self, forKey: .notContains) ?? []
        matches = try container.decodeIfPresent(String.self, forKey: .matches)
        cites = try container.decodeIfPresent([String].self, forKey: .cites) ?? []
        similarTo = try container.decodeIfPresent(String.self, forKey: .similarTo)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !contains.isEmpty { try container.encode(contains, forKey: .contains) }
        if !notContains.isEmpty { try container.encode(notContains, forKey: .notContains) }
        try container.encodeIfPresent(matches, forKey: .matches)
        if !cites.isEmpty { try container.encode(cites, forKey: .cites) }
        try container.encodeIfPresent(similarTo, forKey: .similarTo)
    }
}
