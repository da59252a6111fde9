import Foundation
import SupportKit

/// A source file's bytes, checked to be readable text, with fast offset-to-line lookup.
struct SourceText {
    let path: String
    /// UTF-8 bytes without a byte-order mark.
    let bytes: [UInt8]
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]

    /// Validates `data` as UTF-8 text.
    ///
    /// - Throws: `InputError` for a binary file (a NUL byte) or invalid UTF-8, at the first bad byte.
    init(path: String, data: Data) throws {
        self.path = path
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // UTF-16 with a byte-order mark (what Windows editors save as "Unicode") is read as the text it is.
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            guard let text = String(data: Data(bytes.dropFirst(2)), encoding: encoding) else {
                throw InputError(
                    SourceLocation(path: path, line: 1, column: 1), field: "encoding",
                    problem: "invalid UTF-16 (the file starts with a UTF-16 byte-order mark)", remedy: "re-save the file as UTF-8")
            }
            bytes = Array(text.utf8)
        }
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 40 + 1)
        // memchr looks for line breaks and NUL bytes many bytes at a time; this runs over every byte of the corpus.
        let nul = bytes.withUnsafeBufferPointer { buffer -> Int? in
            var offset = 0
            while let lineBreak = ByteSearch.first(0x0A, in: buffer, from: offset, to: buffer.count) {
                offset = lineBreak + 1
                starts.append(offset)
            }
            return ByteSearch.first(0, in: buffer, from: 0, to: buffer.count)
        }
        self.lineStarts = starts
        if let nul {
            // Every other byte NUL near the start: UTF-16 without a byte-order mark, not a binary file.
            let head = bytes.prefix(64)
            let evenNULs = stride(from: 0, to: head.count, by: 2).filter { head[$0] == 0 }.count
            let oddNULs = stride(from: 1, to: head.count, by: 2).filter { head[$0] == 0 }.count
            if head.count >= 4, min(evenNULs, oddNULs) == 0, max(evenNULs, oddNULs) * 5 >= head.count / 2 * 4 {
                throw InputError(
                    location(of: nul), field: "encoding", problem: "UTF-16 text without a byte-order mark",
                    remedy: "re-save the file as UTF-8 (or as UTF-16 with a byte-order mark)")
            }
            throw InputError(
                location(of: nul), field: "file", problem: "binary content (a NUL byte), not a text document",
                remedy: "remove the file from the corpus or export it as Markdown, HTML or JSON")
        }
        if let bad = Self.firstInvalidUTF8(bytes) {
            throw InputError(
                location(of: bad), field: "encoding", problem: "invalid UTF-8 byte 0x\(String(bytes[bad], radix: 16, uppercase: true))",
                remedy: "re-save the file as UTF-8")
        }
    }

    /// Text already checked, with some of it replaced (`SiteMarkup` keeps every line break, so lines stay the
    /// file's lines).
    init(path: String, checkedBytes bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 40 + 1)
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// The 1-based line and column (in bytes) of a byte offset.
    func location(of offset: Int) -> SourceLocation {
        let line = lineIndex(of: offset)
        return SourceLocation(path: path, line: line + 1, column: offset - lineStarts[line] + 1)
    }

    /// The 0-based line containing `offset`.
    func lineIndex(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The offset of the first byte that breaks UTF-8 well-formedness, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            var index = 0
            let count = buffer.count
            let raw = UnsafeRawBufferPointer(buffer)
            while index < count {
                // Skip ASCII eight bytes at a time: most text is ASCII.
                while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
                let byte = buffer[index]
                if byte < 0x80 { index += 1; continue }
                let length: Int
                var minimum: UInt32
                var scalar: UInt32
                switch byte {
                case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F); minimum = 0x80
                case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F); minimum = 0x800
                case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07); minimum = 0x10000
                default: return index
                }
                guard index + length <= count else { return index }
                for offset in 1..<length {
                    let continuation = buffer[index + offset]
                    guard continuation & 0xC0 == 0x80 else { return index }
                    scalar = scalar << 6 | UInt32(continuation & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
                index += length
            }
            return nil
        }
    }
}
