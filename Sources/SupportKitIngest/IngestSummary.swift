import SupportKit
import SupportKitParsing

/// What an ingest did (or, with `--dry-run`, would do).
public struct IngestSummary: Sendable, Codable {
    public struct Counts: Sendable, Codable, Hashable {
        public var added = 0
        public var changed = 0
        public var unchanged = 0
        public var deleted = 0
        public var failed = 0

        public init() {}
    }

    public var documents = Counts()
    public var chunks = Counts()
    /// Chunks over the token budget: a code block or a question-answer pair kept whole.
    public var chunksOversize = 0
    /// Pages the front matter marks as not published (`draft: true`, `hidden: true`, `published: false`).
    public var documentsSkipped = 0
    /// Files left out by `ingest.include` / `ingest.exclude`.
    public var filesExcluded = 0
    /// Static-site markup (Liquid, kramdown, Hugo, MDX, admonition markers, scripts) removed from parsed files.
    public var markup = MarkupCounts()
    /// Texts sent to the embedder: chunks and document facets (cache hits excluded).
    public var embedded = 0
    /// Points written to the store: chunks and document facets.
    public var written = 0
    /// Of `written`, the document facets (titles and tags) written to the facet collection.
    public var facetsWritten = 0
    /// Points deleted from the store.
    public var removed = 0
    public var errors: [InputError] = []
    public var dryRun = false
    public var files = 0
    /// Files whose bytes matched the last ingest and were not parsed again.
    public var filesSkipped = 0
    public var bytesParsed = 0
    public var seconds = 0.0
    /// Ids of documents per plan action, for `--dry-run` listings.
    public var plan: [String: [String]] = [:]
    /// Set when the run deletes (or, stopped, would delete) more than half of the collection's documents.
    public var massDeletion: MassDeletion?

    /// A deletion large enough that the run asks for `--allow-mass-delete` before doing it.
    public struct MassDeletion: Sendable, Codable, Hashable {
        /// Documents the run deletes.
        public var documents: Int
        /// Documents the collection holds before the run.
        public var of: Int
        /// Whether the run was allowed to go ahead.
        public var allowed: Bool

        public init(documents: Int, of: Int, allowed: Bool) {
            self.documents = documents
            self.of = of
            self.allowed = allowed
        }

        /// What happened or would happen, and what to do.
        public var explanation: String {
            let what = "\(documents) of the collection's \(of) documents (more than half)"
            return allowed
                ? "deleting \(what): --allow-mass-delete was given"
                : "this run would delete \(what): their files are gone from the paths given, or no longer hold them; "
                    + "nothing was deleted. Check the paths (run with --dry-run to see the plan), then pass --allow-mass-delete to go ahead"
        }
    }

    public init() {}

    /// Whether the run changed nothing in the store.
    public var isNoOp: Bool { written == 0 && removed == 0 }
}

extension IngestSummary {
    /// The errors for people: each on its own line, except that an error several documents share (the same
    /// field, problem and remedy: `category: unknown category "x"; expected one of ...`) is one line,
    /// `53 documents: category: ...; ... (first 3: a.md:3:11, b.md:3:11, c.md:3:11)`, in order of first appearance.
    /// `--json` keeps every error.
    ///
    /// - Parameter threshold: how many documents share an error before it is summarized.
    public func summarizedErrors(threshold: Int = 3) -> [String] {
        struct Key: Hashable { var field, problem, remedy: String }
        var groups: [Key: [InputError]] = [:]
        var order: [Key] = []
        for error in errors {
            let key = Key(field: error.field, problem: error.problem, remedy: error.remedy)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(error)
        }
        var lines: [String] = []
        for key in order {
            let group = groups[key] ?? []
            guard group.count >= threshold else {
                lines.append(contentsOf: group.map(\.description))
                continue
            }
            let first = group.prefix(3).map { $0.location.description }.joined(separator: ", ")
            lines.append("\(group.count) documents: \(key.field): \(key.problem); \(key.remedy) (first 3: \(first))")
        }
        return lines
    }
}
