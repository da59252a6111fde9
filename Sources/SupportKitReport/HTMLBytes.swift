/// HTML assembled as UTF-8 bytes: fixed markup, numbers, and text escaped on the way in.
///
/// The drill-down of a 5,000-turn report is about 16 MB of markup. Built with `String` interpolation, every
/// piece is a temporary string, copied again by each `+=` and by each join up to the file; here each byte is
/// written once, into one growing buffer per conversation.
struct HTMLBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Markup written as is: only literals, which hold no input text.
    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Markup the report built itself (a class name, an anchor id, a formatted number), written as is.
    mutating func markup(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A decimal integer.
    mutating func number(_ value: Int) {
        markup(String(value))
    }

    /// Text from a document or a conversation, with `& < > " '` as entities (the report's one escape table:
    /// `String.htmlEscaped` writes through it too).
    mutating func text(_ text: String) {
        var text = text
        text.withUTF8 { appendEscaped($0) }
    }

    /// Another buffer's bytes.
    mutating func append(_ other: HTMLBytes) {
        bytes.append(contentsOf: other.bytes)
    }

    /// `& < > " '` become entities; runs of other bytes are copied whole. The five characters are ASCII, and
    /// ASCII bytes never occur inside a multi-byte UTF-8 sequence, so escaping byte by byte is safe.
    private mutating func appendEscaped(_ source: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for index in source.indices {
            let entity: StaticString
            switch source[index] {
            case 0x26: entity = "&amp;"
            case 0x3C: entity = "&lt;"
            case 0x3E: entity = "&gt;"
            case 0x22: entity = "&quot;"
            case 0x27: entity = "&#39;"
            default: continue
            }
            if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<index])) }
            raw(entity)
            start = index + 1
        }
        if start < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start...])) }
    }
}
