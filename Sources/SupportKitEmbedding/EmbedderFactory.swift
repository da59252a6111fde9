import Foundation
import Logging
import SupportKit

/// Makes an embedder from its name: `minilm` (the default, all-MiniLM-L6-v2 in-process), `minilm:bf16` /
/// `minilm:int8` (the same model with reduced-precision weight products), `lexical` (feature hashing, no model) or
/// `openai:MODEL` (an OpenAI-compatible `/v1/embeddings` endpoint).
public enum EmbedderFactory {
    public static let defaultName = "minilm"
    public static let names = ["minilm", "minilm:bf16", "minilm:int8", "lexical", "openai:MODEL"]

    /// - Parameters:
    ///   - name: `minilm`, `minilm:bf16`, `minilm:int8`, `lexical` or `openai:MODEL`; nil or empty means `minilm`.
    ///   - modelDirectory: the MiniLM model folder; when nil it is looked up (`SUPPORTKIT_MODEL_DIR`,
    ///     `~/.cache/supportkit/models/all-MiniLM-L6-v2`, the Hugging Face cache).
    ///   - environment: where `SUPPORTKIT_MODEL_DIR`, `OPENAI_API_KEY` and `OPENAI_BASE_URL` are read.
    public static func make(
        name: String?,
        modelDirectory: String? = nil,
        logger: Logger = Logger(label: "supportkit.embedding"),
        environment: [String: String]
    ) throws -> any Embedder {
        let trimmed = (name ?? "").trimmingCharacters(in: .whitespaces)
        let name = trimmed.isEmpty ? defaultName : trimmed
        if let precision = MiniLMPrecision(embedderName: name) {
            let explicit = modelDirectory.flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath, isDirectory: true) }
            let directory = try MiniLMModelLocation.require(explicit: explicit, environment: environment)
            let started = Date()
            let embedder = try MiniLMEmbedder(directory: directory, precision: precision)
            logger.debug("loaded all-MiniLM-L6-v2", metadata: [
                "folder": "\(directory.path)", "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
                "workers": "\(embedder.model.workers)", "fingerprint": "\(embedder.fingerprint)",
            ])
            return embedder
        }
        switch name.lowercased() {
        case "lexical":
            return LexicalEmbedder()
        default:
            if name.hasPrefix("openai:") {
                let model = String(name.dropFirst("openai:".count))
                let configuration = try OpenAIEmbedder.Configuration(model: model, environment: environment)
                return OpenAIEmbedder(configuration: configuration, logger: logger)
            }
            throw SupportKitError(.invalidInput,
                                  "unknown embedder \"\(name)\"; use minilm (default), minilm:bf16, minilm:int8, lexical or openai:MODEL")
        }
    }
}
