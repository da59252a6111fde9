import Foundation
import GRPCCore
import Logging
import SupportKit
import SupportKitStore
import SupportKitTesting
import SupportKitVectorAI
import SupportKitVectorAITesting
import Testing

/// What backs the loopback VectorAI DB stand-in.
enum Backing: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, inMemory
    var testDescription: String { "vectorAI over \(rawValue)" }
}

/// Starts a loopback server over a fresh backing store, connects a `VectorAIVectorStore`, runs `body`,
/// then closes both.
///
/// - Parameters:
///   - backing: the server's store.
///   - serverConfiguration: API key, faults.
///   - client: adjusts the client configuration (the port is already set).
///   - services: replaces the server's services (to wrap one of them).
func withVectorAIStore<Result: Sendable>(
    backing: Backing = .sqlite, server serverConfiguration: VectorAIDevServer.Configuration = .init(),
    client: (inout VectorAIVectorStore.Configuration) -> Void = { _ in },
    services: ((VectorAIDevServer) -> [any RegistrableRPCService])? = nil,
    _ body: (VectorAIVectorStore) async throws -> Result
) async throws -> Result {
    let folder = try TemporaryDirectory(prefix: "supportkit-vectorai")
    defer { folder.remove() }
    let backingStore: any VectorStore = switch backing {
    case .sqlite: try SQLiteVectorStore(path: folder.url.appendingPathComponent("server.sqlite").path)
    case .inMemory: InMemoryVectorStore()
    }
    let server = VectorAIDevServer(store: backingStore, configuration: serverConfiguration)
    return try await server.withRunning(services: services?(server)) { port in
        var configuration = VectorAIVectorStore.Configuration(
            host: "127.0.0.1", port: port, callTimeout: .seconds(10),
            retry: .init(maxAttempts: 3, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100)))
        client(&configuration)
        let store = try await VectorAIVectorStore.connect(configuration: configuration, logger: Logger(label: "test"))
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
