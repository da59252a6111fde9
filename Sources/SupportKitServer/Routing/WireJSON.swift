import Foundation

/// How every JSON body the server writes is encoded.
enum WireJSON {
    /// The encoder for every JSON body: sorted keys (stable output), ISO 8601 dates.
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }
}
