import Foundation
import SupportKit

/// all-MiniLM-L6-v2 (or any BERT sentence-transformer of the same form: WordPiece uncased vocabulary, mean pooling,
/// L2 normalization) running in-process: the default embedder.
public struct MiniLMEmbedder: Embedder {
    public let fingerprint: EmbedderFingerprint
    public let preferredBatchSize: Int
    public let tokenCounter: any TokenCounter
    public let tokenizer: WordPieceTokenizer
    public let model: MiniLMModel
    /// The folder the model was loaded from.
    public let directory: URL

    /// Loads the model folder at `directory` (config.json, vocab.txt, tokenizer_config.json, model.safetensors;
    /// sentence_bert_config.json and 1_Pooling/config.json when present), checking every file.
    ///
    /// - Parameters:
    ///   - tokenBudget: tokens per chunk of work; each worker holds buffers for this many tokens (about 16 KB per
    ///     token for MiniLM), so it bounds peak memory.
    ///   - workers: threads; defaults to the number of cores.
    ///   - precision: the arithmetic of the weight products (`minilm`, `minilm:bf16`, `minilm:int8`); each is its own
    ///     fingerprint.
    /// - Throws: `SupportKitError` for a missing or broken model file, or a CPU that lacks what `precision` needs.
    public init(directory: URL, tokenBudget: Int = 4096, workers: Int? = nil, preferredBatchSize: Int = 256,
                precision: MiniLMPrecision = .fp32) throws
    {
        self.directory = directory
        let missing = MiniLMModelLocation.missingFiles(in: directory)
        guard missing.isEmpty else {
            throw SupportKitError(
                .unavailable,
                "the model folder \(directory.path) lacks \(missing.joined(separator: ", ")); run `\(MiniLMModelLocation.fetchCommand)`")
        }
        let config = try BertConfig.load(from: directory.appendingPathComponent("config.json"))
        try Self.checkTokenizerConfig(directory.appendingPathComponent("tokenizer_config.json"))
        try Self.checkPooling(directory.appendingPathComponent("1_Pooling/config.json"), hidden: config.hiddenSize)
        let maxLength = min(try Self.maxSequenceLength(directory), config.maxPositionEmbeddings)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: directory.appendingPathComponent("vocab.txt"),
                                               maxLength: maxLength)
        guard tokenizer.vocabularySize == config.vocabSize else {
            throw SupportKitError(
                .corrupt,
                "vocab.txt: has \(tokenizer.vocabularySize) tokens but config.json says vocab_size \(config.vocabSize)")
        }
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(contentsOf: weightsURL)
        } catch let error as SafetensorsError {
            throw SupportKitError(.corrupt, "\(error); run `\(MiniLMModelLocation.fetchCommand)` to restore the model")
        }
        do {
            model = try MiniLMModel(config: config, weights: file, tokenBudget: tokenBudget, workers: workers,
                                    precision: precision)
        } catch let error as SafetensorsError {
            throw SupportKitError(.corrupt, "\(error); run `\(MiniLMModelLocation.fetchCommand)` to restore the model")
        }
        self.tokenizer = tokenizer
        self.tokenCounter = WordPieceTokenCounter(tokenizer: tokenizer)
        self.preferredBatchSize = preferredBatchSize
        fingerprint = EmbedderFingerprint(
            name: precision.embedderName,
            version: "1-" + Self.filesDigest(directory, names: ["config.json", "vocab.txt", "model.safetensors"]),
            dimension: config.hiddenSize)
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        if texts.isEmpty { return [] }
        let tokenizer = tokenizer
        let model = model
        // The forward pass blocks its threads for a while: keep it off the cooperative pool.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: model.embed(texts.map(tokenizer.encode)))
            }
        }
    }

    /// Synchronous embedding, for benchmarks and tools.
    public func embedSync(_ texts: [String]) -> [[Float]] {
        model.embed(texts.map(tokenizer.encode))
    }

    // MARK: - Checks

    static func readJSON(_ url: URL) throws -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SupportKitError(.unavailable, "\(url.lastPathComponent): cannot read the file: \(SafetensorsFile.reason(error))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any] else {
            throw SupportKitError(.corrupt, "\(url.lastPathComponent): not a JSON object")
        }
        return dictionary
    }

    static func checkTokenizerConfig(_ url: URL) throws {
        guard let config = try readJSON(url) else { return }
        if let lower = config["do_lower_case"] as? Bool, !lower {
            throw SupportKitError(.corrupt, "tokenizer_config.json: do_lower_case is false; only uncased WordPiece models are supported")
        }
        if let strip = config["strip_accents"] as? Bool, !strip {
            throw SupportKitError(.corrupt, "tokenizer_config.json: strip_accents is false; only the uncased default is supported")
        }
        if let chinese = config["tokenize_chinese_chars"] as? Bool, !chinese {
            throw SupportKitError(.corrupt, "tokenizer_config.json: tokenize_chinese_chars is false; not supported")
        }
        if let type = config["tokenizer_class"] as? String, !type.hasPrefix("BertTokenizer") {
            throw SupportKitError(.corrupt, "tokenizer_config.json: tokenizer_class is \(type); only BertTokenizer is supported")
        }
    }

    static func checkPooling(_ url: URL, hidden: Int) throws {
        guard let config = try readJSON(url) else { return }
        if let mean = config["pooling_mode_mean_tokens"] as? Bool, !mean {
            throw SupportKitError(.corrupt, "1_Pooling/config.json: only mean pooling is supported")
        }
        for key in ["pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens"] {
            if let on = config[key] as? Bool, on {
                throw SupportKitError(.corrupt, "1_Pooling/config.json: \(key) is not supported, only mean pooling")
            }
        }
        if let dimension = config["word_embedding_dimension"] as? Int, dimension != hidden {
            throw SupportKitError(.corrupt, "1_Pooling/config.json: word_embedding_dimension \(dimension) != hidden_size \(hidden)")
        }
    }

    /// sentence-transformers' max_seq_length (256 for all-MiniLM-L6-v2), else 256.
    static func maxSequenceLength(_ directory: URL) throws -> Int {
        guard let config = try readJSON(directory.appendingPathComponent("sentence_bert_config.json")),
              let length = config["max_seq_length"] as? Int, length >= 2
        else { return 256 }
        return length
    }

    /// The first 12 hex digits of SHA-256 over the named files: the embedding space changes with any of them.
    static func filesDigest(_ directory: URL, names: [String]) -> String {
        var hasher = ContentHasher()
        for name in names {
            hasher.combine(name)
            if let data = try? Data(contentsOf: directory.appendingPathComponent(name), options: .alwaysMapped) {
                data.withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }
        return String(hasher.finalize().prefix(12))
    }
}
