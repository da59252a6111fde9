import SupportKit

/// A CommonMark-style block parser for the subset support articles use: ATX and setext headings,
/// paragraphs, bullet and ordered lists (nested, with continuation lines), fenced and indented code, pipe
/// tables, block quotes, thematic breaks and HTML blocks. It works on bytes in one pass over the lines.
struct MarkdownBlockParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let source: SourceText
    /// Lines of the body as byte ranges without the line break.
    private let lines: [Range<Int>]
    /// 1-based file line number of `lines[0]`.
    private let firstLineNumber: Int

    private var blocks: [Block] = []
    private var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, source: SourceText, bodyStart: Int) {
        self.bytes = bytes
        self.source = source
        // The body's lines from the line starts `SourceText` found: `bodyStart` is 0 or the start of a line.
        let starts = source.lineStarts
        let count = bytes.count
        var lines: [Range<Int>] = []
        let bodyLine = source.lineIndex(of: bodyStart)
        var lineIndex = starts[bodyLine] < bodyStart ? bodyLine + 1 : bodyLine
        lines.reserveCapacity(starts.count - lineIndex)
        while lineIndex < starts.count, starts[lineIndex] < count {
            let lineStart = starts[lineIndex]
            var lineEnd = lineIndex + 1 < starts.count ? starts[lineIndex + 1] - 1 : count
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            lines.append(lineStart..<lineEnd)
            lineIndex += 1
        }
        self.lines = lines
        self.firstLineNumber = bodyLine + 1
    }

    /// Parses every block of the body.
    mutating func parse() -> [Block] {
        while index < lines.count {
            parseBlock()
        }
        return blocks
    }

    // MARK: - Line classification

    private func lineNumber(_ lineIndex: Int) -> Int { firstLineNumber + lineIndex }

    /// Columns of leading indentation (a tab counts 4) and the offset of the first non-blank byte.
    private func indentation(_ line: Range<Int>) -> (columns: Int, contentStart: Int) {
        var columns = 0
        var cursor = line.lowerBound
        while cursor < line.upperBound {
            let byte = bytes[cursor]
            if byte == 0x20 { columns += 1 } else if byte == 0x09 { columns += 4 - columns % 4 } else { break }
            cursor += 1
        }
        return (columns, cursor)
    }

    private func isBlank(_ line: Range<Int>) -> Bool {
        indentation(line).contentStart == line.upperBound
    }

    /// Level and text range of an ATX heading line.
    private func atxHeading(_ line: Range<Int>) -> (level: Int, text: Range<Int>)? {
        let (columns, start) = indentation(line)
        guard columns < 4, start < line.upperBound, bytes[start] == 0x23 else { return nil }
        var level = 0
        var cursor = start
        while cursor < line.upperBound, bytes[cursor] == 0x23 { level += 1; cursor += 1 }
        guard level <= 6, cursor == line.upperBound || bytes[cursor] == 0x20 || bytes[cursor] == 0x09 else { return nil }
        var textEnd = line.upperBound
        while textEnd > cursor, bytes[textEnd - 1] == 0x20 || bytes[textEnd - 1] == 0x09 { textEnd -= 1 }
        // An optional closing sequence of #s preceded by a space.
        var closing = textEnd
        while closing > cursor, bytes[closing - 1] == 0x23 { closing -= 1 }
        if closing < textEnd, closing == cursor || bytes[closing - 1] == 0x20 || bytes[closing - 1] == 0x09 { textEnd = closing }
        while cursor < textEnd, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
        while textEnd > cursor, bytes[textEnd - 1] == 0x20 || bytes[textEnd - 1] == 0x09 { textEnd -= 1 }
        return (level, cursor..<textEnd)
    }

    /// The fence character, its run length and the info string of a code fence line.
    private func fence(_ line: Range<Int>) -> (char: UInt8, length: Int, indent: Int, info: Range<Int>)? {
        let (columns, start) = indentation(line)
        guard columns < 4, start < line.upperBound else { return nil }
        let char = bytes[start]
        guard char == 0x60 || char == 0x7E else { return nil }
        var cursor = start
        while cursor < line.upperBound, bytes[cursor] == char { cursor += 1 }
        let length = cursor - start
        guard length >= 3 else { return nil }
        if char == 0x60, bytes[cursor..<line.upperBound].contains(0x60) { return nil }
        while cursor < line.upperBound, bytes[cursor] == 0x20 { cursor += 1 }
        return (char, length, columns, cursor..<line.upperBound)
    }

    private func isThematicBreak(_ line: Range<Int>) -> Bool {
        let (columns, start) = indentation(line)
        guard columns < 4, start < line.upperBound else { return false }
        let char = bytes[start]
        guard char == 0x2A || char == 0x2D || char == 0x5F else { return false }
        var count = 0
        for cursor in start..<line.upperBound {
            let byte = bytes[cursor]
            if byte == char { count += 1 } else if byte != 0x20 && byte != 0x09 { return false }
        }
        return count >= 3
    }

    /// The setext underline level (1 for `===`, 2 for `---`) of a line, if it is one.
    private func setextLevel(_ line: Range<Int>) -> Int? {
        let (columns, start) = indentation(line)
        guard columns < 4, start < line.upperBound else { return nil }
        let char = bytes[start]
        guard char == 0x3D || char == 0x2D else { return nil }
        var cursor = start
        while cursor < line.upperBound, bytes[cursor] == char { cursor += 1 }
        while cursor < line.upperBound, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
        guard cursor == line.upperBound else { return nil }
        return char == 0x3D ? 1 : 2
    }

    /// A list marker: its indentation, the column where item text starts, and how it renders.
    private struct ListMarker {
        var indent: Int
        var contentStart: Int
        var ordinal: Int?
    }

    private func listMarker(_ line: Range<Int>) -> ListMarker? {
        let (columns, start) = indentation(line)
        guard start < line.upperBound else { return nil }
        let byte = bytes[start]
        if byte == 0x2D || byte == 0x2A || byte == 0x2B {
            let next = start + 1
            guard next == line.upperBound || bytes[next] == 0x20 || bytes[next] == 0x09 else { return nil }
            if isThematicBreak(line) { return nil }
            var content = next
            while content < line.upperBound, bytes[content] == 0x20 || bytes[content] == 0x09 { content += 1 }
            return ListMarker(indent: columns, contentStart: content, ordinal: nil)
        }
        var cursor = start
        var value = 0
        while cursor < line.upperBound, cursor - start < 9, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 {
            value = value * 10 + Int(bytes[cursor] - 0x30)
            cursor += 1
        }
        guard cursor > start, cursor < line.upperBound, bytes[cursor] == 0x2E || bytes[cursor] == 0x29 else { return nil }
        let next = cursor + 1
        guard next == line.upperBound || bytes[next] == 0x20 || bytes[next] == 0x09 else { return nil }
        var content = next
        while content < line.upperBound, bytes[content] == 0x20 || bytes[content] == 0x09 { content += 1 }
        return ListMarker(indent: columns, contentStart: content, ordinal: value)
    }

    private func isQuote(_ line: Range<Int>) -> Bool {
        let (columns, start) = indentation(line)
        return columns < 4 && start < line.upperBound && bytes[start] == 0x3E
    }

    private func containsPipe(_ line: Range<Int>) -> Bool {
        bytes[line].contains(0x7C)
    }

    /// Whether `line` is a table delimiter row such as `|---|:---:|`.
    private func isTableDelimiter(_ line: Range<Int>) -> Bool {
        var sawDash = false
        var sawPipe = false
        for cursor in line {
            switch bytes[cursor] {
            case 0x2D: sawDash = true
            case 0x7C: sawPipe = true
            case 0x3A, 0x20, 0x09: break
            default: return false
            }
        }
        return sawDash && (sawPipe || bytes[line].count > 0)
    }

    private func startsTable(at lineIndex: Int) -> Bool {
        // The delimiter row first: it usually fails at its first byte, where looking for a pipe reads the whole line.
        lineIndex + 1 < lines.count && isTableDelimiter(lines[lineIndex + 1]) && containsPipe(lines[lineIndex + 1])
            && containsPipe(lines[lineIndex])
    }

    private func isHTMLBlockStart(_ line: Range<Int>) -> Bool {
        let (columns, start) = indentation(line)
        guard columns < 4, start + 1 < line.upperBound, bytes[start] == 0x3C else { return false }
        let next = bytes[start + 1]
        return (next >= 0x61 && next <= 0x7A) || (next >= 0x41 && next <= 0x5A) || next == 0x2F || next == 0x21
    }

    /// Whether a line can interrupt a paragraph.
    private func interruptsParagraph(at lineIndex: Int) -> Bool {
        let line = lines[lineIndex]
        if atxHeading(line) != nil || fence(line) != nil || isThematicBreak(line) || isQuote(line) { return true }
        if let marker = listMarker(line), marker.indent < 4, marker.contentStart < line.upperBound,
           marker.ordinal == nil || marker.ordinal == 1 { return true }
        return startsTable(at: lineIndex)
    }

    // MARK: - Blocks

    private mutating func parseBlock() {
        let line = lines[index]
        if isBlank(line) { index += 1; return }
        if let heading = atxHeading(line) {
            append(.heading(level: heading.level), MarkdownInline.render(bytes, heading.text), from: index, to: index)
            index += 1
            return
        }
        if let fence = fence(line) { parseFencedCode(fence); return }
        if isThematicBreak(line) { index += 1; return }
        if indentation(line).columns >= 4 { parseIndentedCode(); return }
        if isQuote(line) { parseQuote(); return }
        if startsTable(at: index) { parseTable(); return }
        if listMarker(line) != nil { parseList(); return }
        if isHTMLBlockStart(line) { parseHTMLBlock(); return }
        parseParagraph()
    }

    private mutating func append(_ kind: Block.Kind, _ text: String, rows: [String] = [], from first: Int, to last: Int, partLines: [Int] = []) {
        blocks.append(Block(kind: kind, text: text, rows: rows, lineStart: lineNumber(first), lineEnd: lineNumber(last), partLines: partLines))
    }

    private mutating func parseFencedCode(_ opening: (char: UInt8, length: Int, indent: Int, info: Range<Int>)) {
        let first = index
        let infoText = String(decoding: UnsafeBufferPointer(rebasing: bytes[opening.info]), as: UTF8.self)
        let language = infoText.split(separator: " ").first.map(String.init)
        index += 1
        var content: [UInt8] = []
        var last = first
        while index < lines.count {
            let line = lines[index]
            last = index
            if let closing = fence(line), closing.char == opening.char, closing.length >= opening.length,
               closing.info.isEmpty {
                index += 1
                break
            }
            // Remove up to the fence's own indentation, as CommonMark does.
            var start = line.lowerBound
            var removed = 0
            while start < line.upperBound, removed < opening.indent, bytes[start] == 0x20 { start += 1; removed += 1 }
            if !content.isEmpty { content.append(0x0A) }
            content.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<line.upperBound]))
            index += 1
        }
        append(.code(language: language), String(decoding: content, as: UTF8.self), from: first, to: last)
    }

    private mutating func parseIndentedCode() {
        let first = index
        var content: [UInt8] = []
        var last = index
        while index < lines.count {
            let line = lines[index]
            if !isBlank(line), indentation(line).columns < 4 { break }
            if !isBlank(line) {
                // Drop four columns of indentation.
                var start = line.lowerBound
                var columns = 0
                while start < line.upperBound, columns < 4 {
                    columns += bytes[start] == 0x09 ? 4 : 1
                    start += 1
                }
                if !content.isEmpty { content.append(0x0A) }
                content.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<line.upperBound]))
                last = index
            } else if !content.isEmpty {
                content.append(0x0A)
            }
            index += 1
        }
        while content.last == 0x0A { content.removeLast() }
        append(.code(language: nil), String(decoding: content, as: UTF8.self), from: first, to: last)
    }

    private mutating func parseQuote() {
        let first = index
        var text: [UInt8] = []
        var last = index
        while index < lines.count {
            let line = lines[index]
            if isBlank(line) { break }
            var start = indentation(line).contentStart
            if bytes[start] == 0x3E {
                start += 1
                if start < line.upperBound, bytes[start] == 0x20 { start += 1 }
            } else if interruptsParagraph(at: index) {
                break
            }
            if !text.isEmpty { text.append(0x0A) }
            MarkdownInline.render(bytes, start..<line.upperBound, into: &text)
            last = index
            index += 1
        }
        append(.quote, HTMLEntities.decode(String(decoding: text, as: UTF8.self)), from: first, to: last)
    }

    /// Cells of a pipe-table row, rendered as plain text.
    private func tableCells(_ line: Range<Int>) -> [String] {
        var start = indentation(line).contentStart
        var end = line.upperBound
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if start < end, bytes[start] == 0x7C { start += 1 }
        if end > start, bytes[end - 1] == 0x7C, end - 2 < start || bytes[end - 2] != 0x5C { end -= 1 }
        var cells: [String] = []
        var cellStart = start
        var cursor = start
        var inCode = false
        while cursor <= end {
            if cursor == end || (bytes[cursor] == 0x7C && !inCode && (cursor == start || bytes[cursor - 1] != 0x5C)) {
                var low = cellStart, high = cursor
                while low < high, bytes[low] == 0x20 || bytes[low] == 0x09 { low += 1 }
                while high > low, bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09 { high -= 1 }
                cells.append(MarkdownInline.render(bytes, low..<high))
                cellStart = cursor + 1
            } else if bytes[cursor] == 0x60 {
                inCode.toggle()
            }
            cursor += 1
        }
        return cells
    }

    private mutating func parseTable() {
        let first = index
        let header = tableCells(lines[index])
        index += 2
        var rows: [String] = []
        var rowLines: [Int] = []
        var last = first + 1
        while index < lines.count {
            let line = lines[index]
            if isBlank(line) || !containsPipe(line) { break }
            var cells = tableCells(line)
            // Rows match the header's width: missing cells are empty, extra ones dropped.
            if cells.count < header.count { cells += Array(repeating: "", count: header.count - cells.count) }
            rows.append(cells.prefix(max(header.count, 1)).joined(separator: " | "))
            rowLines.append(lineNumber(index))
            last = index
            index += 1
        }
        append(.table, header.joined(separator: " | "), rows: rows, from: first, to: last, partLines: rowLines)
    }

    /// A list, nested items included, rendered one item per line with `-` or `N.` and two spaces per level.
    private mutating func parseList() {
        let first = index
        var output: [UInt8] = []
        // The source line of each line of `output`: a line break appended to `output` records where the next starts.
        var outputLines = [lineNumber(index)]
        var last = index
        // Indentation columns of the open list levels, outermost first.
        var levels: [Int] = []
        var previousWasBlank = false
        var itemContentColumn = 0
        while index < lines.count {
            let line = lines[index]
            if isBlank(line) {
                // A blank line continues the list only if more list content follows.
                var next = index + 1
                while next < lines.count, isBlank(lines[next]) { next += 1 }
                guard next < lines.count else { break }
                let nextLine = lines[next]
                let nextIndent = indentation(nextLine).columns
                if listMarker(nextLine) != nil && (nextIndent >= (levels.first ?? 0)) && nextIndent < 4 + (levels.last ?? 0) {
                    previousWasBlank = true
                    index += 1
                    continue
                }
                if nextIndent >= itemContentColumn, itemContentColumn > 0 {
                    previousWasBlank = true
                    index += 1
                    continue
                }
                break
            }
            let (columns, contentStart) = indentation(line)
            if let marker = listMarker(line), columns < itemContentColumn + 4 || levels.isEmpty {
                if levels.isEmpty || columns < (levels.first ?? 0) {
                    if !levels.isEmpty && columns < (levels.first ?? 0) { break }
                    levels = [columns]
                } else if columns > (levels.last ?? 0) {
                    if columns >= itemContentColumn { levels.append(columns) } else { /* same level, sloppy indent */ }
                } else {
                    while let top = levels.last, top > columns { levels.removeLast() }
                    if levels.isEmpty { levels = [columns] }
                }
                if !output.isEmpty {
                    output.append(0x0A)
                    outputLines.append(lineNumber(index))
                }
                for _ in 1..<max(levels.count, 1) { output.append(0x20); output.append(0x20) }
                if let ordinal = marker.ordinal {
                    output.append(contentsOf: "\(ordinal). ".utf8)
                } else {
                    output.append(contentsOf: "- ".utf8)
                }
                MarkdownInline.render(bytes, marker.contentStart..<line.upperBound, into: &output)
                itemContentColumn = columns + (marker.contentStart - indentation(line).contentStart) + (marker.contentStart == line.upperBound ? 2 : 0)
                last = index
                previousWasBlank = false
                index += 1
                continue
            }
            if previousWasBlank && columns < itemContentColumn { break }
            if !previousWasBlank && columns < itemContentColumn && interruptsParagraph(at: index) { break }
            // Continuation text of the current item (lazy or indented); code fences inside items stay verbatim.
            if let inner = fence(line) {
                index += 1
                output.append(0x0A)
                outputLines.append(lineNumber(index))
                while index < lines.count {
                    let codeLine = lines[index]
                    if let closing = fence(codeLine), closing.char == inner.char, closing.length >= inner.length {
                        index += 1
                        break
                    }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[codeLine]))
                    output.append(0x0A)
                    outputLines.append(lineNumber(index + 1))
                    index += 1
                }
                last = index - 1
                previousWasBlank = false
                continue
            }
            if previousWasBlank { output.append(0x0A); outputLines.append(lineNumber(index)); for _ in 0..<levels.count { output.append(0x20); output.append(0x20) } } else { output.append(0x20) }
            MarkdownInline.render(bytes, contentStart..<line.upperBound, into: &output)
            last = index
            previousWasBlank = false
            index += 1
        }
        if index == first { index += 1 }
        append(.list, HTMLEntities.decode(String(decoding: output, as: UTF8.self)), from: first, to: last, partLines: outputLines)
    }

    private mutating func parseHTMLBlock() {
        let first = index
        var output: [UInt8] = []
        var last = index
        while index < lines.count, !isBlank(lines[index]) {
            if !output.isEmpty, output.last != 0x20 { output.append(0x20) }
            MarkdownInline.render(bytes, lines[index], into: &output)
            last = index
            index += 1
        }
        let text = HTMLEntities.decode(String(decoding: output, as: UTF8.self)).trimmingCharacters(in: .whitespaces)
        if !text.isEmpty { append(.paragraph, text, from: first, to: last) }
    }

    private mutating func parseParagraph() {
        let first = index
        var end = lines[index].upperBound
        index += 1
        while index < lines.count {
            let line = lines[index]
            if isBlank(line) { break }
            if let level = setextLevel(line) {
                let text = MarkdownInline.render(bytes, lines[first].lowerBound..<end)
                append(.heading(level: level), text, from: first, to: index)
                index += 1
                return
            }
            if interruptsParagraph(at: index) { break }
            end = line.upperBound
            index += 1
        }
        var start = lines[first].lowerBound
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        append(.paragraph, MarkdownInline.render(bytes, start..<end), from: first, to: index - 1)
    }
}
