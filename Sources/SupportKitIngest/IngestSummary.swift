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

    public init() {}

    /// Whether the run changed nothing in the store.
    public var isNoOp: Bool { written == 0 && removed == 0 }
}
