import Foundation
import SupportKit
import Testing
@testable import SupportKitEmbedding

/// The committed reference fixture (scripts/minilm/make_fixture.py) and the model folder, when present.
enum MiniLMFixtures {
    struct Item: Decodable {
        var text: String
        var tokenCount: Int
        var inputIDs: [Int32]
        var embedding: [Float]

        enum CodingKeys: String, CodingKey {
            case text
            case tokenCount = "token_count"
            case inputIDs = "input_ids"
            case embedding
        }
    }

    struct Reference: Decodable {
        var model: String
        var maxSeqLength: Int
        var items: [Item]

        enum CodingKeys: String, CodingKey {
            case model
            case maxSeqLength = "max_seq_length"
            case items
        }
    }

    static func fixtureURL(_ name: String) -> URL {
        if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") { return url }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    static let reference: Reference = {
        let data = try! Data(contentsOf: fixtureURL("minilm-reference.json"))
        return try! JSONDecoder().decode(Reference.self, from: data)
    }()

    /// The model folder found the way supportkit finds it (SUPPORTKIT_MODEL_DIR, the supportkit cache, the Hugging
    /// Face cache), or nil; CI runs scripts/fetch-model.sh first.
    static let modelDirectory: URL? = MiniLMModelLocation.locate(environment: ProcessInfo.processInfo.environment)

    static let vocabularyFile: URL? = {
        guard let directory = modelDirectory ?? MiniLMModelLocation.candidates(environment: ProcessInfo.processInfo.environment).first(where: {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("vocab.txt").path)
        }) else { return nil }
        let url = directory.appendingPathComponent("vocab.txt")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    static let hasModel = modelDirectory != nil
    static let hasVocabulary = vocabularyFile != nil

    static let missingModelMessage: Comment =
        "all-MiniLM-L6-v2 not found (SUPPORTKIT_MODEL_DIR or ~/.cache/supportkit/models/all-MiniLM-L6-v2): run scripts/fetch-model.sh to enable the embedding parity tests"
    static let missingVocabularyMessage: Comment =
        "vocab.txt of all-MiniLM-L6-v2 not found: run scripts/fetch-model.sh to enable the tokenizer parity tests"

    static let tokenizer: WordPieceTokenizer? = vocabularyFile.flatMap { try? WordPieceTokenizer(vocabularyFile: $0) }

    /// One embedder shared by the tests of a process (loading takes a moment).
    static let embedder: MiniLMEmbedder? = modelDirectory.flatMap { try? MiniLMEmbedder(directory: $0) }
}

