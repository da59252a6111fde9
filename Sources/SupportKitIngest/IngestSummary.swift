import SupportKit

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
