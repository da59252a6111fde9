import SupportKit
import SupportKitParsing

/// Splits a document into heading-aware chunks within a token budget.
///
/// Each section (a heading and the blocks up to the next heading of the same or a higher level) is chunked on
/// its own, so an edit in one section never changes the chunks, or the ids, of another. Inside a section,
/// blocks are packed up to `maxTokens`; a block that is too large is split at sentence, list-item or table-row
/// boundaries, and a sentence, list item or table row that is still too large at word boundaries (a row's
/// pieces each repeat the table's header row); code blocks and question-answer pairs are never split and may
/// make a chunk over budget (counted as oversize); consecutive pieces of a section overlap by up to
/// `overlapTokens` of whole sentences or items.
///
/// Every step is linear in the text's length: each unit is token-counted once, a word split sums the words'
/// counts instead of re-counting a growing prefix, and packing moves forward on every step. ``chunk(_:)``
/// also stops a document whose chunking takes longer than ``Configuration/timeLimit`` or produces more than
/// ``Configuration/memoryLimitBytes`` of text, as a last guard against input nobody thought of.
public struct Chunker: Sendable {
    /// Chunking settings (`ingest:` in supportkit.yaml).
    public struct Configuration: Sendable, Hashable, Codable {
        /// Token budget of a chunk's text, heading path included. MiniLM reads 256 tokens at most.
        public var maxTokens: Int
        /// Tokens of context repeated from the end of one piece at the start of the next.
        public var overlapTokens: Int
        /// Wall-clock time one document's chunking may take before the document is skipped with an error.
        public var timeLimit: Duration
        /// Bytes of chunk text one document may produce before it is skipped with an error.
        public var memoryLimitBytes: Int

        public init(maxTokens: Int = 200, overlapTokens: Int = 32, timeLimit: Duration = .seconds(10), memoryLimitBytes: Int = 256 << 20) {
            self.maxTokens = maxTokens
            self.overlapTokens = overlapTokens
            self.timeLimit = timeLimit
            self.memoryLimitBytes = memoryLimitBytes
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

    /// A document's chunks, and how many of them are over the token budget (a code block or a
    /// question-answer pair kept whole).
    public struct Chunked: Sendable {
        public var chunks: [Chunk]
        public var oversize: Int
    }

    /// The chunks of `document`, without the time and memory guard (tests, benchmarks).
    public func chunks(of document: Document) -> [Chunk] {
        var limits = Limits(deadline: nil, memoryLimitBytes: .max)
        return (try? chunk(document, limits: &limits).chunks) ?? []
    }

    /// The chunks of `document`, stopped when they take longer than ``Configuration/timeLimit`` or produce more
    /// than ``Configuration/memoryLimitBytes`` of text.
    ///
    /// - Throws: ``ChunkingLimitError`` naming the limit and the source line of the block being chunked.
    public func chunk(_ document: Document) throws(ChunkingLimitError) -> Chunked {
        var limits = Limits(deadline: ContinuousClock.now.advanced(by: configuration.timeLimit), memoryLimitBytes: configuration.memoryLimitBytes)
        limits.timeLimit = configuration.timeLimit
        return try chunk(document, limits: &limits)
    }

    /// The guard's state while one document is chunked: checked on every unit and piece.
    struct Limits {
        let deadline: ContinuousClock.Instant?
        let memoryLimitBytes: Int
        var timeLimit: Duration = .zero
        var bytes = 0
        var steps = 0
        /// The source line of the block being chunked, for the error.
        var line = 1
        var oversize = 0

        init(deadline: ContinuousClock.Instant?, memoryLimitBytes: Int) {
            self.deadline = deadline
            self.memoryLimitBytes = memoryLimitBytes
        }

        /// Counts `byteCount` bytes of new text and, every 64 steps, looks at the clock.
        mutating func account(_ byteCount: Int) throws(ChunkingLimitError) {
            bytes &+= byteCount
            if bytes > memoryLimitBytes { throw ChunkingLimitError(limit: .memory(bytes: memoryLimitBytes), line: line) }
            steps &+= 1
            if steps & 63 == 0, let deadline, ContinuousClock.now > deadline {
                throw ChunkingLimitError(limit: .time(timeLimit), line: line)
            }
        }
    }

    func chunk(_ document: Document, limits: inout Limits) throws(ChunkingLimitError) -> Chunked {
        var chunks: [Chunk] = []
        var headingStack: [(level: Int, text: String)] = []
        var sectionBlocks: [Block] = []
        var pathOccurrences: [[String]: Int] = [:]

        func flushSection() throws(ChunkingLimitError) {
            guard sectionBlocks.contains(where: { !$0.isHeading }) else { sectionBlocks.removeAll(); return }
            let path = [document.title] + headingStack.map(\.text)
            // Two sections with the same heading path (two "FAQ"s) get distinct ids through an occurrence count.
            let occurrence = pathOccurrences[path, default: 0]
            pathOccurrences[path] = occurrence + 1
            let idPath = occurrence == 0 ? path : path + ["#\(occurrence + 1)"]
            let anchorBase = document.url ?? document.sourcePath
            let anchor = headingStack.last.map { anchorBase + "#" + Slug.make($0.text) } ?? anchorBase
            let budget = sectionBudget(headingPath: path)
            let sectionUnits = try units(of: sectionBlocks.filter { !$0.isHeading }, sectionBudget: budget, limits: &limits)
            let pieces = try pack(sectionUnits, budget: budget, limits: &limits)
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
                try flushSection()
                while let top = headingStack.last, top.level >= level { headingStack.removeLast() }
                headingStack.append((level, block.text))
            }
            sectionBlocks.append(block)
        }
        try flushSection()
        return Chunked(chunks: chunks, oversize: limits.oversize)
    }

