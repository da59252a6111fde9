import SupportKit
import SupportKitParsing

/// Splits a document into heading-aware chunks within a token budget.
///
/// Each section (a heading and the blocks up to the next heading of the same or a higher level) is chunked on
/// its own, so an edit in one section never changes the chunks, or the ids, of another. Inside a section,
/// blocks are packed up to `maxTokens`; a block that is too large is split at sentence, list-item or table-row
/// boundaries; code blocks are never split; table pieces repeat the table's header row; consecutive pieces
/// of a section overlap by up to `overlapTokens` of whole sentences or items.
public struct Chunker: Sendable {
    /// Chunking settings (`ingest:` in supportkit.yaml).
    public struct Configuration: Sendable, Hashable, Codable {
        /// Token budget of a chunk's text, heading path included. MiniLM reads 256 tokens at most.
        public var maxTokens: Int
        /// Tokens of context repeated from the end of one piece at the start of the next.
        public var overlapTokens: Int

        public init(maxTokens: Int = 200, overlapTokens: Int = 32) {
            self.maxTokens = maxTokens
            self.overlapTokens = overlapTokens
        }
    }

    public let configuration: Configuration
    public let tokenCounter: any TokenCounter

    public init(configuration: Configuration = Configuration(), tokenCounter: any TokenCounter) {
        self.configuration = configuration
        self.tokenCounter = tokenCounter
    }

    /// A piece of text that is never split further, with the lines it came from.
    struct Unit {
        var text: String
        var tokens: Int
        var lineStart: Int
        var lineEnd: Int
        /// Starts a new block: joined to the previous unit with a blank line rather than a line break.
        var startsBlock: Bool
        /// The header row to repeat when a piece starts inside this table.
        var tableHeader: String?
    }

    public func chunks(of document: Document) -> [Chunk] {
        var chunks: [Chunk] = []
        var headingStack: [(level: Int, text: String)] = []
        var sectionBlocks: [Block] = []
        var pathOccurrences: [[String]: Int] = [:]

        func flushSection() {
            guard sectionBlocks.contains(where: { !$0.isHeading }) else { sectionBlocks.removeAll(); return }
            let path = [document.title] + headingStack.map(\.text)
            // Two sections with the same heading path (two "FAQ"s) get distinct ids through an occurrence count.
            let occurrence = pathOccurrences[path, default: 0]
            pathOccurrences[path] = occurrence + 1
            let idPath = occurrence == 0 ? path : path + ["#\(occurrence + 1)"]
            let anchorBase = document.url ?? document.sourcePath
            let anchor = headingStack.last.map { anchorBase + "#" + Slug.make($0.text) } ?? anchorBase
            let pieces = pack(units(of: sectionBlocks.filter { !$0.isHeading }), headingPath: path)
            for (position, piece) in pieces.enumerated() {
                chunks.append(Chunk(
                    id: Chunk.makeID(docId: document.id, headingPath: idPath, position: position),
                    docId: document.id, title: document.title, category: document.category, tags: document.tags,
                    headingPath: path, sourcePath: document.sourcePath, lineStart: piece.lineStart,
                    lineEnd: piece.lineEnd, anchor: anchor, url: document.url, text: piece.text, position: position))
            }
            sectionBlocks.removeAll()
        }

        for block in document.blocks {
            if case .heading(let level) = block.kind {
                flushSection()
                while let top = headingStack.last, top.level >= level { headingStack.removeLast() }
                headingStack.append((level, block.text))
            }
            sectionBlocks.append(block)
        }
        flushSection()
        return chunks
    }

    // MARK: - Units

    func units(of blocks: [Block]) -> [Unit] {
        var units: [Unit] = []
        let budget = max(16, configuration.maxTokens - 24)
        for block in blocks {
            let first = units.count
            switch block.kind {
            case .code, .faq:
                // Code and question-answer pairs stay whole, even over budget.
                units.append(unit(block.text, block))
            case .table:
                let header = block.text
                if !header.isEmpty { units.append(unit(header, block)) }
                for row in block.rows {
                    var rowUnit = unit(row, block)
                    rowUnit.tableHeader = header.isEmpty ? nil : header
                    units.append(rowUnit)
                }
            case .list:
                for item in Self.listItems(in: block.text) {
                    units.append(contentsOf: splitIfNeeded(item, block, budget: budget))
                }
            case .paragraph, .quote, .heading:
                units.append(contentsOf: splitIfNeeded(block.text, block, budget: budget))
            }
            if first < units.count { units[first].startsBlock = true }
        }
        return units
    }

