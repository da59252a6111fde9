import ArgumentParser
import Foundation
import Logging
import SupportKit
import SupportKitAssistant
import SupportKitEmbedding
import SupportKitStore
import SupportKitVectorAI

/// Builds the live dependencies from options and settings. The only place that chooses implementations.
struct Wiring {
    let options: GlobalOptions
    let settings: ProjectSettings
    let location: StoreLocation
    let logger: Logger

    init(options: GlobalOptions) throws {
        self.options = options
        self.settings = try ProjectSettings.load(path: options.config)
        let environment = ProcessInfo.processInfo.environment
        self.location = try StoreLocation(
            options.store ?? environment["SUPPORTKIT_STORE"] ?? settings.store ?? environment["VECTORAI_URL"].map(StoreLocation.vectorAIURL))
        var logger = Logger(label: "supportkit")
        logger.logLevel = options.verbose ? .debug : .warning
        self.logger = logger
    }

    var embedderName: String { options.embedder ?? settings.embedder ?? "minilm" }
    var modelDir: String? { options.modelDir ?? settings.modelDir }

    /// The local SQLite database (the store itself for sqlite:, the state file otherwise).
    func localDatabase() throws -> StoreDatabase {
        try StoreDatabase(path: location.localStatePath)
    }

    /// The configured store; for VectorAI DB, connected and health-checked (`.unavailable`, exit 3, when
    /// nothing answers). Full-text search is available when the store also conforms to `LexicalSearching`.
    func makeStore(database: StoreDatabase) async throws -> any VectorStore {
        switch location {
        case .sqlite:
            return SQLiteVectorStore(database: database)
        case .vectorAI(let host, let port):
            let configuration = try VectorAIVectorStore.Configuration(host: host, port: port)
                .applyingEnvironment(ProcessInfo.processInfo.environment)
            return try await VectorAIVectorStore.connect(configuration: configuration, logger: logger)
        }
    }

    /// The configured embedder without the cache.
    func makeBaseEmbedder() throws -> any Embedder {
        try EmbedderFactory.make(name: embedderName, modelDirectory: modelDir, logger: logger)
    }

    /// The configured embedder behind the SQLite embedding cache.
    func makeEmbedder(database: StoreDatabase) throws -> CachingEmbedder {
        CachingEmbedder(base: try makeBaseEmbedder(), cache: SQLiteEmbeddingCache(database: database))
    }
}

extension Wiring {
    /// The assistant as evaluation replays it: isolated sessions, with the classifier's labels and training
    /// texts for suite validation.
    func makeEvalAssistant(database: StoreDatabase, store: any VectorStore) async throws -> EvalAssistant {
        let configuration = try assistantConfiguration()
        let assistant = try await SupportAssistant.makeLive(
            store: store, embedder: try makeEmbedder(database: database), configuration: configuration,
            paths: assistantPaths(configuration), logger: logger)
        return EvalAssistant(
            factory: try SupportAssistantFactory(assistant: assistant),
            intents: assistant.classifier.intentLabels, trainingExamples: assistant.classifier.trainingTexts)
    }
}

/// Runs a command body, turning errors into messages and exit codes (2 input, 3 infrastructure).
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as SupportKitError {
        Terminal.message("error: \(error.description)")
        throw ExitCode(error.exitCode)
    } catch let error as InputError {
        Terminal.message("error: \(error.description)")
        throw ExitCode(2)
    } catch let error as ValidationError {
        throw error
    } catch {
        Terminal.message("error: \(error)")
        throw ExitCode(3)
    }
}