    // MARK: - Units

    func units(of blocks: [Block]) -> [Unit] {
        var limits = Limits(deadline: nil, memoryLimitBytes: .max)
        return (try? units(of: blocks, sectionBudget: configuration.maxTokens, limits: &limits)) ?? []
    }

    /// The blocks' units, each within the section's budget (`sectionBudget`, the chunk budget less the heading
    /// path) unless it is code, a question-answer pair or a single word.
    func units(of blocks: [Block], sectionBudget: Int, limits: inout Limits) throws(ChunkingLimitError) -> [Unit] {
        var units: [Unit] = []
        let budget = max(16, min(configuration.maxTokens - 24, sectionBudget))
        for block in blocks {
            limits.line = block.lineStart
            let first = units.count
            switch block.kind {
            case .code, .faq:
                // Code and question-answer pairs stay whole, even over budget.
                units.append(unit(block.text, block.lineStart...max(block.lineStart, block.lineEnd)))
            case .table:
                let header = block.text
                var rowBudget = budget
                if !header.isEmpty {
                    let headerUnit = unit(header, block.lineStart...block.lineStart)
                    units.append(headerUnit)
                    rowBudget = max(16, budget - headerUnit.tokens)
                }
                for (index, row) in block.rows.enumerated() {
                    let lines = block.lines(ofPart: index)
                    limits.line = lines.lowerBound
                    // A row over budget is cut at sentences, then words; each part repeats the header.
                    for var part in try split(row, lines: lines, budget: rowBudget, limits: &limits) {
                        part.tableHeader = header.isEmpty ? nil : header
                        units.append(part)
                    }
                }
            case .list:
                for item in Self.listItemRanges(in: block.text) {
                    let lines = block.lines(ofPart: item.firstLine, through: item.lastLine)
                    limits.line = lines.lowerBound
                    units.append(contentsOf: try split(item.text, lines: lines, budget: budget, limits: &limits))
                }
            case .paragraph, .quote, .heading:
                units.append(contentsOf: try split(block.text, lines: block.lineStart...max(block.lineStart, block.lineEnd), budget: budget, limits: &limits))
            }
            if first < units.count { units[first].startsBlock = true }
        }
        return units
    }

    /// A list block's top-level items, each with its nested lines (lines that start with a space).
    /// Empty lines end an item and are dropped.
    static func listItems(in text: String) -> [String] {
        listItemRanges(in: text).map(\.text)
    }

