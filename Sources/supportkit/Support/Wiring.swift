import ArgumentParser
import Foundation
import Logging
import SupportKit
import SupportKitAssistant
import SupportKitEmbedding
import SupportKitIngest
import SupportKitStore
import SupportKitVectorAI

/// Builds the live dependencies from options and settings. The only place that chooses implementations.
struct Wiring {
    let options: GlobalOptions
    /// The settings file, read once: every section comes from here.
    let settingsFile: SettingsFile
    let settings: ProjectSettings
    let location: StoreLocation
    let logger: Logger
    /// The process's environment: the one place supportkit reads environment variables (`OPENAI_API_KEY`,
    /// `SUPPORTKIT_STORE`, `VECTORAI_*`, `SUPPORTKIT_MODEL_DIR`, ...); libraries are handed what they need.
    let environment: [String: String]

    init(options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.options = options
        self.environment = environment
        self.settingsFile = try SettingsFile.load(path: options.config)
        self.settings = try ProjectSettings(settingsFile)
        self.location = try StoreLocation(
            options.store ?? environment["SUPPORTKIT_STORE"] ?? settings.store ?? environment["VECTORAI_URL"].map(StoreLocation.vectorAIURL))
        var logger = Logger(label: "supportkit")
        logger.logLevel = options.verbose ? .debug : .warning
        self.logger = logger
    }

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
            // Customer memory grows with every customer and is always searched for one of them: read from the
            // file, so serve's memory does not grow with the number of customers (docs/server.md).
            return SQLiteVectorStore(database: database, diskResident: [Collections.customerContext])
        case .vectorAI(let host, let port):
            let configuration = try VectorAIVectorStore.Configuration(host: host, port: port)
                .applyingEnvironment(environment)
            return try await VectorAIVectorStore.connect(configuration: configuration, logger: logger)
        }
    }

    /// The embedder to use: `--embedder`, else `embedder:` in the settings file, else the embedder `collection`
    /// was built with (so a store ingested with `--embedder lexical` is searched with it), else minilm.
    func embedderName(store: any VectorStore, collection: String = Collections.knowledge) async throws -> String {
        if let name = options.embedder ?? settings.embedder { return name }
        return try await store.collection(named: collection)?.embedder.name ?? EmbedderFactory.defaultName
    }

    /// The embedder (see `embedderName`) without the cache.
    func makeBaseEmbedder(store: any VectorStore, collection: String = Collections.knowledge) async throws -> any Embedder {
        try EmbedderFactory.make(name: try await embedderName(store: store, collection: collection), modelDirectory: modelDir, logger: logger, environment: environment)
    }

    /// The embedder (see `embedderName`) behind the SQLite embedding cache.
    func makeEmbedder(database: StoreDatabase, store: any VectorStore, collection: String = Collections.knowledge) async throws -> CachingEmbedder {
        CachingEmbedder(base: try await makeBaseEmbedder(store: store, collection: collection), cache: SQLiteEmbeddingCache(database: database))
    }
}

/// Runs a command body, turning errors into messages and exit codes (2 input, 3 infrastructure).
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as SupportKitError {
        Terminal.diagnostic("error: \(error.description)")
        throw ExitCode(error.exitCode)
    } catch let error as InputError {
        Terminal.diagnostic("error: \(error.description)")
        throw ExitCode(2)
    } catch IngestError.massDeletion(let partial) {
        Terminal.diagnostic("error: " + (partial.massDeletion?.explanation ?? "refusing a mass deletion"))
        throw ExitCode(2)
    } catch let error as ValidationError {
        throw error
    } catch {
        let text = SupportKitError.render(error)
        let hint = text.contains("disk is full") || text.contains("No space left")
            ? "; free disk space where the store (--store) and the results database live, then run again: nothing was half-written"
            : text.contains("not a database") || text.contains("malformed")
                ? "; a database file is damaged: restore it from a backup, or move it away and run again to rebuild it" : ""
        Terminal.diagnostic("error: \(text)\(hint)")
        throw ExitCode(3)
    }
}
