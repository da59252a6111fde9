import Foundation
import SupportKit

/// The BERT hyper-parameters supportkit reads from a model folder's `config.json`.
public struct BertConfig: Sendable, Equatable, Decodable {
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var vocabSize: Int
    public var layerNormEps: Float
    public var hiddenAct: String
    public var positionEmbeddingType: String?
    public var modelType: String?

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case vocabSize = "vocab_size"
        case layerNormEps = "layer_norm_eps"
        case hiddenAct = "hidden_act"
        case positionEmbeddingType = "position_embedding_type"
        case modelType = "model_type"
    }

    public var headSize: Int { hiddenSize / numAttentionHeads }

    /// Reads and checks `config.json`.
    public static func load(from url: URL) throws -> BertConfig {
        let name = url.lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SupportKitError(.unavailable, "\(name): cannot read the file: \(SafetensorsFile.reason(error))")
        }
        let config: BertConfig
        do { config = try JSONDecoder().decode(BertConfig.self, from: data) } catch let error as DecodingError {
            throw SupportKitError(.corrupt, "\(name): \(Self.describe(error))")
        }
        try config.validate(fileName: name)
        return config
    }

    func validate(fileName name: String) throws {
        func fail(_ problem: String) -> SupportKitError { SupportKitError(.corrupt, "\(name): \(problem)") }
        if let modelType, modelType != "bert" { throw fail("model_type is \"\(modelType)\", expected \"bert\"") }
        if hiddenAct != "gelu" { throw fail("hidden_act is \"\(hiddenAct)\", only \"gelu\" (the erf form) is supported") }
        if let positionEmbeddingType, positionEmbeddingType != "absolute" {
            throw fail("position_embedding_type is \"\(positionEmbeddingType)\", only \"absolute\" is supported")
        }
        for (key, value) in [("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
                             ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
                             ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabSize),
                             ("vocab_size", vocabSize)] where value <= 0 {
            throw fail("\(key) is \(value), expected a positive number")
        }
        if hiddenSize % numAttentionHeads != 0 {
            throw fail("hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        if !(layerNormEps > 0) { throw fail("layer_norm_eps is \(layerNormEps), expected a positive number") }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _): return "missing key \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type for \"\(path)\""
        case .dataCorrupted: return "not valid JSON"
        @unknown default: return "cannot decode"
        }
    }
}

/// Where all-MiniLM-L6-v2 lives on disk and how to tell that a folder holds a complete model.
public enum MiniLMModelLocation {
    /// The files a model folder must have.
    public static let requiredFiles = ["config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"]
    /// The environment variable that names a model folder.
    public static let environmentVariable = "SUPPORTKIT_MODEL_DIR"
    /// The command that puts the model in place.
    public static let fetchCommand = "supportkit models fetch"

    /// `~/.cache/supportkit/models/all-MiniLM-L6-v2`, where `supportkit models fetch` puts the model.
    public static func defaultDirectory(home: URL = FileManager.default.homeDirectoryForCurrentUser) -> URL {
        home.appendingPathComponent(".cache/supportkit/models/all-MiniLM-L6-v2", isDirectory: true)
    }

    /// Where `supportkit models fetch` writes: `SUPPORTKIT_MODEL_DIR` when set, else the default directory.
    public static func fetchDirectory(
        environment: [String: String],
        home: URL = FileManager.default.homeDirectoryForCurrentUser
    ) -> URL {
        if let value = environment[environmentVariable], !value.isEmpty {
            return URL(fileURLWithPath: (value as NSString).expandingTildeInPath, isDirectory: true)
        }
        return defaultDirectory(home: home)
    }

    /// The folders searched, in order: the explicit one, `SUPPORTKIT_MODEL_DIR`, the supportkit cache, then the
    /// Hugging Face hub cache's snapshots of sentence-transformers/all-MiniLM-L6-v2 (`HF_HUB_CACHE`, `HF_HOME/hub`
    /// or `~/.cache/huggingface/hub`).
    public static func candidates(
        explicit: URL? = nil,
        environment: [String: String],
        home: URL = FileManager.default.homeDirectoryForCurrentUser
    ) -> [URL] {
        if let explicit { return [explicit] }
        var out: [URL] = []
        if let value = environment[environmentVariable], !value.isEmpty {
            return [URL(fileURLWithPath: (value as NSString).expandingTildeInPath, isDirectory: true)]
        }
        out.append(defaultDirectory(home: home))
        var hubs: [URL] = []
        if let hub = environment["HF_HUB_CACHE"], !hub.isEmpty { hubs.append(URL(fileURLWithPath: hub, isDirectory: true)) }
        if let hfHome = environment["HF_HOME"], !hfHome.isEmpty {
            hubs.append(URL(fileURLWithPath: hfHome, isDirectory: true).appendingPathComponent("hub", isDirectory: true))
        }
        hubs.append(home.appendingPathComponent(".cache/huggingface/hub", isDirectory: true))
        for hub in hubs {
            let snapshots = hub.appendingPathComponent("models--sentence-transformers--all-MiniLM-L6-v2/snapshots",
                                                       isDirectory: true)
            // Prefer the snapshot that refs/main names, then the others in name order.
            let refFile = hub.appendingPathComponent("models--sentence-transformers--all-MiniLM-L6-v2/refs/main")
            var names = ((try? FileManager.default.contentsOfDirectory(atPath: snapshots.path)) ?? []).sorted()
            if let ref = try? String(contentsOf: refFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), let index = names.firstIndex(of: ref)
            {
                names.insert(names.remove(at: index), at: 0)
            }
            out.append(contentsOf: names.map { snapshots.appendingPathComponent($0, isDirectory: true) })
        }
        return out
    }

    /// The files of `requiredFiles` that `directory` lacks (empty when complete).
    public static func missingFiles(in directory: URL) -> [String] {
        requiredFiles.filter { name in
            let path = directory.appendingPathComponent(name).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = attributes[.size] as? NSNumber
            else { return true }
            return size.intValue == 0
        }
    }

    /// The first complete model folder among the candidates.
    public static func locate(
        explicit: URL? = nil,
        environment: [String: String],
        home: URL = FileManager.default.homeDirectoryForCurrentUser
    ) -> URL? {
        candidates(explicit: explicit, environment: environment, home: home).first { missingFiles(in: $0).isEmpty }
    }

    /// Like `locate`, but throws a message that says where it looked and what to run.
    public static func require(
        explicit: URL? = nil,
        environment: [String: String],
        home: URL = FileManager.default.homeDirectoryForCurrentUser
    ) throws -> URL {
        if let found = locate(explicit: explicit, environment: environment, home: home) { return found }
        let searched = candidates(explicit: explicit, environment: environment, home: home)
        if let explicit {
            let missing = missingFiles(in: explicit)
            throw SupportKitError(
                .unavailable,
                "the model folder \(explicit.path) is incomplete (missing \(missing.joined(separator: ", "))); "
                    + "run `\(fetchCommand)` or pass a folder with config.json, vocab.txt, tokenizer_config.json and model.safetensors")
        }
        let places = searched.prefix(3).map(\.path).joined(separator: ", ")
        throw SupportKitError(
            .unavailable,
            "the all-MiniLM-L6-v2 model was not found (looked in \(places)); run `\(fetchCommand)` to download it, "
                + "or set \(environmentVariable) / pass --model-dir, or use --embedder lexical")
    }
}