    /// A list block's top-level items with the indexes of their first and last lines in `text`.
    static func listItemRanges(in text: String) -> [(text: String, firstLine: Int, lastLine: Int)] {
        var text = text
        return text.withUTF8 { bytes in
            var items: [(text: String, firstLine: Int, lastLine: Int)] = []
            var item: [UInt8] = []
            var itemFirstLine = 0
            var lineIndex = 0
            var lineStart = 0
            while lineStart <= bytes.count {
                let lineEnd = ByteSearch.first(0x0A, in: bytes, from: lineStart, to: bytes.count) ?? bytes.count
                if lineEnd == lineStart || bytes[lineStart] != 0x20, !item.isEmpty {
                    items.append((String(decoding: item, as: UTF8.self), itemFirstLine, lineIndex - 1))
                    item.removeAll(keepingCapacity: true)
                }
                if item.isEmpty { itemFirstLine = lineIndex } else { item.append(0x0A) }
                item.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
                lineStart = lineEnd + 1
                lineIndex += 1
            }
            if !item.isEmpty { items.append((String(decoding: item, as: UTF8.self), itemFirstLine, lineIndex - 1)) }
            return items
        }
    }

    private func unit(_ text: String, _ lines: ClosedRange<Int>) -> Unit {
        Unit(text: text, tokens: tokenCounter.tokenCount(text), lineStart: lines.lowerBound, lineEnd: lines.upperBound,
             startsBlock: false, tableHeader: nil)
    }

    /// The text as one unit, or, over budget, as sentences, and a sentence still over budget as runs of words.
    ///
    /// Linear in the text's length: the text, each sentence and each word of an over-budget sentence are
    /// counted once; a run's count is the sum of its words' counts (both counters split at spaces, so the sum
    /// is exact). A single word over budget stays one unit.
    func split(_ text: String, lines: ClosedRange<Int>, budget: Int, limits: inout Limits) throws(ChunkingLimitError) -> [Unit] {
        let whole = unit(text, lines)
        try limits.account(text.utf8.count)
        guard whole.tokens > budget else { return [whole] }
        var units: [Unit] = []
        for sentence in Self.sentences(in: text) {
            let piece = unit(sentence, lines)
            try limits.account(sentence.utf8.count)
            guard piece.tokens > budget else {
                units.append(piece)
                continue
            }
            var words: [Substring] = []
            var wordsTokens = 0
            for word in sentence.split(separator: " ") {
                let tokens = tokenCounter.tokenCount(String(word))
                if wordsTokens + tokens > budget, !words.isEmpty {
                    // A run never ends on a list number (`3.`): it opens the next run.
                    var carried: Substring?
                    if words.count > 1, let last = words.last, Self.isListNumber(last) {
                        carried = words.removeLast()
                        wordsTokens -= tokenCounter.tokenCount(String(last))
                    }
                    let run = words.joined(separator: " ")
                    try limits.account(run.utf8.count)
                    units.append(Unit(text: run, tokens: wordsTokens, lineStart: lines.lowerBound, lineEnd: lines.upperBound,
                                      startsBlock: false, tableHeader: nil))
                    words.removeAll(keepingCapacity: true)
                    wordsTokens = 0
                    if let carried {
                        words.append(carried)
                        wordsTokens = tokenCounter.tokenCount(String(carried))
                    }
                }
                words.append(word)
                wordsTokens += tokens
            }
            if !words.isEmpty {
                units.append(Unit(text: words.joined(separator: " "), tokens: wordsTokens, lineStart: lines.lowerBound,
                                  lineEnd: lines.upperBound, startsBlock: false, tableHeader: nil))
            }
        }
        return units
    }

