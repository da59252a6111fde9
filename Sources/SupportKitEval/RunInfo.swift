import Foundation

/// One evaluation run as the results database records it: what was evaluated, with what, and how it ended.
public struct RunInfo: Sendable, Hashable, Codable {
    /// How far a run got.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Started and not finished (still going, or interrupted: `--resume` finishes it).
        case running
        /// Every turn was recorded and the metrics were stored.
        case complete
    }

    /// Sortable and typeable: `20261125-013000-3fa2` (UTC start time and a random suffix).
    public var id: String
    /// When the run started.
    public var startedAt: Date
    /// When its metrics were stored; nil while running.
    public var finishedAt: Date?
    /// Running (or interrupted) or complete.
    public var status: Status
    /// `EvalSuite.hash` of the conversations evaluated: runs with different hashes evaluate different things.
    public var suiteHash: String
    /// Suite files or folders as given on the command line.
    public var suitePaths: [String]
    /// Conversations in the suite.
    public var conversationCount: Int
    /// Turns in the suite.
    public var turnCount: Int
    /// What produced the answers: see `FingerprintKey` for the well-known keys.
    public var fingerprints: [String: String]
    /// Seed of the bootstrap.
    public var seed: UInt64
    /// Conversations evaluated at the same time.
    public var concurrency: Int
    /// Seconds one turn may take before it is recorded as timed out.
    public var turnTimeout: Double
    /// The run this one was compared with, when any.
    public var baselineRun: String?
    /// What the knowledge base held when the run started (expected articles it lacked, each document's category
    /// and tags); nil when it could not be read (`eval --target`, or no store yet). Failure attribution reads it.
    public var knowledge: KnowledgeFacts?
    /// The fields every metric is sliced by (`eval.slices`, `--slice`).
    public var slices: [String]

    /// A run record.
    public init(
        id: String, startedAt: Date, finishedAt: Date? = nil, status: Status = .running, suiteHash: String,
        suitePaths: [String], conversationCount: Int, turnCount: Int, fingerprints: [String: String], seed: UInt64,
        concurrency: Int, turnTimeout: Double, baselineRun: String? = nil, knowledge: KnowledgeFacts? = nil,
        slices: [String] = []
    ) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.suiteHash = suiteHash
        self.suitePaths = suitePaths
        self.conversationCount = conversationCount
        self.turnCount = turnCount
        self.fingerprints = fingerprints
        self.seed = seed
        self.concurrency = concurrency
        self.turnTimeout = turnTimeout
        self.baselineRun = baselineRun
        self.knowledge = knowledge
        self.slices = slices
    }

    /// A new run id for a run starting at `date`.
    public static func makeID(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return formatter.string(from: date) + "-" + String(repeating: "0", count: 4 - suffix.count) + suffix
    }

    /// Fingerprint differences that make two runs measure different things, as `key: a -> b` lines.
    /// Empty when the runs are comparable.
    public func incompatibilities(with other: RunInfo) -> [String] {
        var differences: [String] = []
        if suiteHash != other.suiteHash {
            differences.append("suite: \(suiteHash.prefix(12)) -> \(other.suiteHash.prefix(12))")
        }
        return differences
    }

    /// Fingerprint differences that explain a change but do not make runs incomparable
    /// (a new embedder or classifier is exactly what a comparison is for).
    public func fingerprintChanges(to other: RunInfo) -> [String] {
        Set(fingerprints.keys).union(other.fingerprints.keys).sorted().compactMap { key in
            let before = fingerprints[key] ?? "-", after = other.fingerprints[key] ?? "-"
            return before == after ? nil : "\(key): \(before) -> \(after)"
        }
    }
}

/// Well-known keys of `RunInfo.fingerprints`.
public enum FingerprintKey {
    /// The embedder fingerprint, `name@version/dimension`.
    public static let embedder = "embedder"
    /// The intent classifier, e.g. `logreg@1:9f2c…`.
    public static let classifier = "classifier"
    /// The store URL (never with credentials).
    public static let store = "store"
    /// A hash of the knowledge collection's chunks (ids and content hashes).
    public static let corpusHash = "corpus_hash"
    /// A hash of the effective settings.
    public static let config = "config"
    /// `git rev-parse HEAD` of the working tree, when it is a repository.
    public static let gitCommit = "git_commit"
    /// The supportkit version that ran the evaluation.
    public static let toolVersion = "tool_version"
}
