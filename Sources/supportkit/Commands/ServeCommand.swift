import ArgumentParser
import Foundation
import Logging
import SupportKit
import SupportKitServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the REST and WebSocket server for the avatar front end.",
        discussion: """
            Serves POST /v1/chat, GET /v1/chat/ws, POST /v1/conversations/{id}/agent-messages, GET and POST \
            /v1/customers/{id}/history, DELETE /v1/customers/{id}, GET /v1/tickets/{id}, /healthz, /readyz, /metrics and the chat page at /. \
            Routes under /v1/ need `Authorization: Bearer KEY`; keys come from --keys-file (one per line, optionally \
            followed by its scopes: chat history:read history:write history:delete tickets:read metrics; a key alone \
            has all but history:write and history:delete; # comments) and/or SUPPORTKIT_API_KEYS (comma-separated, default scopes). SIGTERM or \
            SIGINT drains in-flight requests and closes WebSockets within --grace-period. See docs/server.md. \
            Exit codes: 0 stopped cleanly, 2 bad flags or keys, 3 the address or the assistant is unavailable.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Address to bind (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one and prints it).")
    var port = 8080

    @Option(name: .long, help: "File of API keys: one per line, optionally followed by its scopes (KEY chat history:write); blank lines and # comments ignored.")
    var keysFile: String?

    @Option(name: .long, help: "Seconds SIGTERM waits for in-flight requests and open sockets.")
    var gracePeriod: Double = 20

    @Option(name: .long, help: "Seconds an assistant call may take before the client gets 504.")
    var requestTimeout: Double = 30

    @Option(name: .long, help: "Requests per second allowed per API key (token bucket refill rate).")
    var rate: Double = 5

    @Option(name: .long, help: "Requests an API key may burst before --rate applies (token bucket size).")
    var burst: Double = 20

    @Option(name: .long, help: "Largest request body or WebSocket message, in bytes (413 above it).")
    var maxBodyBytes = 64 * 1024

    @Option(name: .long, help: "File holding the identity secret (at least 32 bytes) that customer tokens for browser front ends are signed with; default: SUPPORTKIT_IDENTITY_SECRET. Without one, no customer token is accepted.")
    var identitySecretFile: String?

    @Option(name: .long, help: "Most connections open at once; one more is answered 503 and closed.")
    var maxConnections = 4096

    @Option(name: .long, help: "Seconds a keep-alive connection may sit idle between requests before it is closed.")
    var idleTimeout: Double = 60

    @Option(name: .long, help: "Seconds a new connection has to send its request line and headers (408 after).")
    var headerTimeout: Double = 10

    @Flag(name: .long, help: "Serve /metrics without an API key (e.g. for a Prometheus on a private network).")
    var openMetrics = false

    @Flag(name: .long, help: .hidden)
    var echoAssistant = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port; use 0...65535") }
        guard gracePeriod >= 0, gracePeriod <= 3600 else { throw ValidationError("--grace-period must be 0...3600 seconds") }
        guard requestTimeout > 0, requestTimeout <= 3600 else { throw ValidationError("--request-timeout must be more than 0 and at most 3600 seconds") }
        guard rate > 0 else { throw ValidationError("--rate must be more than 0 requests per second") }
        guard burst >= 1 else { throw ValidationError("--burst must be at least 1") }
        guard (16...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 16...1000000") }
        guard idleTimeout >= 1, idleTimeout <= 3600 else { throw ValidationError("--idle-timeout must be 1...3600 seconds") }
        guard headerTimeout >= 1, headerTimeout <= 600 else { throw ValidationError("--header-timeout must be 1...600 seconds") }
        guard maxBodyBytes >= 1024, maxBodyBytes <= 16 * 1024 * 1024 else { throw ValidationError("--max-body-bytes must be 1024...16777216") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            let keys = try loadKeys()
            var logger = Logger(label: "supportkit.server")
            logger.logLevel = global.verbose ? .debug : .info
            let dependencies = echoAssistant ? EchoAssistant.dependencies() : try await makeServerDependencies(wiring: wiring)
            let configuration = ServerConfiguration(
                host: host, port: port, gracePeriod: .milliseconds(Int(gracePeriod * 1000)),
                requestTimeout: .milliseconds(Int(requestTimeout * 1000)), maxBodyBytes: maxBodyBytes,
                rateLimit: rate, burst: burst, metricsRequireAuth: !openMetrics, maxConnections: maxConnections,
                idleTimeout: .milliseconds(Int(idleTimeout * 1000)), headerTimeout: .milliseconds(Int(headerTimeout * 1000)))
            let identitySecret = try IdentitySecret.load(file: identitySecretFile)
            let server = SupportServer(
                configuration: configuration, dependencies: dependencies, keys: keys, logger: logger, identitySecret: identitySecret)
            let host = self.host
            let keyCount = keys.count
            let echo = echoAssistant
            let tokens = identitySecret == nil ? "" : ", customer tokens accepted"
            try await server.run { port in
                Terminal.diagnostic("supportkit serve: listening on http://\(host):\(port) (\(keyCount) API key(s)\(tokens)\(echo ? ", echo assistant" : ""))")
            }
        }
    }

    /// Keys from `--keys-file` and `SUPPORTKIT_API_KEYS`; at least one is required.
    private func loadKeys() throws -> APIKeySet {
        var keys = try APIKeySet(keys: [])
        do {
            if let keysFile {
                let text: String
                do {
                    text = try String(contentsOfFile: keysFile, encoding: .utf8)
                } catch {
                    throw SupportKitError(.invalidInput, "--keys-file \(keysFile) cannot be read; check the path and its permissions", underlying: error)
                }
                keys = keys.union(try APIKeySet.parseKeysFile(text, origin: keysFile))
            }
            if let value = ProcessInfo.processInfo.environment["SUPPORTKIT_API_KEYS"] {
                keys = keys.union(try APIKeySet.parseEnvironmentValue(value))
            }
        } catch let error as ServerConfigurationError {
            throw SupportKitError(.invalidInput, error.message)
        }
        guard !keys.isEmpty else {
            throw SupportKitError(.invalidInput, "no API keys configured; pass --keys-file FILE (one key per line) or set SUPPORTKIT_API_KEYS=key1,key2")
        }
        return keys
    }
}
