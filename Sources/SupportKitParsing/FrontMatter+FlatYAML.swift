import SupportKit

/// A fast path for the front matter nearly every article has: one `key: value` per line.
///
/// Building a YAML node tree (with tag resolution through regular expressions) cost more than parsing the
/// article's whole body, so this subset is read directly from the bytes:
///
/// - lines that are empty, or a comment starting with `#` in the first column;
/// - `key: value` lines with the key in the first column (`[A-Za-z_][A-Za-z0-9_-]*`), a colon, then a space;
/// - values that are a plain single-line scalar without `#`, `: `, brackets or braces and not starting with a
///   YAML indicator; a `"double"` or `'single'` quoted scalar without escapes or inner quotes; a flow list of
///   such plain words (`[refunds, cards]`); or nothing (only for keys whose empty value is not an error).
///
/// Anything else (block scalars, block lists, anchors, tags, escapes, multi-line values, comments after a
/// value, duplicate keys, tabs, carriage returns, Unicode line breaks or control characters) returns nil,
/// and Yams decodes the text instead: that path also words every error. What this path accepts decodes to
/// exactly what Yams gives, locations included; `FrontMatterTests` checks that on tricky and random inputs.
extension FrontMatter {
    /// The fields of flat front matter, or nil when `yaml` is outside the subset this path reads.
    ///
    /// - Parameters:
    ///   - yaml: the bytes between the `---` lines.
    ///   - path: the file, for locations.
    ///   - firstLine: the 1-based file line of `yaml`'s first byte.
    static func decodeFlatFields(
        _ yaml: UnsafeBufferPointer<UInt8>, path: String, firstLine: Int, mapping: FrontMatterMapping = FrontMatterMapping()
    ) -> ArticleFields? {
        guard FlatYAML.hasOnlyPlainCharacters(yaml) else { return nil }
        var fields = ArticleFields()
        var categories: [String: Located<String>] = [:]
        var seenKeys: Set<String> = []
        var lineNumber = firstLine
        var lineStart = 0
        while lineStart < yaml.count {
            var lineEnd = lineStart
            while lineEnd < yaml.count, yaml[lineEnd] != FlatYAML.newline { lineEnd += 1 }
            defer {
                lineStart = lineEnd + 1
                lineNumber += 1
            }
            if lineEnd == lineStart || yaml[lineStart] == FlatYAML.hash { continue }
            guard let entry = FlatYAML.entry(yaml, lineStart..<lineEnd), seenKeys.insert(entry.key).inserted else { return nil }
            func located(_ text: String) -> Located<String> {
                Located(value: text, location: SourceLocation(path: path, line: lineNumber, column: entry.valueColumn))
            }
            if mapping.reads(entry.key) {
                switch entry.value {
                case .scalar(let text):
                    if mapping.categoryFields.contains(entry.key) { categories[entry.key] = located(text) }
                    if let reason = mapping.skipReason(key: entry.key, value: text) { fields.skip = reason }
                case .list(let items):
                    guard mapping.categoryFields.contains(entry.key) else { return nil }
                    if let first = items.first { categories[entry.key] = located(first) }
                case .empty:
                    return nil
                }
                continue
            }
            if FrontMatter.looksLikeCategory(entry.key), fields.unmappedCategoryKey == nil { fields.unmappedCategoryKey = entry.key }
            switch (entry.key, entry.value) {
            case ("title", .scalar(let text)): fields.title = located(text)
            case ("id", .scalar(let text)): fields.id = located(text)
            case ("url", .scalar(let text)): fields.url = located(text)
            case ("tags", .list(let items)): fields.tags.append(contentsOf: items)
            case ("tags", .empty): break
            case ("title", _), ("id", _), ("url", _), ("tags", _):
                // Yams words the error (or, for an empty value, places it).
                return nil
            default: continue
            }
        }
        // No key at all: an empty document, which Yams turns into no fields.
        fields.category = mapping.categoryFields.lazy.compactMap { categories[$0] }.first
        return seenKeys.isEmpty ? nil : fields
    }
}

/// The byte-level pieces of the flat front-matter subset.
private enum FlatYAML {
    static let newline: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let hash: UInt8 = 0x23
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let doubleQuote: UInt8 = 0x22
    static let singleQuote: UInt8 = 0x27
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D

    enum Value {
        case empty
        case scalar(String)
        case list([String])
    }

    struct Entry {
        var key: String
        var value: Value
        /// 1-based column of the value's first byte; the key before it is ASCII, so bytes are characters.
        var valueColumn: Int
    }

