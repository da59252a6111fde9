import Foundation

/// Finding one byte in a buffer with memchr, many bytes at a time: the parsers' scans run over every byte of a
/// corpus, where a byte-by-byte generic `firstIndex(of:)` or `contains(_:)` shows in the profile. The package's one
/// home of memchr (the chunker uses it too).
package enum ByteSearch {
    /// The offset of the first `byte` in `bytes[start..<end]`, or nil.
    @inline(__always)
    package static func first(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard let base = bytes.baseAddress, start < end else { return nil }
        return memchr(base + start, Int32(byte), end - start).map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) }
    }

    /// Whether `text` holds `byte`.
    static func contains(_ byte: UInt8, in text: String) -> Bool {
        var text = text
        return text.withUTF8 { first(byte, in: $0, from: 0, to: $0.count) != nil }
    }

    /// Whether `bytes` holds `byte`.
    static func contains(_ byte: UInt8, in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { first(byte, in: $0, from: 0, to: $0.count) != nil }
    }
}
