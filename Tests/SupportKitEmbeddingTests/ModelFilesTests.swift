import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitEmbedding

/// Safetensors parsing and validation, model folder checks and location, and the forward pass of a tiny random
/// BERT against a plain scalar implementation; all on synthetic files, so these run without the real model.
@Suite struct ModelFilesTests {
    typealias Tensor = SafetensorsWriter.Tensor

    static func floats(_ count: Int, seed: UInt64, scale: Float = 0.5) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return (Float(state % 20_001) / 10_000 - 1) * scale
        }
    }

    @Test func readsTensorsAndMetadata() throws {
        let image = SafetensorsWriter.image([
            Tensor(name: "a", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]),
            Tensor(name: "ids", dtype: "I64", shape: [2], bytes: [UInt8](repeating: 0, count: 16)),
        ])
        let file = try SafetensorsFile(data: image, fileName: "model.safetensors")
        #expect(file.metadata["format"] == "pt")
        #expect(try file.floats("a", shape: [2, 3]) == [1, 2, 3, 4, 5, 6])
        #expect(file.tensors["ids"]?.dtype == "I64")
    }

    @Test func wrongDtypeShapeAndMissingTensorHaveExactMessages() throws {
        let image = SafetensorsWriter.image([
            Tensor(name: "half", dtype: "F16", shape: [4], bytes: [UInt8](repeating: 0, count: 8)),
            Tensor(name: "w", shape: [2, 3], floats: [Float](repeating: 0, count: 6)),
        ])
        let file = try SafetensorsFile(data: image, fileName: "model.safetensors")
        #expect(throws: SafetensorsError.wrongDtype(file: "model.safetensors", name: "half", expected: "F32", found: "F16")) {
            try file.floats("half", shape: [4])
        }
        #expect(throws: SafetensorsError.wrongShape(file: "model.safetensors", name: "w", expected: [3, 2], found: [2, 3])) {
            try file.floats("w", shape: [3, 2])
        }
        #expect(throws: SafetensorsError.missingTensor(file: "model.safetensors", name: "encoder.layer.0.output.dense.weight")) {
            try file.floats("encoder.layer.0.output.dense.weight", shape: [1])
        }
        #expect(SafetensorsError.wrongDtype(file: "model.safetensors", name: "half", expected: "F32", found: "F16").description
                == "model.safetensors: tensor 'half' has dtype F16, expected F32")
        #expect(SafetensorsError.wrongShape(file: "model.safetensors", name: "w", expected: [3, 2], found: [2, 3]).description
                == "model.safetensors: tensor 'w' has shape [2, 3], expected [3, 2]")
        #expect(SafetensorsError.missingTensor(file: "model.safetensors", name: "x").description
                == "model.safetensors: missing tensor 'x'")
    }

    @Test func truncatedFilesAreReported() throws {
        let image = SafetensorsWriter.image([Tensor(name: "w", shape: [4, 4], floats: [Float](repeating: 1, count: 16))])
        let cut = image.prefix(image.count - 10)
        do {
            _ = try SafetensorsFile(data: Data(cut), fileName: "model.safetensors")
            Issue.record("expected an error")
        } catch let error as SafetensorsError {
            #expect(error.description == "model.safetensors: truncated: tensor 'w' ends at byte 64 of the data section, which has only 54 bytes")
        }
        do {
            _ = try SafetensorsFile(data: Data(image.prefix(20)), fileName: "model.safetensors")
            Issue.record("expected an error")
        } catch let error as SafetensorsError {
            #expect(error.description.hasPrefix("model.safetensors: truncated: the file has 20 bytes but its header needs "))
        }
        #expect(throws: SafetensorsError.truncatedHeader(file: "model.safetensors", fileSize: 3, needed: 8)) {
            try SafetensorsFile(data: Data([1, 2, 3]), fileName: "model.safetensors")
        }
    }

    @Test func malformedHeadersAreReported() throws {
        var bad = Data()
        var length = UInt64(8).littleEndian
        withUnsafeBytes(of: &length) { bad.append(contentsOf: $0) }
        bad.append(contentsOf: Array("{nope!!}".utf8))
        #expect(throws: SafetensorsError.invalidHeader(file: "m.safetensors", reason: "not valid JSON")) {
            try SafetensorsFile(data: bad, fileName: "m.safetensors")
        }
        let mismatch = SafetensorsWriter.image([Tensor(name: "w", dtype: "F32", shape: [3], bytes: [UInt8](repeating: 0, count: 8))])
        #expect(throws: SafetensorsError.invalidHeader(file: "m.safetensors", reason: "tensor 'w' spans 8 bytes but F32 [3] needs 12")) {
            try SafetensorsFile(data: mismatch, fileName: "m.safetensors")
        }
    }

    // MARK: - A tiny BERT

    static let tinyConfig = """
        {"architectures": ["BertModel"], "hidden_act": "gelu", "hidden_size": 16, "intermediate_size": 32,
         "layer_norm_eps": 1e-12, "max_position_embeddings": 40, "model_type": "bert", "num_attention_heads": 4,
         "num_hidden_layers": 2, "position_embedding_type": "absolute", "type_vocab_size": 2, "vocab_size": 24}
        """
    static let tinyVocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "reset", "password", "my", "how",
                                 "do", "i", "account", "##s", "log", "in", "?", "!", ",", ".", "can", "t", "'",
                                 "get", "into"]

    static func tinyTensors(hidden h: Int = 16, intermediate i: Int = 32, layers: Int = 2, vocab: Int = 24,
                            positions: Int = 40) -> [Tensor]
    {
        var tensors: [Tensor] = []
        var seed: UInt64 = 1
        func add(_ name: String, _ shape: [Int], scale: Float = 0.5, offset: Float = 0) {
            seed += 1
            tensors.append(Tensor(name: name, shape: shape,
                                  floats: floats(shape.reduce(1, *), seed: seed, scale: scale).map { $0 + offset }))
        }
        add("embeddings.word_embeddings.weight", [vocab, h])
        add("embeddings.position_embeddings.weight", [positions, h])
        add("embeddings.token_type_embeddings.weight", [2, h])
        add("embeddings.LayerNorm.weight", [h], scale: 0.2, offset: 1)
        add("embeddings.LayerNorm.bias", [h], scale: 0.1)
        tensors.append(Tensor(name: "embeddings.position_ids", dtype: "I64", shape: [1, positions],
                              bytes: [UInt8](repeating: 0, count: 8 * positions)))
        for layer in 0..<layers {
            let p = "encoder.layer.\(layer)."
            for part in ["query", "key", "value"] {
                add(p + "attention.self.\(part).weight", [h, h])
                add(p + "attention.self.\(part).bias", [h], scale: 0.1)
            }
            add(p + "attention.output.dense.weight", [h, h])
            add(p + "attention.output.dense.bias", [h], scale: 0.1)
            add(p + "attention.output.LayerNorm.weight", [h], scale: 0.2, offset: 1)
            add(p + "attention.output.LayerNorm.bias", [h], scale: 0.1)
            add(p + "intermediate.dense.weight", [i, h])
            add(p + "intermediate.dense.bias", [i], scale: 0.1)
            add(p + "output.dense.weight", [h, i])
            add(p + "output.dense.bias", [h], scale: 0.1)
            add(p + "output.LayerNorm.weight", [h], scale: 0.2, offset: 1)
            add(p + "output.LayerNorm.bias", [h], scale: 0.1)
        }
        return tensors
    }

    static func writeTinyModel(_ directory: TemporaryDirectory, tensors: [Tensor] = tinyTensors()) throws {
        try directory.write(tinyConfig, to: "config.json")
        try directory.write(tinyVocabulary.joined(separator: "\n") + "\n", to: "vocab.txt")
        try directory.write("{\"do_lower_case\": true, \"tokenizer_class\": \"BertTokenizer\"}", to: "tokenizer_config.json")
        try directory.write("{\"max_seq_length\": 32, \"do_lower_case\": false}", to: "sentence_bert_config.json")
        try directory.write(SafetensorsWriter.image(tensors), to: "model.safetensors")
    }

    /// BERT as the paper and PyTorch write it, one token at a time, in Double.
    static func referenceEmbedding(ids: [Int32], tensors: [Tensor], hidden h: Int = 16, heads: Int = 4,
                                   intermediate: Int = 32, layers: Int = 2) -> [Float]
    {
        var weights: [String: [Double]] = [:]
        for tensor in tensors where tensor.dtype == "F32" {
            var values: [Double] = []
            for offset in stride(from: 0, to: tensor.bytes.count, by: 4) {
                var bits: UInt32 = 0
                for byte in 0..<4 { bits |= UInt32(tensor.bytes[offset + byte]) << UInt32(8 * byte) }
                values.append(Double(Float(bitPattern: bits)))
            }
            weights[tensor.name] = values
        }
        func w(_ name: String) -> [Double] { weights[name]! }
        func linear(_ x: [Double], _ name: String, out: Int) -> [Double] {
            let weight: [Double] = w(name + ".weight")
            let bias: [Double] = w(name + ".bias")
            var result: [Double] = bias
            for o in 0..<out {
                var sum: Double = 0
                for c in 0..<x.count { sum += weight[o * x.count + c] * x[c] }
                result[o] += sum
            }
            return result
        }
        func layerNorm(_ x: [Double], _ name: String) -> [Double] {
            var mean: Double = 0
            for value in x { mean += value }
            mean /= Double(x.count)
            var variance: Double = 0
            for value in x { variance += (value - mean) * (value - mean) }
            variance /= Double(x.count)
            let g: [Double] = w(name + ".weight")
            let b: [Double] = w(name + ".bias")
            let scale: Double = 1 / (variance + 1e-12).squareRoot()
            var result: [Double] = x
            for c in 0..<x.count { result[c] = (x[c] - mean) * scale * g[c] + b[c] }
            return result
        }
        func gelu(_ v: Double) -> Double { v * 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot())) }
        let n = ids.count
        let word: [Double] = w("embeddings.word_embeddings.weight")
        let pos: [Double] = w("embeddings.position_embeddings.weight")
        let type: [Double] = w("embeddings.token_type_embeddings.weight")
        var states: [[Double]] = []
        for position in 0..<n {
            var row = [Double](repeating: 0, count: h)
            for c in 0..<h { row[c] = word[Int(ids[position]) * h + c] + pos[position * h + c] + type[c] }
            states.append(layerNorm(row, "embeddings.LayerNorm"))
        }
        let d = h / heads
        for layer in 0..<layers {
            let p = "encoder.layer.\(layer)."
            let q: [[Double]] = states.map { linear($0, p + "attention.self.query", out: h) }
            let k: [[Double]] = states.map { linear($0, p + "attention.self.key", out: h) }
            let v: [[Double]] = states.map { linear($0, p + "attention.self.value", out: h) }
            var context = [[Double]](repeating: [Double](repeating: 0, count: h), count: n)
            for head in 0..<heads {
                for i in 0..<n {
                    var scores = [Double](repeating: 0, count: n)
                    for j in 0..<n {
                        var dot: Double = 0
                        for c in 0..<d { dot += q[i][head * d + c] * k[j][head * d + c] }
                        scores[j] = dot / Double(d).squareRoot()
                    }
                    let maximum = scores.max()!
                    var sum: Double = 0
                    for j in 0..<n {
                        scores[j] = Foundation.exp(scores[j] - maximum)
                        sum += scores[j]
                    }
                    for j in 0..<n {
                        for c in 0..<d { context[i][head * d + c] += scores[j] / sum * v[j][head * d + c] }
                    }
                }
            }
            var next: [[Double]] = []
            for i in 0..<n {
                let attended = linear(context[i], p + "attention.output.dense", out: h)
                var residual = [Double](repeating: 0, count: h)
                for c in 0..<h { residual[c] = attended[c] + states[i][c] }
                let x = layerNorm(residual, p + "attention.output.LayerNorm")
                let inner = linear(x, p + "intermediate.dense", out: intermediate).map(gelu)
                let out = linear(inner, p + "output.dense", out: h)
                for c in 0..<h { residual[c] = out[c] + x[c] }
                next.append(layerNorm(residual, p + "output.LayerNorm"))
            }
            states = next
        }
        var pooled = [Double](repeating: 0, count: h)
        for row in states { for c in 0..<h { pooled[c] += row[c] / Double(n) } }
        var norm: Double = 0
        for value in pooled { norm += value * value }
        norm = norm.squareRoot()
        return pooled.map { Float($0 / norm) }
    }

    @Test func tinyModelMatchesAPlainImplementation() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tensors = Self.tinyTensors()
        try Self.writeTinyModel(directory, tensors: tensors)
        let embedder = try MiniLMEmbedder(directory: directory.url, tokenBudget: 40, workers: 2)
        let texts = ["How do I reset my password?", "", "I can't get into my account!", "log in, log in. " + String(repeating: "reset ", count: 40)]
        let vectors = try await embedder.embed(texts)
        for (text, vector) in zip(texts, vectors) {
            let ids = embedder.tokenizer.encode(text)
            #expect(ids.count <= 32)
            let expected = Self.referenceEmbedding(ids: ids, tensors: tensors)
            let difference = zip(vector, expected).map { abs($0 - $1) }.max()!
            #expect(difference < 2e-5, "\(text): max difference \(difference)")
        }
        #expect(embedder.fingerprint.dimension == 16)
        #expect(embedder.tokenizer.tokens(embedder.tokenizer.encode("I can't")) == ["[CLS]", "i", "can", "'", "t", "[SEP]"])
    }

    @Test func folderProblemsSayWhatToDo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var tensors = Self.tinyTensors()
        tensors.removeAll { $0.name == "encoder.layer.1.output.dense.weight" }
        try Self.writeTinyModel(directory, tensors: tensors)
        do {
            _ = try MiniLMEmbedder(directory: directory.url)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.description == "model.safetensors: missing tensor 'encoder.layer.1.output.dense.weight'; run `supportkit models fetch` to restore the model")
        }
        try directory.write("{\"hidden_size\": 16}", to: "config.json")
        do {
            _ = try MiniLMEmbedder(directory: directory.url)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.description == "config.json: missing key \"num_hidden_layers\"")
        }
        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("vocab.txt"))
        do {
            _ = try MiniLMEmbedder(directory: directory.url)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.description.contains("lacks vocab.txt") && error.description.contains("supportkit models fetch"))
        }
    }

    @Test func locatesTheModelOrSaysToFetchIt() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        // Nothing anywhere.
        do {
            _ = try MiniLMModelLocation.require(environment: [:], home: home.url)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.description.contains("run `supportkit models fetch`"), "\(error)")
            #expect(error.code == .unavailable)
        }
        #expect(throws: SupportKitError.self) {
            try EmbedderFactory.make(name: "minilm", environment: ["SUPPORTKIT_MODEL_DIR": home.url.appendingPathComponent("none").path])
        }
        // The Hugging Face hub layout.
        let snapshot = "models--sentence-transformers--all-MiniLM-L6-v2/snapshots/0123abcd"
        for name in MiniLMModelLocation.requiredFiles {
            try home.write("x", to: ".cache/huggingface/hub/\(snapshot)/\(name)")
        }
        let found = MiniLMModelLocation.locate(environment: [:], home: home.url)
        #expect(found?.path.hasSuffix(snapshot) == true)
        // supportkit's own cache comes first.
        for name in MiniLMModelLocation.requiredFiles {
            try home.write("x", to: ".cache/supportkit/models/all-MiniLM-L6-v2/\(name)")
        }
        #expect(MiniLMModelLocation.locate(environment: [:], home: home.url)?.path.hasSuffix(".cache/supportkit/models/all-MiniLM-L6-v2") == true)
        // SUPPORTKIT_MODEL_DIR wins, and is not silently replaced by another folder.
        let other = home.url.appendingPathComponent("elsewhere")
        #expect(MiniLMModelLocation.locate(environment: ["SUPPORTKIT_MODEL_DIR": other.path], home: home.url) == nil)
        #expect(MiniLMModelLocation.fetchDirectory(environment: ["SUPPORTKIT_MODEL_DIR": other.path], home: home.url).path == other.path)
        // An explicit folder that is incomplete names what is missing.
        do {
            _ = try MiniLMModelLocation.require(explicit: other, environment: [:], home: home.url)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.description.contains("missing config.json, vocab.txt, tokenizer_config.json, model.safetensors"))
        }
    }
}

