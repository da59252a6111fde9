/// Renders Markdown inline syntax as the plain text a reader sees: emphasis markers, link targets, inline
/// HTML tags and escapes are removed; link texts, image alt texts, code spans and autolinks are kept.
enum MarkdownInline {
    /// Plain text of the inline content in `bytes[range]`.
    static func render(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        render(bytes, range, into: &output)
        var text = String(decoding: output, as: UTF8.self)
        if ByteSearch.contains(0x26, in: output) { text = HTMLEntities.decode(text) }
        return text
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80
    }

    private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (byte >= 0x21 && byte <= 0x2F) || (byte >= 0x3A && byte <= 0x40) || (byte >= 0x5B && byte <= 0x60) || (byte >= 0x7B && byte <= 0x7E)
    }

    static func render(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: inout [UInt8]) {
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            let byte = bytes[index]
            switch byte {
            case 0x5C:  // backslash escape
                if index + 1 < end, isASCIIPunctuation(bytes[index + 1]) {
                    output.append(bytes[index + 1])
                    index += 2
                } else {
                    output.append(byte)
                    index += 1
                }
            case 0x60:  // code span
                var run = 0
                while index + run < end, bytes[index + run] == 0x60 { run += 1 }
                if let close = findBacktickRun(bytes, from: index + run, end: end, length: run) {
                    var contentStart = index + run, contentEnd = close
                    if contentEnd - contentStart >= 2, bytes[contentStart] == 0x20, bytes[contentEnd - 1] == 0x20 {
                        contentStart += 1
                        contentEnd -= 1
                    }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[contentStart..<contentEnd]))
                    index = close + run
                } else {
                    for _ in 0..<run { output.append(0x60) }
                    index += run
                }
            case 0x21 where index + 1 < end && bytes[index + 1] == 0x5B:  // image: keep alt text
                if let (textRange, next) = parseLink(bytes, openBracket: index + 1, end: end) {
                    render(bytes, textRange, into: &output)
                    index = next
                } else {
                    output.append(byte)
                    index += 1
                }
            case 0x5B:  // link: keep its text
                if let (textRange, next) = parseLink(bytes, openBracket: index, end: end) {
                    render(bytes, textRange, into: &output)
                    index = next
                } else {
                    output.append(byte)
                    index += 1
                }
            case 0x3C:  // autolink or inline HTML
                if let close = scanAngle(bytes, from: index, end: end) {
                    let inner = index + 1
                    if isAutolink(bytes, inner..<close) {
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[inner..<close]))
                    } else if close > inner, bytes[inner] == 0x62 || bytes[inner] == 0x42, close - inner <= 4, output.last.map({ !isSpace($0) }) ?? false {
                        output.append(0x20)  // <br> and friends separate words
                    }
                    index = close + 1
                } else {
                    output.append(byte)
                    index += 1
                }
            case 0x2A, 0x5F, 0x7E:  // emphasis and strikethrough delimiters
                var run = 0
                while index + run < end, bytes[index + run] == byte { run += 1 }
                let before: UInt8 = index > range.lowerBound ? bytes[index - 1] : 0x20
                let after: UInt8 = index + run < end ? bytes[index + run] : 0x20
                let isDelimiter: Bool
                if byte == 0x5F {
                    // Underscores inside words (snake_case) are literal.
                    isDelimiter = !(isAlphanumeric(before) && isAlphanumeric(after)) && !(isSpace(before) && isSpace(after))
                } else if byte == 0x7E {
                    isDelimiter = run >= 2
                } else {
                    isDelimiter = !(isSpace(before) && isSpace(after))
                }
                if !isDelimiter { for _ in 0..<run { output.append(byte) } }
                index += run
            case 0x0A, 0x0D:
                if output.last.map({ !isSpace($0) }) ?? false { output.append(0x20) }
                index += 1
            default:
                // Copy the whole run up to the next byte that may start syntax at once.
                var runEnd = index + 1
                while runEnd < end, !mayStartSyntax(bytes[runEnd]) { runEnd += 1 }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<runEnd]))
                index = runEnd
            }
        }
        while let last = output.last, isSpace(last) { output.removeLast() }
    }

    /// The bytes `render` treats specially; all others are copied as they are.
    private static func mayStartSyntax(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x0A, 0x0D, 0x21, 0x2A, 0x3C, 0x5B, 0x5C, 0x5F, 0x60, 0x7E: true
        default: false
        }
    }

    private static func findBacktickRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int, length: Int) -> Int? {
        var index = start
        while index < end {
            if bytes[index] == 0x60 {
                var run = 0
                while index + run < end, bytes[index + run] == 0x60 { run += 1 }
                if run == length { return index }
                index += run
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Parses `[text](destination)`, `[text][ref]` or `[text][]` starting at `[`; returns the text range
    /// and the index after the link, or nil when this bracket does not open a link.
    private static func parseLink(_ bytes: UnsafeBufferPointer<UInt8>, openBracket: Int, end: Int) -> (Range<Int>, Int)? {
        var depth = 0
        var index = openBracket
        var close: Int?
        while index < end {
            switch bytes[index] {
            case 0x5C: index += 1
            case 0x5B: depth += 1
            case 0x5D:
                depth -= 1
                if depth == 0 { close = index }
            default: break
            }
            if close != nil { break }
            index += 1
        }
        guard let close, close + 1 < end else { return nil }
        let textRange = (openBracket + 1)..<close
        if bytes[close + 1] == 0x28 {  // (destination "title")
            var parenDepth = 0
            var cursor = close + 1
            while cursor < end {
                switch bytes[cursor] {
                case 0x5C: cursor += 1
                case 0x28: parenDepth += 1
                case 0x29:
                    parenDepth -= 1
                    if parenDepth == 0 { return (textRange, cursor + 1) }
                default: break
                }
                cursor += 1
            }
            return nil
        }
        if bytes[close + 1] == 0x5B {  // [ref]
            var cursor = close + 2
            while cursor < end, bytes[cursor] != 0x5D { cursor += 1 }
            return cursor < end ? (textRange, cursor + 1) : nil
        }
        return nil
    }

    /// The index of the `>` closing an autolink or HTML tag that starts at `<`, or nil.
    private static func scanAngle(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int? {
        guard start + 1 < end else { return nil }
        let first = bytes[start + 1]
        let startsTag = (first >= 0x41 && first <= 0x5A) || (first >= 0x61 && first <= 0x7A) || first == 0x2F || first == 0x21
        guard startsTag else { return nil }
        var index = start + 1
        while index < end, index - start < 512 {
            if bytes[index] == 0x3E { return index }
            if bytes[index] == 0x3C || bytes[index] == 0x0A { return nil }
            index += 1
        }
        return nil
    }

    private static func isAutolink(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var sawColon = false
        var sawAt = false
        for index in range {
            switch bytes[index] {
            case 0x20: return false
            case 0x3A: sawColon = true
            case 0x40: sawAt = true
            default: break
            }
        }
        return sawColon || sawAt
    }
}
