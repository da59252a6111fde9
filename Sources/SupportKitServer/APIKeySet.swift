import Foundation
import SupportKit

/// The API keys the server accepts, each with its scopes, compared in constant time.
///
/// Keys come from a file (one per line, optionally followed by the key's scopes; `#` starts a comment) and/or a
/// comma-separated environment variable (keys with the default scopes). A key is never logged or echoed;
/// ``fingerprint(of:)`` gives a short hash prefix for logs and metrics.
public struct APIKeySet: Sendable {
    private struct Entry: Sendable {
        var key: [UInt8]
        var scopes: Set<APIScope>
    }
    private let keys: [Entry]

    /// The smallest key length accepted, so that a typo like an empty line cannot become a key.
    public static let minimumKeyLength = 16

    /// Creates a key set of keys with the default scopes (``APIScope/defaults``).
    ///
    /// - Throws: ``ServerConfigurationError`` when a key is shorter than ``minimumKeyLength`` or has spaces.
    public init(keys: [String], origin: String = "keys") throws {
        try self.init(scopedKeys: keys.map { ($0, APIScope.defaults) }, origin: origin)
    }

    /// Creates a key set in which each key has the scopes given with it.
    ///
    /// - Throws: ``ServerConfigurationError`` when a key is shorter than ``minimumKeyLength`` or has spaces.
    public init(scopedKeys: [(key: String, scopes: Set<APIScope>)], origin: String = "keys") throws {
        var parsed: [Entry] = []
        for (index, (key, scopes)) in scopedKeys.enumerated() {
            guard key.count >= Self.minimumKeyLength else {
                throw ServerConfigurationError(
                    "\(origin): key #\(index + 1) is \(key.count) characters long; use keys of at least \(Self.minimumKeyLength) characters (e.g. `openssl rand -hex 24`)")
            }
            guard !key.contains(where: { $0.isWhitespace }) else {
                throw ServerConfigurationError("\(origin): key #\(index + 1) contains whitespace; write one key per line")
            }
            parsed.append(Entry(key: Array(key.utf8), scopes: scopes))
        }
        self.keys = parsed
    }

    /// Number of keys configured.
    public var count: Int { keys.count }
    /// Whether no key is configured (then every protected request is refused).
    public var isEmpty: Bool { keys.isEmpty }

    /// Parses a keys file: one key per line, optionally followed by its scopes (`KEY chat history:write`);
    /// a key without scopes gets ``APIScope/defaults``. Blank lines and text from `#` on are ignored.
    ///
    /// - Parameter origin: Named in errors (the file path).
    /// - Throws: ``ServerConfigurationError`` naming the line of a short key or an unknown scope (never the key).
    public static func parseKeysFile(_ text: String, origin: String) throws -> APIKeySet {
        var keys: [(key: String, scopes: Set<APIScope>)] = []
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var content = Substring(line)
            if let hash = content.firstIndex(of: "#") { content = content[..<hash] }
            let words = content.split(whereSeparator: \.isWhitespace)
            guard let key = words.first else { continue }
            var scopes = Set<APIScope>()
            for word in words.dropFirst() {
                guard let scope = APIScope(rawValue: String(word)) else {
                    let known = APIScope.allCases.map(\.rawValue).joined(separator: ", ")
                    // The word may be the key itself (a line written scope first); never echo it.
                    if APIScope(rawValue: String(key)) != nil || word.count >= Self.minimumKeyLength {
                        throw ServerConfigurationError(
                            "\(origin):\(number + 1): the line starts with a scope or has a key-like word where a scope belongs (not shown); write the key first, then its scopes (KEY \(known.replacingOccurrences(of: ",", with: "")))")
                    }
                    throw ServerConfigurationError("\(origin):\(number + 1): unknown scope \"\(word)\"; expected some of \(known) after the key")
                }
                scopes.insert(scope)
            }
            keys.append((String(key), scopes.isEmpty ? APIScope.defaults : scopes))
        }
        return try APIKeySet(scopedKeys: keys, origin: origin)
    }

    /// Parses `SUPPORTKIT_API_KEYS`: comma-separated keys, spaces around them ignored.
    public static func parseEnvironmentValue(_ value: String) throws -> APIKeySet {
        let keys = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return try APIKeySet(keys: keys, origin: "SUPPORTKIT_API_KEYS")
    }

    /// Both sets together.
    public func union(_ other: APIKeySet) -> APIKeySet {
        APIKeySet(raw: keys + other.keys)
    }

    private init(raw: [Entry]) { self.keys = raw }

    /// Whether `candidate` is one of the keys.
    public func contains(_ candidate: some StringProtocol) -> Bool {
        scopes(of: candidate) != nil
    }

    /// The scopes of `candidate`, or nil when it is not one of the keys.
    ///
    /// Every configured key is compared in full, and each comparison touches every byte of the longer of the
    /// two, so the time taken does not reveal how much of a key matched nor which key it was.
    public func scopes(of candidate: some StringProtocol) -> Set<APIScope>? {
        let bytes = Array(candidate.utf8)
        var found: Set<APIScope>?
        for entry in keys {
            let equal = Self.constantTimeEquals(entry.key, bytes)
            if equal == 1 { found = entry.scopes }
        }
        return found
    }

    /// 1 when equal, 0 otherwise, in time that depends only on the lengths.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> UInt8 {
        let length = max(a.count, b.count)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 ? 1 : 0
    }

    /// A short, non-reversible name for a key (first 8 hex digits of its SHA-256), safe for logs and metrics.
    public static func fingerprint(of key: some StringProtocol) -> String {
        String(ContentHasher.hash(String(key)).prefix(8))
    }
}

/// A server setting that cannot be used (bad keys file, bad flag); the message says what to change.
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to change.
    public var message: String
    /// Creates the error with a message that says what to do.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
