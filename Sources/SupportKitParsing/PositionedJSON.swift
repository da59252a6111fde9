import SupportKit

/// A JSON value that remembers where it starts in the file, for precise error messages.
indirect enum PositionedJSON {
    case null(offset: Int)
    case bool(Bool, offset: Int)
    case number(Double, offset: Int)
    case string(String, offset: Int)
    case array([PositionedJSON], offset: Int)
    /// Members in file order; duplicates keep the last value, as JSON parsers usually do.
    case object([(key: String, keyOffset: Int, value: PositionedJSON)], offset: Int)

    var offset: Int {
        switch self {
        case .null(let offset), .bool(_, let offset), .number(_, let offset), .string(_, let offset),
             .array(_, let offset), .object(_, let offset):
            offset
        }
    }

    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "list"
        case .object: "object"
        }
    }

    func member(_ name: String) -> (keyOffset: Int, value: PositionedJSON)? {
        guard case .object(let members, _) = self else { return nil }
        return members.last { $0.key == name }.map { ($0.keyOffset, $0.value) }
    }
}

/// A strict JSON (RFC 8259) parser over bytes that reports the offset of the first error.
struct PositionedJSONParser {
    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private let end: Int
    private var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
    }

    /// Parses exactly one value spanning the range (surrounding whitespace allowed).
    mutating func parseDocument() throws(SyntaxError) -> PositionedJSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == end else { throw SyntaxError(offset: index, message: "unexpected text after the JSON value") }
        return value
    }

    private mutating func skipWhitespace() {
        while index < end {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    private mutating func parseValue() throws(SyntaxError) -> PositionedJSON {
        guard index < end else { throw SyntaxError(offset: index, message: "unexpected end of input, expected a value") }
        let start = index
        switch bytes[index] {
        case 0x7B: return try parseObject()
        case 0x5B: return try parseArray()
        case 0x22: return .string(try parseString(), offset: start)
        case 0x74: try expectLiteral("true"); return .bool(true, offset: start)
        case 0x66: try expectLiteral("false"); return .bool(false, offset: start)
        case 0x6E: try expectLiteral("null"); return .null(offset: start)
        case 0x2D, 0x30...0x39: return try parseNumber()
        default:
            throw SyntaxError(offset: index, message: "unexpected character \(describe(bytes[index])), expected a value")
        }
    }

    private func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "0x%02X", byte)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= end else { throw SyntaxError(offset: index, message: "unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw SyntaxError(offset: index, message: "invalid literal, expected \(literal)")
        }
        index += count
    }

    private mutating func parseNumber() throws(SyntaxError) -> PositionedJSON {
        let start = index
        if bytes[index] == 0x2D { index += 1 }
        while index < end, (0x30...0x39).contains(bytes[index]) || bytes[index] == 0x2E || bytes[index] == 0x65
            || bytes[index] == 0x45 || bytes[index] == 0x2B || bytes[index] == 0x2D {
            index += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw SyntaxError(offset: start, message: "invalid number \(text)") }
        return .number(value, offset: start)
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        let start = index
        index += 1
        var output: [UInt8] = []
        var segmentStart = index
        while index < end {
            let byte = bytes[index]
            if byte == 0x22 {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
                index += 1
                return String(decoding: output, as: UTF8.self)
            }
            if byte < 0x20 {
                throw SyntaxError(offset: index, message: byte == 0x0A ? "unterminated string (line break inside a string; write \\n)" : "control character in string")
            }
            if byte == 0x5C {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
                index += 1
                guard index < end else { break }
                switch bytes[index] {
                case 0x22: output.append(0x22)
                case 0x5C: output.append(0x5C)
                case 0x2F: output.append(0x2F)
                case 0x62: output.append(0x08)
                case 0x66: output.append(0x0C)
                case 0x6E: output.append(0x0A)
                case 0x72: output.append(0x0D)
                case 0x74: output.append(0x09)
                case 0x75:
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar), index + 2 < end, bytes[index + 1] == 0x5C, bytes[index + 2] == 0x75 {
                        index += 2
                        let low = try parseHex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    output.append(contentsOf: String(Character(character)).utf8)
                default:
                    throw SyntaxError(offset: index - 1, message: "invalid escape sequence")
                }
                index += 1
                segmentStart = index
                continue
            }
            index += 1
        }
        throw SyntaxError(offset: start, message: "unterminated string")
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard index + 4 < end else { throw SyntaxError(offset: index, message: "truncated \\u escape") }
        var value: UInt32 = 0
        for offset in 1...4 {
            let byte = bytes[index + offset]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw SyntaxError(offset: index + offset, message: "invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private mutating func parseArray() throws(SyntaxError) -> PositionedJSON {
        let start = index
        depth += 1
        guard depth < 512 else { throw SyntaxError(offset: index, message: "nesting too deep") }
        defer { depth -= 1 }
        index += 1
        var elements: [PositionedJSON] = []
        skipWhitespace()
        if index < end, bytes[index] == 0x5D { index += 1; return .array(elements, offset: start) }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < end else { throw SyntaxError(offset: start, message: "unclosed '[' (missing ']')") }
            if bytes[index] == 0x2C { index += 1; continue }
            if bytes[index] == 0x5D { index += 1; return .array(elements, offset: start) }
            throw SyntaxError(offset: index, message: "expected ',' or ']' after a list element, found \(describe(bytes[index]))")
        }
    }

    private mutating func parseObject() throws(SyntaxError) -> PositionedJSON {
        let start = index
        depth += 1
        guard depth < 512 else { throw SyntaxError(offset: index, message: "nesting too deep") }
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, keyOffset: Int, value: PositionedJSON)] = []
        skipWhitespace()
        if index < end, bytes[index] == 0x7D { index += 1; return .object(members, offset: start) }
        while true {
            skipWhitespace()
            guard index < end, bytes[index] == 0x22 else {
                throw SyntaxError(offset: index, message: index < end ? "expected a quoted key, found \(describe(bytes[index]))" : "unclosed '{' (missing '}')")
            }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard index < end, bytes[index] == 0x3A else { throw SyntaxError(offset: index, message: "expected ':' after key \"\(key)\"") }
            index += 1
            skipWhitespace()
            members.append((key, keyOffset, try parseValue()))
            skipWhitespace()
            guard index < end else { throw SyntaxError(offset: start, message: "unclosed '{' (missing '}')") }
            if bytes[index] == 0x2C { index += 1; continue }
            if bytes[index] == 0x7D { index += 1; return .object(members, offset: start) }
            throw SyntaxError(offset: index, message: "expected ',' or '}' after a value, found \(describe(bytes[index]))")
        }
    }
}