    /// A list block's top-level items, each with its nested lines (lines that start with a space).
    /// Empty lines end an item and are dropped.
    static func listItems(in text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var items: [String] = []
            var item: [UInt8] = []
            var lineStart = 0
            while lineStart <= bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                if lineEnd == lineStart || bytes[lineStart] != 0x20, !item.isEmpty {
                    items.append(String(decoding: item, as: UTF8.self))
                    item.removeAll(keepingCapacity: true)
                }
                if !item.isEmpty { item.append(0x0A) }
                item.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
                lineStart = lineEnd + 1
            }
            if !item.isEmpty { items.append(String(decoding: item, as: UTF8.self)) }
            return items
        }
    }

    private func unit(_ text: String, _ block: Block) -> Unit {
        Unit(text: text, tokens: tokenCounter.tokenCount(text), lineStart: block.lineStart, lineEnd: block.lineEnd,
             startsBlock: false, tableHeader: nil)
    }

    /// The text as one unit, or as sentences when it is over budget.
    private func splitIfNeeded(_ text: String, _ block: Block, budget: Int) -> [Unit] {
        let whole = unit(text, block)
        guard whole.tokens > budget else { return [whole] }
        var units = Self.sentences(in: text).map { unit($0, block) }
        // A single sentence over budget is cut at word boundaries as a last resort.
        units = units.flatMap { piece -> [Unit] in
            guard piece.tokens > budget else { return [piece] }
            var parts: [Unit] = []
            var current = ""
            for word in piece.text.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if tokenCounter.tokenCount(candidate) > budget, !current.isEmpty {
                    parts.append(unit(current, block))
                    current = String(word)
                } else {
                    current = candidate
                }
            }
            if !current.isEmpty { parts.append(unit(current, block)) }
            return parts
        }
        return units
    }

    /// Sentences: split after `.`, `?`, `!` followed by a space, after the CJK full stop, question and
    /// exclamation marks, and at line breaks. Works on UTF-8 bytes: this runs over every long paragraph.
    static func sentences(in text: String) -> [String] {
        var sentences: [String] = []
        let bytes = Array(text.utf8)
        var start = 0
        func emit(_ end: Int) {
            var low = start, high = end
            while low < high, bytes[low] == 0x20 || bytes[low] == 0x09 { low += 1 }
            while high > low, bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09 { high -= 1 }
            if low < high { sentences.append(String(decoding: bytes[low..<high], as: UTF8.self)) }
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                emit(index)
                start = index + 1
            } else if byte == 0x20, index > start, bytes[index - 1] == 0x2E || bytes[index - 1] == 0x3F || bytes[index - 1] == 0x21 {
                emit(index)
                start = index + 1
            } else if index + 2 < bytes.count,
                      (byte == 0xE3 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x82)
                        || (byte == 0xEF && bytes[index + 1] == 0xBC && (bytes[index + 2] == 0x9F || bytes[index + 2] == 0x81)) {
                emit(index + 3)
                start = index + 3
                index += 2
            }
            index += 1
        }
        emit(bytes.count)
        return sentences
    }

    // MARK: - Packing

    struct Piece {
        var text: String
        var lineStart: Int
        var lineEnd: Int
    }

    func pack(_ units: [Unit], headingPath: [String]) -> [Piece] {
        guard !units.isEmpty else { return [] }
        let pathTokens = tokenCounter.tokenCount(headingPath.joined(separator: " > ")) + 1
        let budget = max(16, configuration.maxTokens - pathTokens)
        var pieces: [Piece] = []
        var current: [Unit] = []
        var currentTokens = 0

        func emit() {
            guard !current.isEmpty else { return }
            var text = ""
            for (index, unit) in current.enumerated() {
                if index > 0 { text += unit.startsBlock ? "\n\n" : "\n" }
                text += unit.text
            }
            pieces.append(Piece(text: text, lineStart: current.map(\.lineStart).min() ?? 0,
                                lineEnd: current.map(\.lineEnd).max() ?? 0))
        }

        var index = 0
        while index < units.count {
            let unit = units[index]
            if currentTokens + unit.tokens <= budget || current.isEmpty {
                current.append(unit)
                currentTokens += unit.tokens
                index += 1
                continue
            }
            // A header row never ends a piece: it moves on with its rows.
            if let header = unit.tableHeader, current.count > 1, current.last?.text == header, current.last?.tableHeader == nil {
                current.removeLast()
            }
            emit()
            // Start the next piece with overlap from the end of this one, or with the table header.
            var next: [Unit] = []
            var nextTokens = 0
            if let header = unit.tableHeader {
                let headerUnit = Unit(text: header, tokens: tokenCounter.tokenCount(header), lineStart: unit.lineStart,
                                      lineEnd: unit.lineStart, startsBlock: true, tableHeader: nil)
                next = [headerUnit]
                nextTokens = headerUnit.tokens
            } else {
                for previous in current.reversed() {
                    guard previous.tableHeader == nil, previous.tokens + nextTokens <= configuration.overlapTokens,
                          nextTokens + previous.tokens + unit.tokens <= budget else { break }
                    next.insert(previous, at: 0)
                    nextTokens += previous.tokens
                }
            }
            current = next
            currentTokens = nextTokens
        }
        emit()
        return pieces
    }
}
