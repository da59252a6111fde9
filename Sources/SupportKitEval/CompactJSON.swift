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

    /// `[{"chunkId":"…","docId":"…","headingPath":"…","score":0.5,"title":"…"},…]`, fields in any order.
    static func retrievedChunks(_ text: String) -> [RetrievedChunk]? {
        read(text) { reader in
            try reader.array {
                var chunkId: UUID?, docId: String?, title: String?, headingPath: String?, score: Double?
                try reader.object { key in
                    switch key {
                    case "chunkId": chunkId = UUID(uuidString: try reader.string())
                    case "docId": docId = try reader.string()
                    case "title": title = try reader.string()
                    case "headingPath": headingPath = try reader.string()
                    case "score": score = try reader.number()
                    default: throw Reader.Unsupported()
                    }
                }
                guard let chunkId, let docId, let title, let headingPath, let score else { throw Reader.Unsupported() }
                return RetrievedChunk(chunkId: chunkId, docId: docId, title: title, headingPath: headingPath, score: score)
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
        func object(_ value: (String) throws -> Void) throws {
            try expect(UInt8(ascii: "{"))
            if consume(UInt8(ascii: "}")) { return }
            repeat {
                let key = try string()
                try expect(UInt8(ascii: ":"))
                try value(key)
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
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
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw Unsupported()
                }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
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
