import Foundation
import SupportKit

/// Reads the JSON columns of the results database in the compact form the store itself writes (no whitespace,
/// known fields only), so that loading a 5,000-turn run does not spend most of its time in `JSONDecoder`.
///
/// Every reader returns nil for any text outside that form (whitespace, `null`, an unknown or missing field,
/// malformed input), and the caller then decodes the text with `JSONDecoder`: the results are the same either
/// way, only the time differs.
enum CompactJSON {
    /// `["a","b"]`.
    static func strings(_ text: String) -> [String]? {
        read(text) { reader in
            try reader.array { try reader.string() }
        }
    }

    /// `[{"chunkId":"…","docId":"…","headingPath":"…","score":0.5,"similarity":0.61,"title":"…"},…]`, fields in any
    /// order, `similarity` optional.
    ///
    /// A run's chunks repeat the same few articles: a text equal to one read earlier in the same list shares
    /// its storage instead of allocating again.
    static func retrievedChunks(_ text: String) -> [RetrievedChunk]? {
        read(text) { reader in
            var seen = SeenStrings()
            return try reader.array {
                var chunkId: UUID?, docId: String?, title: String?, headingPath: String?, score: Double?, similarity: Double?
                try reader.object { key in
                    if key.equals("chunkId") { chunkId = try reader.uuid() }
                    else if key.equals("docId") { docId = try reader.string(reusing: &seen) }
                    else if key.equals("title") { title = try reader.string(reusing: &seen) }
                    else if key.equals("headingPath") { headingPath = try reader.string(reusing: &seen) }
                    else if key.equals("score") { score = try reader.number() }
                    else if key.equals("similarity") { similarity = try reader.number() }
                    else { throw Reader.Unsupported() }
                }
                guard let chunkId, let docId, let title, let headingPath, let score else { throw Reader.Unsupported() }
                return RetrievedChunk(chunkId: chunkId, docId: docId, title: title, headingPath: headingPath, score: score,
                                      similarity: similarity)
            }
        }
    }

    /// Strings already read from one text, by the bytes they were read from.
    private struct SeenStrings {
        var entries: [(bytes: Range<Int>, value: String)] = []
    }

    /// An object key as it appears in the text (keys with escapes are outside the compact form).
    private struct Key {
        let bytes: UnsafeBufferPointer<UInt8>

        func equals(_ name: StaticString) -> Bool {
            name.withUTF8Buffer { name in
                name.count == bytes.count && memcmp(name.baseAddress!, bytes.baseAddress!, name.count) == 0
            }
        }
    }

    private static func read<T>(_ text: String, _ body: (Reader) throws -> T) -> T? {
        var text = text
        return text.withUTF8 { bytes in
            let reader = Reader(bytes: bytes)
            guard let value = try? body(reader), reader.index == bytes.count else { return nil }
            return value
        }
    }

    /// A cursor over UTF-8 bytes that throws `Unsupported` at the first byte outside the compact form.
    private final class Reader {
        struct Unsupported: Error {}

        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        func expect(_ byte: UInt8) throws {
            guard index < bytes.count, bytes[index] == byte else { throw Unsupported() }
            index += 1
        }

        func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// `[element,element,…]` or `[]`.
        func array<T>(_ element: () throws -> T) throws -> [T] {
            try expect(UInt8(ascii: "["))
            var elements: [T] = []
            if consume(UInt8(ascii: "]")) { return elements }
            repeat { elements.append(try element()) } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
            return elements
        }

        /// `{"key":value,…}` or `{}`; `value` reads the value of each key.
        func object(_ value: (Key) throws -> Void) throws {
            try expect(UInt8(ascii: "{"))
            if consume(UInt8(ascii: "}")) { return }
            repeat {
                try expect(UInt8(ascii: "\""))
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
                let key = Key(bytes: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                try expect(UInt8(ascii: "\""))
                guard !key.bytes.isEmpty else { throw Unsupported() }
                try expect(UInt8(ascii: ":"))
                try value(key)
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        }

        /// A string; one with no escapes that equals a string in `seen` is that string.
        func string(reusing seen: inout SeenStrings) throws -> String {
            let start = index + 1
            let value = try string()
            let end = index - 1
            // Short strings are stored inline and cost nothing to make; only longer ones are worth sharing.
            guard end - start > 15, end - start == value.utf8.count else { return value }
            for entry in seen.entries where entry.bytes.count == end - start
                && memcmp(bytes.baseAddress! + entry.bytes.lowerBound, bytes.baseAddress! + start, end - start) == 0 {
                return entry.value
            }
            seen.entries.append((start..<end, value))
            return value
        }

        /// A UUID in its 36-character form, `8-4-4-4-12` hexadecimal digits of either case.
        func uuid() throws -> UUID {
            try expect(UInt8(ascii: "\""))
            guard index + 37 <= bytes.count, bytes[index + 36] == UInt8(ascii: "\"") else { throw Unsupported() }
            var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            try withUnsafeMutableBytes(of: &value) { output in
                var position = index
                for byteIndex in 0..<16 {
                    if byteIndex == 4 || byteIndex == 6 || byteIndex == 8 || byteIndex == 10 {
                        guard bytes[position] == UInt8(ascii: "-") else { throw Unsupported() }
                        position += 1
                    }
                    output[byteIndex] = try Self.hexDigit(bytes[position]) << 4 | Self.hexDigit(bytes[position + 1])
                    position += 2
                }
            }
            index += 37
            return UUID(uuid: value)
        }

        /// A string; escapes are decoded.
        func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var text = ""
            while true {
                // A run of plain bytes, then an escape or the closing quote.
                let run = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                    guard bytes[index] >= 0x20 else { throw Unsupported() }   // a raw control character is invalid JSON
                    index += 1
                }
                text += String(decoding: UnsafeBufferPointer(rebasing: bytes[run..<index]), as: UTF8.self)
                guard consume(UInt8(ascii: "\\")) else { break }
                guard index < bytes.count else { throw Unsupported() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.unicodeScalars.append(Unicode.Scalar(escape))
                case UInt8(ascii: "b"): text += "\u{08}"
                case UInt8(ascii: "f"): text += "\u{0C}"
                case UInt8(ascii: "n"): text += "\n"
                case UInt8(ascii: "r"): text += "\r"
                case UInt8(ascii: "t"): text += "\t"
                case UInt8(ascii: "u"): text.unicodeScalars.append(try unicodeEscape())
                default: throw Unsupported()
                }
            }
            try expect(UInt8(ascii: "\""))
            return text
        }

        /// The scalar of `\uXXXX` (after the `u`), or of a `\uD8XX\uDCXX` surrogate pair.
        private func unicodeEscape() throws -> Unicode.Scalar {
            let unit = try hex4()
            if (0xD800..<0xDC00).contains(unit) {
                try expect(UInt8(ascii: "\\"))
                try expect(UInt8(ascii: "u"))
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low),
                      let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                else { throw Unsupported() }
                return scalar
            }
            guard let scalar = Unicode.Scalar(unit) else { throw Unsupported() }   // a lone low surrogate
            return scalar
        }

        private func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw Unsupported() }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] { value = value << 4 | UInt32(try Self.hexDigit(byte)) }
            index += 4
            return value
        }

        private static func hexDigit(_ byte: UInt8) throws -> UInt8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: throw Unsupported()
            }
        }

        /// A JSON number.
        func number() throws -> Double {
            let start = index
            while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
            guard index > start, bytes[start] != UInt8(ascii: "+"),
                  let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)),
                  value.isFinite
            else { throw Unsupported() }
            return value
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }
    }
}
