import Foundation
import SupportKit
import SupportKitAssistant
import SupportKitEval
import SupportKitStore

/// What `eval` needs from the live assistant.
struct EvalAssistant {
    /// Opens one isolated session per conversation.
    var factory: any AssistantSessionFactory
    /// The labels the intent classifier predicts (`expect.intent` is checked against them).
    var intents: [String]
    /// The classifier's training texts (eval messages that repeat one are reported).
    var trainingExamples: [String]
    /// The categories the classifier returns (empty without a category head); nil when unknown (`--target`).
    var categories: [String]?
}

/// The live pieces an evaluation runs against: the assistant (nil for a dry run without a classifier), the
/// knowledge base's catalog (nil before the first ingest) and a suite loader that checks labels against both.
struct EvalContext {
    var assistant: EvalAssistant?
    var catalog: KnowledgeCatalog?
    var loader: SuiteLoader
    /// The configured categories.
    var categories: CategorySet

    /// Label checks of a loaded suite (`eval --dry-run`): classifier categories that are not configured, intents
    /// and categories the classifier never saw, expected categories that disagree with the expected article's.
    func labelWarnings(_ loaded: SuiteLoadResult) -> [InputError] {
        LabelCheck.warnings(
            suite: loaded.suite, configured: categories, classifierIntents: assistant?.intents,
            classifierCategories: assistant?.categories, documentCategories: catalog?.categories ?? [:])
    }
}

extension Wiring {
    /// The `eval:` section of the settings file.
    func evalSettings() throws -> EvalSettings { try EvalSettings(settings: settingsFile) }

    /// The assistant as evaluation replays it: isolated sessions, with the classifier's labels and training
    /// texts for suite validation.
    func makeEvalAssistant(database: StoreDatabase, store: any VectorStore) async throws -> EvalAssistant {
        let configuration = try assistantConfiguration()
        let assistant = try await SupportAssistant.makeLive(
            store: store, embedder: try await makeEmbedder(database: database, store: store), configuration: configuration,
            paths: assistantPaths(configuration), environment: environment, logger: logger)
        return EvalAssistant(
            factory: try SupportAssistantFactory(assistant: assistant),
            intents: assistant.classifier.intentLabels, trainingExamples: assistant.classifier.trainingTexts,
            categories: assistant.classifier.categoryLabels)
    }

    /// The store, the assistant and a suite loader. A dry run works before a classifier is trained: it then
    /// checks intents against the default labels.
    func makeEvalContext(dryRun: Bool) async throws -> EvalContext {
        let database = try localDatabase()
        let store = try await makeStore(database: database)
        let catalog = try await KnowledgeCatalog.load(from: store)
        if catalog == nil {
            Terminal.diagnostic("warning: the store has no \(Collections.knowledge) collection, so `docs` labels are not checked; run `supportkit ingest corpora/` first")
        }
        var assistant: EvalAssistant?
        do {
            assistant = try await makeEvalAssistant(database: database, store: store)
        } catch let error where dryRun {
            Terminal.diagnostic("note: no assistant available (\(error)); checking intents against the defaults, without training-overlap warnings")
        }
        let loader = SuiteLoader(configuration: .init(
            intents: assistant?.intents ?? DefaultIntent.all, categories: settings.categories,
            knownDocIds: catalog?.docIds, trainingExamples: assistant?.trainingExamples ?? []))
        return EvalContext(assistant: assistant, catalog: catalog, loader: loader, categories: settings.categories)
    }

