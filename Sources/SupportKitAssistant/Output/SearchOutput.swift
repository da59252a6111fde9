import Foundation
import SupportKit

/// `supportkit search --json` (ARCHITECTURE.md's contract): `{"results": [{"chunk_id", "doc_id", "title",
/// "heading_path", "category", "score", "source", "line", "anchor", "text"}]}`, best first.
public struct SearchOutput: Encodable, Sendable {
    /// One ranked chunk.
    public struct Result: Encodable, Sendable {
        /// The chunk id.
        public var chunkId: String
        /// Its document.
        public var docId: String
        /// The document title.
        public var title: String
        /// The headings from the title down, as the store keeps them: `["Refunds", "Cards"]`.
        public var headingPath: [String]
        /// The document's category.
        public var category: String
        /// The ranking score, to four decimals.
        public var score: Double
        /// The source file, relative to the corpus root.
        public var source: String
        /// The chunk's first line in it.
        public var line: Int
        /// A deep link (URL with fragment) or the anchor.
        public var anchor: String
        /// The chunk's text.
        public var text: String

        private enum CodingKeys: String, CodingKey {
            case chunkId = "chunk_id", docId = "doc_id", title, headingPath = "heading_path", category, score, source, line, anchor, text
        }
    }

    /// The results, best first.
    public var results: [Result]

    /// The JSON form of a knowledge-base search.
    public init(_ hits: [KnowledgeBase.Hit]) {
        results = hits.map { hit in
            let chunk = hit.chunk
            return Result(
                chunkId: chunk.id.uuidString, docId: chunk.docId, title: chunk.title, headingPath: chunk.headingPath,
                category: chunk.category, score: (hit.score * 10_000).rounded() / 10_000, source: chunk.sourcePath,
                line: chunk.lineStart, anchor: chunk.anchor, text: chunk.text)
        }
    }
}
