import Crypto
import Foundation

/// A short-lived credential a site's backend mints for one signed-in customer, so that a browser front end can
/// chat as that customer, and only as that customer, without ever holding an API key.
///
/// The backend and the server share a secret (`serve --identity-secret-file`); the browser never sees it.
/// A token is `skc1.<customer id, base64url>.<expiry, Unix seconds>.<HMAC-SHA256 of the part before it, base64url>`,
/// in the manner of the identity verification of chat widgets (an HMAC of the user id with a secret). The server
/// accepts it on `POST /v1/chat` and the WebSocket in place of an API key, for the `chat` scope only, and refuses a
/// request whose `customer_id` is not the token's. Minting takes a few lines in any language (docs/server.md).
public struct CustomerToken: Sendable, Equatable {
    /// The customer the token speaks for.
    public var customerId: String
    /// When the token stops being accepted.
    public var expires: Date

    /// The identity secret shared by the site's backend and the server. Its bytes never leave it.
    public struct Secret: Sendable {
        fileprivate let bytes: [UInt8]
        /// A secret of these bytes.
        public init(bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }
        var key: SymmetricKey { SymmetricKey(data: bytes) }
    }

    /// The prefix that tells a customer token from an API key.
    public static let prefix = "skc1."

    /// Why a token was refused; the text is safe to show to the client (it never contains the secret).
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed
        case badSignature
        case expired(Date)

        public var description: String {
            switch self {
            case .malformed:
                "the customer token is not valid: expected skc1.<customer>.<expiry>.<signature>; mint a new one on your backend"
            case .badSignature:
                "the customer token is not valid: its signature does not match (altered, or signed with another secret)"
            case .expired(let date):
                "the customer token expired at \(ISO8601DateFormatter().string(from: date)); mint a new one on your backend"
            }
        }
    }

    /// Creates the claims of a token.
    public init(customerId: String, expires: Date) {
        self.customerId = customerId
        self.expires = expires
    }

    /// The token's text, signed with `secret`.
    public func signed(with secret: Secret) -> String {
        let body = Self.prefix + Self.base64URL(Data(customerId.utf8)) + "." + String(Int(expires.timeIntervalSince1970.rounded(.down)))
        return body + "." + Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: secret.key)))
    }

    /// Checks a token's signature and expiry.
    ///
    /// - Parameters:
    ///   - text: The token as presented.
    ///   - secret: The shared identity secret.
    ///   - now: The current time.
    /// - Returns: The token's claims.
    /// - Throws: ``Refusal``.
    public static func verify(_ text: some StringProtocol, secret: Secret, now: Date = Date()) throws(Refusal) -> CustomerToken {
        guard text.hasPrefix(prefix), text.utf8.count <= 1024 else { throw .malformed }
        let parts = text.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let customerData = data(base64URL: parts[0]), let seconds = Int(parts[1]),
              let signature = data(base64URL: parts[2]),
              let customerId = String(data: customerData, encoding: .utf8), !customerId.isEmpty
        else { throw .malformed }
        let body = text.dropLast(parts[2].count + 1)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(body.utf8), using: secret.key) else {
            throw .badSignature
        }
        let expires = Date(timeIntervalSince1970: TimeInterval(seconds))
        guard expires > now else { throw .expired(expires) }
        return CustomerToken(customerId: customerId, expires: expires)
    }

    /// A secret from the text of a secrets file or variable: at least 32 bytes after trimming white space.
    public static func secret(from text: String) -> Secret? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= 32 else { return nil }
        return Secret(bytes: trimmed.utf8)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: some StringProtocol) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