    /// An evaluation of the running assistant at `target` (`eval --target`): sessions over its HTTP API with the
    /// key from `SUPPORTKIT_API_KEY`, and a suite loader that checks labels against the defaults and the settings
    /// file's categories (the target's own store and classifier are not at hand). Its test customers are erased at
    /// the end of the run unless `keepTargetData`.
    func makeTargetEvalContext(target: AssistantTarget, turnTimeout: Double, keepTargetData: Bool = false) -> EvalContext {
        let key = environment["SUPPORTKIT_API_KEY"].flatMap { $0.isEmpty ? nil : APIKeyValue($0) }
        let factory = HTTPAssistantSessionFactory(configuration: .init(
            target: target, apiKey: key, requestTimeout: turnTimeout, keepCustomers: keepTargetData))
        let loader = SuiteLoader(configuration: .init(intents: DefaultIntent.all, categories: settings.categories))
        return EvalContext(
            assistant: EvalAssistant(factory: factory, intents: DefaultIntent.all, trainingExamples: []), catalog: nil, loader: loader,
            categories: settings.categories)
    }

    /// What a run records about its inputs: the store (never with credentials; none for a target, whose
    /// factory records the target), the settings file's hash, the tool version, the knowledge base's content
    /// hash and the working tree's commit.
    func runFingerprints(catalog: KnowledgeCatalog?, target: AssistantTarget? = nil) -> [String: String] {
        var fingerprints = [
            FingerprintKey.config: configFingerprint,
            FingerprintKey.toolVersion: BuildInfo.version,
        ]
        if target == nil { fingerprints[FingerprintKey.store] = storeDescription }
        if let catalog { fingerprints[FingerprintKey.corpusHash] = catalog.corpusHash }
        if let commit = GitInfo.commit() { fingerprints[FingerprintKey.gitCommit] = commit }
        return fingerprints
    }

    /// The store URL for run fingerprints (sqlite paths and vectorai host:port only).
    var storeDescription: String {
        switch location {
        case .sqlite(let path): "sqlite:\(path)"
        case .vectorAI(let host, let port): "vectorai://\(host):\(port)"
        }
    }

    /// A hash of the settings file, or `defaults` without one: two runs with different settings differ here.
    var configFingerprint: String {
        guard let data = FileManager.default.contents(atPath: options.config) else { return "defaults" }
        return String(ContentHasher.hash(data).prefix(16))
    }
}

extension Wiring {
    /// The LLM judge of `eval.judge`, or nil when the settings name none. Its responses share the assistant's
    /// LLM cache, so a repeated run judges nothing twice.
    func makeJudge(_ settings: JudgeSettings?) throws -> (any AnswerJudge)? {
        guard let settings else { return nil }
        var llm = AssistantConfiguration.LLM(baseURL: settings.baseURL, timeoutSeconds: settings.timeoutSeconds)
        let configuration = try assistantConfiguration()
        llm.cachePath = assistantPaths(configuration).llmCache
        // The judge speaks to its service as the assistant's model calls do (JSON dialect, requests in flight).
        llm.structuredOutput = configuration.llm.structuredOutput
        llm.maxConcurrentRequests = configuration.llm.maxConcurrentRequests
        let client = try ChatCompletionsClient.fromEnvironment(llm, environment: environment, cache: try LLMResponseCache(path: llm.cachePath))
        return LLMAnswerJudge(client: client, model: settings.model, timeoutSeconds: settings.timeoutSeconds)
    }
}

/// `eval.judge` on an OpenAI-compatible chat-completions service.
struct LLMAnswerJudge: AnswerJudge {
    let client: ChatCompletionsClient
    let model: String
    let timeoutSeconds: Double

    var name: String { "llm:\(model)" }

    static let options = ChatCompletionsClient.Options(
        temperature: 0, maxTokens: JudgePrompt.maxTokens, json: .init(name: "judgement", schema: JudgePrompt.schema))

    func judge(question: String, answer: String, sources: [String]) async throws -> JudgeScores {
        let messages = JudgePrompt.messages(question: question, answer: answer, sources: sources)
            .map { ChatCompletionsClient.Message(role: $0.role, content: $0.content) }
        do {
            return JudgeScores.parse(try await client.complete(model: model, messages: messages, options: Self.options))
        } catch let error as ChatCompletionsError {
            return JudgeScores(error: error.description)
        }
    }
}
