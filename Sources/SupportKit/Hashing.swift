import Crypto
import Foundation

/// SHA-256 over a sequence of strings, each length-prefixed so that ("ab","c") and ("a","bc") differ.
public struct ContentHasher {
    private var hasher = SHA256()

    public init() {}

    public mutating func combine(_ string: String) {
        var string = string
        // Native strings are contiguous UTF-8 already: no copy.
        string.withUTF8 { utf8 in
            var length = UInt64(utf8.count).littleEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(utf8))
        }
    }

    /// The same as `combine(parts.joined(separator: separator))`, without building the joined string.
    public mutating func combine(joining parts: [String], separator: String) {
        var separator = separator
        separator.withUTF8 { separatorBytes in
            let total = parts.reduce(0) { $0 + $1.utf8.count } + separatorBytes.count * max(0, parts.count - 1)
            var length = UInt64(total).littleEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            for (index, part) in parts.enumerated() {
                if index > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(separatorBytes)) }
                var part = part
                part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            }
        }
    }

    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// Lower-case hex digest.
    public func finalize() -> String {
        hasher.finalize().hexString
    }

    /// Hex SHA-256 of one string.
    public static func hash(_ string: String) -> String {
        SHA256.hash(data: Data(string.utf8)).hexString
    }

    /// Hex SHA-256 of raw bytes.
    public static func hash(_ data: Data) -> String {
        SHA256.hash(data: data).hexString
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        var out = ""
        out.reserveCapacity(64)
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        out = String(decoding: bytes, as: UTF8.self)
        return out
    }
}

extension SHA256.Digest {
    var hexString: String { Array(self).hexString }
}

extension UUID {
    /// The namespace under which supportkit derives chunk ids.
    public static let supportKitChunks = UUID(uuidString: "6f1c2a52-3b8e-5d4e-9a61-2f0d7c9b8e11")!

    /// A name-based UUID, version 5 (SHA-1), as RFC 9562 defines it.
    public static func v5(namespace: UUID, name: String) -> UUID {
        // Hashed in place: every chunk gets an id, so the copies into a joined array showed in profiles.
        var sha1 = Insecure.SHA1()
        withUnsafeBytes(of: namespace.uuid) { sha1.update(bufferPointer: $0) }
        var name = name
        name.withUTF8 { sha1.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return sha1.finalize().withUnsafeBytes { bytes in
            UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], (bytes[6] & 0x0F) | 0x50, bytes[7],
                        (bytes[8] & 0x3F) | 0x80, bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}