    /// Whether every byte is one that YAML reads as an ordinary character or `\n`: no tab or carriage
    /// return, no control character, and no NEL, U+2028, U+2029, byte-order mark, U+FFFE or U+FFFF.
    static func hasOnlyPlainCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if (byte < space && byte != newline) || byte == 0x7F { return false }
                index += 1
                continue
            }
            // `SourceText` has checked the UTF-8, so a lead byte has its continuation bytes.
            let second = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third = index + 2 < bytes.count ? bytes[index + 2] : 0
            switch byte {
            case 0xC2 where second < 0xA0: return false  // C1 controls, NEL among them
            case 0xE2 where second == 0x80 && (third == 0xA8 || third == 0xA9): return false  // line, paragraph separators
            case 0xEF where (second == 0xBB && third == 0xBF) || (second == 0xBF && third >= 0xBE): return false
            default: index += 1
            }
        }
        return true
    }

    /// The key and value of a `key: value` line in the subset, or nil.
    static func entry(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Entry? {
        var cursor = line.lowerBound
        guard isKeyStart(bytes[cursor]) else { return nil }
        while cursor < line.upperBound, isKeyByte(bytes[cursor]) { cursor += 1 }
        // Short keys only: YAML's implicit keys have a length limit, and ours are names like `category`.
        guard cursor - line.lowerBound <= 64, cursor < line.upperBound, bytes[cursor] == colon else { return nil }
        let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[line.lowerBound..<cursor]), as: UTF8.self)
        cursor += 1
        guard cursor == line.upperBound || bytes[cursor] == space else { return nil }
        while cursor < line.upperBound, bytes[cursor] == space { cursor += 1 }
        var end = line.upperBound
        while end > cursor, bytes[end - 1] == space { end -= 1 }
        guard let value = value(bytes, cursor..<end) else { return nil }
        return Entry(key: key, value: value, valueColumn: cursor - line.lowerBound + 1)
    }

    private static func value(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Value? {
        guard let first = range.first.map({ bytes[$0] }) else { return .empty }
        switch first {
        case doubleQuote, singleQuote:
            // Quoted without escapes: `"..."` with no `"` or `\` inside, `'...'` with no `'` inside.
            guard range.count >= 2, bytes[range.upperBound - 1] == first else { return nil }
            let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
            guard !bytes[inner].contains(first), first == singleQuote || !bytes[inner].contains(0x5C) else { return nil }
            return .scalar(text(bytes, inner))
        case openBracket:
            guard bytes[range.upperBound - 1] == closeBracket else { return nil }
            return list(bytes, (range.lowerBound + 1)..<(range.upperBound - 1)).map { .list($0) }
        default:
            return isPlain(bytes, range, inList: false) ? .scalar(text(bytes, range)) : nil
        }
    }

    /// The words of a flow list's inside (`refunds, gift cards`); nil for an empty item or a non-plain one.
    private static func list(_ bytes: UnsafeBufferPointer<UInt8>, _ inside: Range<Int>) -> [String]? {
        var items: [String] = []
        var itemStart = inside.lowerBound
        if bytes[inside].allSatisfy({ $0 == space }) { return items }
        for cursor in inside.lowerBound...inside.upperBound where cursor == inside.upperBound || bytes[cursor] == comma {
            var low = itemStart, high = cursor
            while low < high, bytes[low] == space { low += 1 }
            while high > low, bytes[high - 1] == space { high -= 1 }
            guard isPlain(bytes, low..<high, inList: true) else { return nil }
            items.append(text(bytes, low..<high))
            itemStart = cursor + 1
        }
        return items
    }

    /// Whether `range` (trimmed, non-empty) is a single-line plain scalar that YAML reads verbatim.
    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, inList: Bool) -> Bool {
        guard let first = range.first.map({ bytes[$0] }), !startsWithIndicator(first) else { return false }
        for cursor in range {
            switch bytes[cursor] {
            case hash, openBracket, closeBracket, 0x7B, 0x7D: return false
            case colon:
                // `a: b` and a trailing `a:` make a mapping; inside a list, any colon is left to Yams.
                if inList || cursor + 1 == range.upperBound || bytes[cursor + 1] == space { return false }
            case comma, doubleQuote, singleQuote: if inList { return false }
            default: break
            }
        }
        return true
    }

    private static func startsWithIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        // - ? : , [ ] { } # & * ! | > ' " % @ ` and a space
        case 0x2D, 0x3F, 0x3A, 0x2C, 0x5B, 0x5D, 0x7B, 0x7D, 0x23, 0x26, 0x2A, 0x21, 0x7C, 0x3E, 0x27, 0x22, 0x25, 0x40, 0x60, 0x20:
            true
        default:
            false
        }
    }

    private static func isKeyStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        isKeyStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
