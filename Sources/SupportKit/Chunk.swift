import Foundation

/// A retrievable piece of a document: one section, or one budget-sized part of a long section.
public struct Chunk: Sendable, Hashable, Codable {
    /// Deterministic UUIDv5 of (document id, heading path, position within the section).
    public var id: UUID
    public var docId: String
    public var title: String
    public var category: String
    public var tags: [String]
    /// Headings from the title down to this chunk's section: `["Refunds", "Timeline", "Cards"]`.
    public var headingPath: [String]
    public var sourcePath: String
    public var lineStart: Int
    public var lineEnd: Int
    /// Deep link to the section: the document url (or source path) with a `#slug` of the section heading.
    public var anchor: String
    public var url: String?
    /// The chunk's own text, without the heading path.
    public var text: String
    /// Index of this chunk within its section (0 for the first piece).
    public var position: Int

    public init(
        id: UUID, docId: String, title: String, category: String, tags: [String], headingPath: [String],
        sourcePath: String, lineStart: Int, lineEnd: Int, anchor: String, url: String?, text: String,
        position: Int
    ) {
        self.id = id
        self.docId = docId
        self.title = title
        self.category = category
        self.tags = tags
        self.headingPath = headingPath
        self.sourcePath = sourcePath
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.anchor = anchor
        self.url = url
        self.text = text
        self.position = position
    }

    /// `Title > Section > Subsection`.
    public var headingPathText: String { headingPath.joined(separator: " > ") }

    /// What the embedder sees: the heading path gives a short passage the context of its article.
    public var embeddingText: String { headingPathText + "\n" + text }

    /// Hash of everything stored for this chunk; a chunk whose hash changed is rewritten.
    public var contentHash: String {
        var hasher = ContentHasher()
        hasher.combine(docId)
        hasher.combine(title)
        hasher.combine(category)
        hasher.combine(joining: tags, separator: "\u{1F}")
        hasher.combine(joining: headingPath, separator: " > ")
        hasher.combine(sourcePath)
        hasher.combine("\(lineStart)-\(lineEnd)")
        hasher.combine(anchor)
        hasher.combine(url ?? "")
        hasher.combine(text)
        hasher.combine("\(position)")
        return hasher.finalize()
    }

    /// The deterministic id of the chunk at `position` in the section reached by `headingPath` of `docId`.
    ///
    /// Ids depend only on the document, the section and the position inside it, so editing one section
    /// never renames the chunks of another.
    public static func makeID(docId: String, headingPath: [String], position: Int) -> UUID {
        UUID.v5(namespace: .supportKitChunks, name: docId + "\u{1F}" + headingPath.joined(separator: "\u{1F}") + "\u{1F}\(position)")
    }
}
