/// Decides, offline and deterministically, whether the sources an answer was given support what it says.
///
/// The answer is split into claims (sentences, list items); questions back to the customer and pleasantries are
/// left out. Each claim gets a support in [0, 1]: the weighted share of its words found in the sources (stems,
/// so inflection does not matter; function words count half, numbers double), blended with the same share
/// against the single best-matching source sentence, so words picked from unrelated passages count for less.
/// Then the fact check: every number, amount, duration, percentage, time, date, link, e-mail address, phone
/// number and name in the claim must appear, compatibly, in the sources ("1 hour" agrees with "60 minutes",
/// "14 days" does not), and a word the sources only negate must not be affirmed, nor the reverse ("can be
/// restored" against "cannot be restored"). A claim with a fact that disagrees gets `factPenalty` times its support. The answer's score is
/// the mean support of its claims weighted by their length.
///
/// Measured on the BEGIN development splits (`scripts/measure-groundedness.sh`): see the README.
public struct GroundednessChecker: Sendable {
    /// Thresholds and weights; the defaults are the ones measured in the README.
    public struct Configuration: Sendable, Hashable, Codable {
        /// An answer is `supported` when its score reaches this and no claim has a conflicting fact.
        public var threshold: Double
        /// A claim whose support is below this is listed as unsupported.
        public var claimThreshold: Double
        /// The factor on the support of a claim with a conflicting fact. Such a claim is listed as unsupported
        /// and its answer is never `supported` whatever this factor; it only decides how far the score drops.
        public var factPenalty: Double
        /// The score of an answer with no claim at all (only questions or pleasantries): nothing in it could be
        /// confirmed, and nothing contradicted.
        public var noClaimScore: Double

        /// - Parameters:
        ///   - threshold: the score an answer needs to be `supported` (0.75: the most accurate cut on each BEGIN
        ///     development split).
        ///   - claimThreshold: the support a claim needs not to be listed as unsupported (0.75, the same cut).
        ///   - factPenalty: the factor on a claim with a conflicting fact (0.5).
        ///   - noClaimScore: the score of an answer without claims (0.5).
        public init(threshold: Double = 0.75, claimThreshold: Double = 0.75, factPenalty: Double = 0.5,
                    noClaimScore: Double = 0.5) {
            self.threshold = threshold
            self.claimThreshold = claimThreshold
            self.factPenalty = factPenalty
            self.noClaimScore = noClaimScore
        }
    }

    /// The thresholds and weights in use.
    public let configuration: Configuration

    /// - Parameter configuration: thresholds and weights.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The verdict on `response` given the `sources` it was based on (retrieved chunks, knowledge snippets).
    public func check(response: String, sources: [String]) -> GroundednessVerdict {
        check(response: response, sources: GroundingSources(sources))
    }

    /// The verdict on `response` against sources prepared once (several answers, one knowledge base).
    ///
    /// - Parameter notices: markers of the assistant's notices about its own actions (the id of the ticket the
    ///   turn opened): a sentence holding one is not judged against the sources.
    public func check(response: String, sources: GroundingSources, notices: [String] = []) -> GroundednessVerdict {
        var claims: [ClaimVerdict] = []
        var weightedSupport = 0.0
        var totalLength = 0.0
        var hasConflict = false
        for piece in ClaimSplitter.pieces(of: response, notices: notices) where piece.skipped == nil {
            let verdict = judge(claim: piece.text, sources: sources)
            claims.append(verdict.claim)
            weightedSupport += verdict.claim.support * Double(verdict.length)
            totalLength += Double(verdict.length)
            hasConflict = hasConflict || verdict.hasConflict
        }
        let score = totalLength > 0 ? weightedSupport / totalLength : configuration.noClaimScore
        return GroundednessVerdict(score: score, supported: score >= configuration.threshold && !hasConflict,
                                   claims: claims)
    }

    private struct Judgement {
        var claim: ClaimVerdict
        var length: Int
        var hasConflict: Bool
    }

    private func judge(claim text: String, sources: GroundingSources) -> Judgement {
        let tokens = GroundingTokenizer.tokens(text)
        var conflicts: [String] = []
        // A fact the sources state counts as found however it is worded ("1 hour" against "60 minutes").
        var factTokens = Set<Int>()
        // Names: every capitalized word but the first of the claim.
        let nameIndices = Set(tokens.indices.dropFirst())
        for fact in GroundingFactExtractor.facts(in: text, tokens: tokens, namesFromIndex: nameIndices) {
            if sources.supports(fact) {
                if let span = fact.span { factTokens.formUnion(span) }
            } else {
                conflicts.append(sources.reason(for: fact))
            }
        }
        var total = 0.0
        var found = 0.0
        var missing: [String] = []
        for (index, token) in tokens.enumerated() {
            let weight = Self.weight(token)
            total += weight
            if sources.keys.contains(token.key) || factTokens.contains(index) {
                found += weight
            } else if !token.isStopword, !missing.contains(token.text) {
                missing.append(token.text)
            }
        }
        let overall = total > 0 ? found / total : 0
        let best = sources.bestSentenceShare(of: tokens, weight: Self.weight, covered: factTokens)
        var support = 0.7 * overall + 0.3 * best

        conflicts += sources.polarityConflicts(claim: text, tokens: tokens)
        if !conflicts.isEmpty { support *= configuration.factPenalty }

        var reason: String?
        if !conflicts.isEmpty {
            reason = conflicts.joined(separator: "; ")
        } else if support < configuration.claimThreshold {
            let quoted = missing.prefix(6).map { "\"\($0)\"" }.joined(separator: ", ")
            reason = missing.isEmpty
                ? "only \(Int((support * 100).rounded()))% of its wording is in the sources"
                : "\(Int((support * 100).rounded()))% of its wording is in the sources; not found: \(quoted)"
        }
        return Judgement(claim: ClaimVerdict(text: text, support: support, reason: reason),
                         length: tokens.count, hasConflict: !conflicts.isEmpty)
    }

    /// How much a word counts in the overlap: function words half, numbers double (a wrong number matters).
    static func weight(_ token: GroundingToken) -> Double {
        token.isStopword ? 0.5 : token.isNumeric ? 2 : 1
    }
}

/// The verdict on one answer.
public struct GroundednessVerdict: Sendable, Hashable, Codable {
    /// The length-weighted mean support of the answer's claims, in [0, 1] (higher is better supported).
    public var score: Double
    /// Whether the score reaches the threshold and no claim has a conflicting fact.
    public var supported: Bool
    /// Every claim with its support and, when unsupported, the reason.
    public var claims: [ClaimVerdict]

    /// The claims the sources do not support.
    public var unsupported: [ClaimVerdict] { claims.filter { $0.reason != nil } }

    /// - Parameters:
    ///   - score: the answer's score in [0, 1].
    ///   - supported: the verdict at the threshold.
    ///   - claims: the claims.
    public init(score: Double, supported: Bool, claims: [ClaimVerdict]) {
        self.score = score
        self.supported = supported
        self.claims = claims
    }
}

/// One claim of an answer and how well the sources support it.
public struct ClaimVerdict: Sendable, Hashable, Codable {
    /// The sentence or list item.
    public var text: String
    /// Its support in [0, 1].
    public var support: Double
    /// Why it is unsupported (`"14 days" not in any source; sources say "60 minutes"`), or nil when supported.
    public var reason: String?

    /// - Parameters:
    ///   - text: the claim.
    ///   - support: its support.
    ///   - reason: why it is unsupported, nil when it is supported.
    public init(text: String, support: Double, reason: String?) {
        self.text = text
        self.support = support
        self.reason = reason
    }
}
