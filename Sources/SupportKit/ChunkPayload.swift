import Foundation

/// Collection names and payload keys that every store and reader agrees on.
public enum Collections {
    /// Knowledge-base chunks.
    public static let knowledge = "support_knowledge"
    /// Per-customer memory: interactions, open issues, preferences.
    public static let customerContext = "customer_context"

    /// The document facets (titles and tags) of a knowledge collection: `support_knowledge_facets`.
    public static func facets(of collection: String) -> String { collection + "_facets" }
}

/// Payload keys of a knowledge chunk point. Stable: VectorAI DB users filter on these.
public enum ChunkKey {
    public static let docId = "doc_id"
    public static let title = "title"
    public static let category = "category"
    public static let tags = "tags"
    public static let headingPath = "heading_path"
    public static let source = "source"
    public static let lineStart = "line_start"
    public static let lineEnd = "line_end"
    public static let anchor = "anchor"
    public static let url = "url"
    public static let text = "text"
    public static let position = "position"
    public static let contentHash = "content_hash"
}

extension CollectionSpec {
    /// A knowledge collection: filters on doc_id and category, full text over heading path and text.
    ///
    /// - Parameters:
    ///   - name: the collection's name, usually `Collections.knowledge`.
    ///   - embedder: the embedder of its chunks; the dimension is the embedder's.
    /// - Returns: a spec indexing `ChunkKey.docId` and `ChunkKey.category`, with full text over
    ///   `ChunkKey.headingPath` then `ChunkKey.text` (the heading path starts with the title).
    public static func knowledge(_ name: String, embedder: EmbedderFingerprint) -> CollectionSpec {
        CollectionSpec(
            name: name, dimension: embedder.dimension, embedder: embedder,
            indexedKeys: [ChunkKey.docId, ChunkKey.category], fullTextKeys: [ChunkKey.headingPath, ChunkKey.text])
    }
}

extension Chunk {
    /// The chunk as a store payload (everything but the vector).
    public var payload: Payload {
        var payload: Payload = [
            ChunkKey.docId: .string(docId),
            ChunkKey.title: .string(title),
            ChunkKey.category: .string(category),
            ChunkKey.tags: .list(tags.map { .string($0) }),
            ChunkKey.headingPath: .list(headingPath.map { .string($0) }),
            ChunkKey.source: .string(sourcePath),
            ChunkKey.lineStart: .integer(Int64(lineStart)),
            ChunkKey.lineEnd: .integer(Int64(lineEnd)),
            ChunkKey.anchor: .string(anchor),
            ChunkKey.text: .string(text),
            ChunkKey.position: .integer(Int64(position)),
            ChunkKey.contentHash: .string(contentHash),
        ]
        if let url { payload[ChunkKey.url] = .string(url) }
        return payload
    }

    /// Rebuilds a chunk from a stored point; nil when the payload is not a knowledge chunk.
    public init?(id: UUID, payload: Payload) {
        guard let docId = payload[ChunkKey.docId]?.stringValue,
              let text = payload[ChunkKey.text]?.stringValue
        else { return nil }
        self.init(
            id: id, docId: docId,
            title: payload[ChunkKey.title]?.stringValue ?? docId,
            category: payload[ChunkKey.category]?.stringValue ?? "",
            tags: payload[ChunkKey.tags]?.stringList ?? [],
            headingPath: payload[ChunkKey.headingPath]?.stringList ?? [],
            sourcePath: payload[ChunkKey.source]?.stringValue ?? "",
            lineStart: payload[ChunkKey.lineStart]?.intValue ?? 0,
            lineEnd: payload[ChunkKey.lineEnd]?.intValue ?? 0,
            anchor: payload[ChunkKey.anchor]?.stringValue ?? "",
            url: payload[ChunkKey.url]?.stringValue,
            text: text,
            position: payload[ChunkKey.position]?.intValue ?? 0)
    }
}