    /// `3.` or `12)`: a list item's number.
    static func isListNumber(_ word: Substring) -> Bool {
        guard let last = word.last, last == "." || last == ")" else { return false }
        let digits = word.dropLast()
        return !digits.isEmpty && digits.count <= 3 && digits.allSatisfy { $0.isASCII && $0.isNumber }
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
        // `3. Install` is a list item's number, not the end of a sentence (also inline, where a paragraph's lines
        // were joined): a piece never ends on a bare `3.`.
        func isOrdinal(_ range: Range<Int>) -> Bool {
            var low = range.upperBound
            while low > range.lowerBound, bytes[low - 1] &- 0x30 < 10 { low -= 1 }
            let digits = range.upperBound - low
            return digits >= 1 && digits <= 3 && (low == range.lowerBound || bytes[low - 1] == 0x20 || bytes[low - 1] == 0x09)
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                emit(index)
                start = index + 1
            } else if byte == 0x20, index > start, bytes[index - 1] == 0x2E || bytes[index - 1] == 0x3F || bytes[index - 1] == 0x21,
                      !(bytes[index - 1] == 0x2E && isOrdinal(start..<(index - 1))) {
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
        var limits = Limits(deadline: nil, memoryLimitBytes: .max)
        return (try? pack(units, budget: sectionBudget(headingPath: headingPath), limits: &limits)) ?? []
    }

    /// The budget of a section's pieces: the chunk budget less its heading path.
    func sectionBudget(headingPath: [String]) -> Int {
        let pathTokens = tokenCounter.tokenCount(headingPath.joined(separator: " > ")) + 1
        return max(16, configuration.maxTokens - pathTokens)
    }

    /// Packs units into pieces of at most the section budget. Every step either adds a unit or emits a piece
    /// that holds at least one unit not repeated from the previous piece, so packing ends after at most twice
    /// as many steps as there are units, whatever their sizes.
    ///
    /// - Parameter budget: the section's budget (`sectionBudget(headingPath:)`).
    func pack(_ units: [Unit], budget: Int, limits: inout Limits) throws(ChunkingLimitError) -> [Piece] {
        guard !units.isEmpty else { return [] }
        var pieces: [Piece] = []
        var current: [Unit] = []
        var currentTokens = 0
        // How many units at the start of `current` repeat the previous piece (overlap or a table header).
        var carried = 0

        func emit() throws(ChunkingLimitError) {
            // A piece of repeated text only would say nothing new.
            guard current.count > carried else { return }
            var text = ""
            for (index, unit) in current.enumerated() {
                if index > 0 { text += unit.startsBlock ? "\n\n" : "\n" }
                text += unit.text
            }
            try limits.account(text.utf8.count)
            if currentTokens > budget { limits.oversize += 1 }
            pieces.append(Piece(text: text, lineStart: current.map(\.lineStart).min() ?? 0,
                                lineEnd: current.map(\.lineEnd).max() ?? 0))
        }

        var index = 0
        while index < units.count {
            let unit = units[index]
            limits.line = unit.lineStart
            let fits = currentTokens + unit.tokens <= budget
            if fits || current.count == carried {
                if !fits {
                    // Nothing new in this piece yet and the unit does not fit: it goes in anyway (a code block or
                    // one long word), after its table's header but without overlap that would push it further over.
                    let keepsHeader = carried == 1 && unit.tableHeader != nil && current.first?.text == unit.tableHeader
                    if !keepsHeader {
                        current.removeAll()
                        currentTokens = 0
                        carried = 0
                    }
                }
                current.append(unit)
                currentTokens += unit.tokens
                index += 1
                continue
            }
            // A header row never ends a piece: it moves on with its rows.
            if let header = unit.tableHeader, current.count > carried + 1, current.last?.text == header, current.last?.tableHeader == nil {
                current.removeLast()
            }
            try emit()
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
            carried = next.count
        }
        try emit()
        return pieces
    }
}

/// A document whose chunking went over the chunker's time or memory limit: it is skipped with this error.
public struct ChunkingLimitError: Error, Sendable, Hashable {
    /// Which limit.
    public enum Limit: Sendable, Hashable {
        case time(Duration)
        case memory(bytes: Int)
    }

    public var limit: Limit
    /// The source line of the block being chunked when the limit was reached.
    public var line: Int

    /// `chunking took longer than 10 s; skipped` or `chunking used more than 256 MB; skipped`.
    public var problem: String {
        switch limit {
        case .time(let duration):
            let tenths = Int((duration.seconds * 10).rounded())
            return "chunking took longer than \(tenths / 10)\(tenths % 10 == 0 ? "" : ".\(tenths % 10)") s; skipped"
        case .memory(let bytes):
            return "chunking used more than \(bytes >> 20) MB; skipped"
        }
    }
}
