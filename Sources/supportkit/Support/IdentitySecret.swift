import Foundation
import SupportKit
import SupportKitServer

/// The identity secret customer tokens are signed with: from `--identity-secret-file` or
/// `SUPPORTKIT_IDENTITY_SECRET`. Never printed.
enum IdentitySecret {
    static let environmentVariable = "SUPPORTKIT_IDENTITY_SECRET"

    /// The secret, or nil when neither the file nor the variable is given.
    /// - Throws: `SupportKitError(.invalidInput)` for an unreadable file or a secret shorter than 32 bytes.
    static func load(file: String?) throws -> CustomerToken.Secret? {
        let text: String
        let origin: String
        if let file {
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw SupportKitError(.invalidInput, "--identity-secret-file \(file) cannot be read; check the path and its permissions", underlying: error)
            }
            origin = "--identity-secret-file \(file)"
        } else if let value = ProcessInfo.processInfo.environment[environmentVariable] {
            text = value
            origin = environmentVariable
        } else {
            return nil
        }
        guard let secret = CustomerToken.secret(from: text) else {
            throw SupportKitError(.invalidInput, "\(origin) holds a secret shorter than 32 bytes; generate one with `openssl rand -hex 32`")
        }
        return secret
    }
}
