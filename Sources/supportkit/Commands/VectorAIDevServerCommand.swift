import ArgumentParser
import Foundation
import SupportKit
import SupportKitStore
import SupportKitVectorAITesting

/// Development tool: a local stand-in for Actian VectorAI DB (same gRPC services and wire format) backed by
/// a supportkit SQLite file, for trying `--store vectorai://...` where the real server cannot run.
struct VectorAIDevServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectorai-dev-server",
        abstract: "Development tool: serve VectorAI DB's gRPC API on loopback from a local SQLite store.",
        discussion: """
            Not VectorAI DB: a stand-in for tests and demos (see docs/vectorai.md). Runs until interrupted. \
            Example: supportkit vectorai-dev-server --port 50051 --store sqlite:/tmp/vectorai-dev.sqlite
            """,
        shouldDisplay: false)

    @Option(name: .long, help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to bind (0: any free port, printed on start).")
    var port: Int = 50051

    @Option(name: .long, help: "Backing store: sqlite:PATH (or a bare path).")
    var store: String = "sqlite:.supportkit/vectorai-dev.sqlite"

    @Option(name: .long, help: "Require this api-key metadata on every call (default: VECTORAI_API_KEY when set, else none).")
    var apiKey: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        try await runReportingErrors {
            guard case .sqlite(let path) = try StoreLocation(store) else {
                throw SupportKitError(.invalidInput, "--store must be sqlite:PATH for the development server")
            }
            let key = apiKey ?? ProcessInfo.processInfo.environment["VECTORAI_API_KEY"]
            let server = VectorAIDevServer(
                store: try SQLiteVectorStore(path: path),
                configuration: .init(host: host, port: port, requiredAPIKey: key))
            do {
                try await server.serve { bound in
                    Terminal.diagnostic("vectorai-dev-server: listening on \(host):\(bound), backed by \(path)\(key == nil ? "" : ", api-key required"); Ctrl-C stops it")
                }
            } catch let error as SupportKitError {
                throw error
            } catch {
                throw SupportKitError(.unavailable, "cannot serve on \(host):\(port); is the port in use?", underlying: error)
            }
        }
    }
}
