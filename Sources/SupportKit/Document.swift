import Foundation

/// A support article parsed from any source format, ready to be chunked.
///
/// Markdown, HTML and JSON parsers all produce this one model, so chunking, embedding and storage never
/// need to know where an article came from.
public struct Document: Sendable, Hashable, Codable {
    /// Stable document id: the front-matter/meta/JSON `id`, else the path relative to the corpus root
    /// without its extension (`billing/duplicate-charges`).
    public var id: String
    public var title: String
    public var category: String
    public var tags: [String]
    /// The public link to the article, when the source names one.
    public var url: String?
    /// The source file, relative to the corpus root (`billing/refunds.md`).
    public var sourcePath: String
    /// The article's content as structured blocks, in reading order.
    public var blocks: [Block]

    public init(
        id: String, title: String, category: String, tags: [String], url: String?,
        sourcePath: String, blocks: [Block]
    ) {
        self.id = id
        self.title = title
        self.category = category
        self.tags = tags
        self.url = url
        self.sourcePath = sourcePath
        self.blocks = blocks
    }

    /// A hash of everything that reaches the store: metadata and content.
    public var contentHash: String {
        var hasher = ContentHasher()
        hasher.combine(id)
        hasher.combine(title)
        hasher.combine(category)
        hasher.combine(joining: tags, separator: "\u{1F}")
        hasher.combine(url ?? "")
        hasher.combine(sourcePath)
        for block in blocks {
            hasher.combine(block.kind.hashTag)
            hasher.combine(block.text)
            hasher.combine("\(block.lineStart)-\(block.lineEnd)")
            for row in block.rows { hasher.combine(row) }
        }
        return hasher.finalize()
    }
}

/// One structural piece of an article's content.
public struct Block: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        /// A heading; `level` 1 to 6.
        case heading(level: Int)
        case paragraph
        /// A whole list, one item per line of `text` (items already prefixed with `-` or `1.`).
        case list
        /// Fenced or preformatted code; never split.
        case code(language: String?)
        /// A table: `text` is the header row, `rows` the body rows, each already readable
        /// (`Standard | 3-5 business days | $4.99`). Chunks split between rows and repeat the header.
        case table
        /// A question kept with its answer (`<details>`, `<dl>`): never split apart.
        case faq
        case quote

        var hashTag: String {
            switch self {
            case .heading(let level): "h\(level)"
            case .paragraph: "p"
            case .list: "list"
            case .code(let language): "code:\(language ?? "")"
            case .table: "table"
            case .faq: "faq"
            case .quote: "quote"
            }
        }
    }

    public var kind: Kind
    /// Readable text: inline markup removed, entities decoded.
    public var text: String
    /// Table body rows; empty for every other kind.
    public var rows: [String]
    /// 1-based line numbers in the source file that this block spans.
    public var lineStart: Int
    public var lineEnd: Int
    /// Where each part starts in the source file (1-based): for a list, each line of `text`; for a table, each
    /// of `rows`. Empty when the parser does not know; then every part reports the whole block's lines.
    public var partLines: [Int]

    public init(kind: Kind, text: String, rows: [String] = [], lineStart: Int, lineEnd: Int, partLines: [Int] = []) {
        self.kind = kind
        self.text = text
        self.rows = rows
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.partLines = partLines
    }

    /// The source lines of part `index` (a list line or a table row): from where it starts to just before the
    /// next part, clamped to the block; the whole block when the parts' lines are unknown.
    public func lines(ofPart index: Int, through last: Int? = nil) -> ClosedRange<Int> {
        let last = last ?? index
        guard index >= 0, index <= last, last < partLines.count else { return lineStart...max(lineStart, lineEnd) }
        let start = min(max(partLines[index], lineStart), lineEnd)
        let nextStart = last + 1 < partLines.count ? partLines[last + 1] - 1 : lineEnd
        return start...min(max(start, nextStart), lineEnd)
    }

    /// Whether this block opens a section.
    public var isHeading: Bool {
        if case .heading = kind { return true }
        return false
    }
}
