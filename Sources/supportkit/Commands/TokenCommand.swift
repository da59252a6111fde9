import ArgumentParser
import Foundation
import SupportKit
import SupportKitServer

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a customer token: a browser front end chats as this one customer without an API key.",
        discussion: """
            Signs skc1.<customer>.<expiry>.<HMAC-SHA256> with the identity secret that `serve` was given \
            (--identity-secret-file or SUPPORTKIT_IDENTITY_SECRET). Your site's backend normally mints tokens itself \
            (docs/server.md has a five-line example); this command is for scripts and trying it out. Prints the token on \
            stdout. Exit codes: 0 printed, 2 no or bad secret, bad flags.
            """)

    @Option(name: .long, help: "The customer id the token speaks for.")
    var customer: String

    @Option(name: .long, help: "Seconds until the token expires (60...86400).")
    var ttl: Int = 900

    @Option(name: .long, help: "File holding the identity secret (at least 32 bytes); default: SUPPORTKIT_IDENTITY_SECRET.")
    var identitySecretFile: String?

    func validate() throws {
        guard (60...86_400).contains(ttl) else { throw ValidationError("--ttl must be 60...86400 seconds") }
        guard !customer.isEmpty, customer.count <= 128, !customer.contains(where: \.isNewline) else {
            throw ValidationError("--customer must be 1 to 128 characters without line breaks")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            guard let secret = try IdentitySecret.load(file: identitySecretFile) else {
                throw SupportKitError(.invalidInput, "no identity secret; pass --identity-secret-file FILE or set \(IdentitySecret.environmentVariable) (the same one `serve` uses)")
            }
            let token = CustomerToken(customerId: customer, expires: Date().addingTimeInterval(TimeInterval(ttl)))
            print(token.signed(with: secret))
        }
    }
}
