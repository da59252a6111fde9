import CBLAS
import CMiniLMKernels
import Foundation
import Synchronization
import SupportKit

/// A BERT encoder with mean pooling and L2 normalization (all-MiniLM-L6-v2 and models of the same form), running
/// on OpenBLAS.
///
/// Layout: the texts of a batch are packed one after another into a `[tokens, hidden]` matrix with no padding at
/// all (attention is computed per text, so padded positions would only cost time). Every projection is one
/// `sgemm` over all tokens of a chunk; attention runs per text and head as two `sgemm`s on strided views of the
/// fused QKV matrix. Chunks of at most `tokenBudget` tokens go to `workers` threads, each with its own buffers
/// and OpenBLAS running single-threaded inside it, so the cores are used once each and peak memory stays bounded.
///
/// With a reduced `precision` the four weight products of each layer run on oneDNN in bf16 or int8
/// (`MiniLMPrecision`); the fp32 weights stay loaded for everything else and as the reference. Those variants
/// require AVX-512 anyway, so their softmax and GELU run in 16-lane fp32 kernels (CMiniLMKernels, the same
/// polynomials as `Kernels`): with the products 2-4x faster, the 8-lane ones took about a sixth of the time (perf).
public final class MiniLMModel: @unchecked Sendable {
    public let config: BertConfig
    /// The arithmetic of the weight products.
    public let precision: MiniLMPrecision
    /// Tokens per chunk (each worker's buffers are sized for it).
    public let tokenBudget: Int
    /// Threads computing chunks in parallel.
    public let workers: Int

    let hidden: Int
    let heads: Int
    let headSize: Int
    let intermediate: Int
    let eps: Float

    // Weights, all in one allocation. Linear weights keep PyTorch's [out, in] layout.
    private let arena: UnsafeMutablePointer<Float>
    private let arenaCount: Int
    let wordEmbeddings: UnsafeMutablePointer<Float>
    let positionEmbeddings: UnsafeMutablePointer<Float>
    let tokenType0: UnsafeMutablePointer<Float>
    let embeddingGamma: UnsafeMutablePointer<Float>
    let embeddingBeta: UnsafeMutablePointer<Float>
    struct Layer {
        /// Query, key and value weights stacked: [3 hidden, hidden]; the query part pre-scaled by 1/sqrt(head size).
        var qkvWeight: UnsafeMutablePointer<Float>
        var qkvBias: UnsafeMutablePointer<Float>
        var outputWeight: UnsafeMutablePointer<Float>
        var outputBias: UnsafeMutablePointer<Float>
        var attentionGamma: UnsafeMutablePointer<Float>
        var attentionBeta: UnsafeMutablePointer<Float>
        var intermediateWeight: UnsafeMutablePointer<Float>
        var intermediateBias: UnsafeMutablePointer<Float>
        var ffnOutputWeight: UnsafeMutablePointer<Float>
        var ffnOutputBias: UnsafeMutablePointer<Float>
        var outputGamma: UnsafeMutablePointer<Float>
        var outputBeta: UnsafeMutablePointer<Float>
    }
    let layers: [Layer]
    /// The reduced-precision weight products of one layer; nil runs that product in fp32.
    struct ReducedLayer {
        var queryKeyValue: ReducedPrecisionProjection?
        var attentionOutput: ReducedPrecisionProjection?
        var intermediate: ReducedPrecisionProjection?
        var output: ReducedPrecisionProjection?

        var all: [ReducedPrecisionProjection] { [queryKeyValue, attentionOutput, intermediate, output].compactMap { $0 } }
    }
    /// One per layer when `precision` is not fp32, else empty.
    let reducedLayers: [ReducedLayer]

    /// Workspaces reused across calls; held for a whole computation (one at a time per model).
    private let workspaces = Mutex<[Workspace]>([])

    /// Loads the weights of `safetensors`, checking every tensor against `config`.
    ///
    /// - Parameter precision: the arithmetic of the weight products; a reduced one converts the weights here, once.
    /// - Throws: `SupportKitError.unavailable` when the CPU lacks an instruction set `precision` needs (the
    ///   message names it); `SafetensorsError` for a bad weights file.
    public init(config: BertConfig, weights file: SafetensorsFile, tokenBudget: Int = 4096, workers: Int? = nil,
                precision: MiniLMPrecision = .fp32) throws
    {
        try precision.checkSupported()
        self.config = config
        self.precision = precision
        hidden = config.hiddenSize
        heads = config.numAttentionHeads
        headSize = config.headSize
        intermediate = config.intermediateSize
        eps = config.layerNormEps
        guard hidden % 8 == 0, intermediate % 8 == 0 else {
            throw SupportKitError(.corrupt, "config.json: hidden_size and intermediate_size must be multiples of 8")
        }
        self.tokenBudget = max(tokenBudget, config.maxPositionEmbeddings)
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)

        let h = hidden, i = intermediate
        let perLayer = 3 * h * h + 3 * h + h * h + h + 2 * h + i * h + i + h * i + h + 2 * h
        let count = config.vocabSize * h + config.maxPositionEmbeddings * h + h + 2 * h + perLayer * config.numHiddenLayers
        arenaCount = count
        arena = .allocate(capacity: count)
        var next = arena
        func take(_ n: Int) -> UnsafeMutablePointer<Float> {
            defer { next += n }
            return next
        }
        do {
            wordEmbeddings = take(config.vocabSize * h)
            try file.copyFloats("embeddings.word_embeddings.weight", shape: [config.vocabSize, h], into: wordEmbeddings)
            positionEmbeddings = take(config.maxPositionEmbeddings * h)
            try file.copyFloats("embeddings.position_embeddings.weight", shape: [config.maxPositionEmbeddings, h],
                                into: positionEmbeddings)
            tokenType0 = take(h)
            let types = try file.floats("embeddings.token_type_embeddings.weight", shape: [config.typeVocabSize, h])
            for index in 0..<h { tokenType0[index] = types[index] }
            embeddingGamma = take(h)
            try file.copyFloats("embeddings.LayerNorm.weight", shape: [h], into: embeddingGamma)
            embeddingBeta = take(h)
            try file.copyFloats("embeddings.LayerNorm.bias", shape: [h], into: embeddingBeta)

            var layers: [Layer] = []
            let scale = 1 / Float(config.headSize).squareRoot()
            for index in 0..<config.numHiddenLayers {
                let prefix = "encoder.layer.\(index)."
                let qkvWeight = take(3 * h * h)
                let qkvBias = take(3 * h)
                for (part, name) in ["query", "key", "value"].enumerated() {
                    try file.copyFloats(prefix + "attention.self.\(name).weight", shape: [h, h],
                                        into: qkvWeight + part * h * h)
                    try file.copyFloats(prefix + "attention.self.\(name).bias", shape: [h], into: qkvBias + part * h)
                }
                // Fold the attention scale into the query projection (exact when the head size is a power of 4).
                for index in 0..<(h * h) { qkvWeight[index] *= scale }
                for index in 0..<h { qkvBias[index] *= scale }
                func load(_ name: String, _ shape: [Int]) throws -> UnsafeMutablePointer<Float> {
                    let pointer = take(shape.reduce(1, *))
                    try file.copyFloats(prefix + name, shape: shape, into: pointer)
                    return pointer
                }
                layers.append(Layer(
                    qkvWeight: qkvWeight, qkvBias: qkvBias,
                    outputWeight: try load("attention.output.dense.weight", [h, h]),
                    outputBias: try load("attention.output.dense.bias", [h]),
                    attentionGamma: try load("attention.output.LayerNorm.weight", [h]),
                    attentionBeta: try load("attention.output.LayerNorm.bias", [h]),
                    intermediateWeight: try load("intermediate.dense.weight", [i, h]),
                    intermediateBias: try load("intermediate.dense.bias", [i]),
                    ffnOutputWeight: try load("output.dense.weight", [h, i]),
                    ffnOutputBias: try load("output.dense.bias", [h]),
                    outputGamma: try load("output.LayerNorm.weight", [h]),
                    outputBeta: try load("output.LayerNorm.bias", [h])))
            }
            self.layers = layers
            precondition(next - arena == count)
            reducedLayers = try Self.reduce(layers, plan: precision.plan, hidden: h, intermediate: i,
                                            firstNorm: (embeddingGamma, embeddingBeta))
        } catch {
            arena.deallocate()
            throw error
        }
    }

    /// Converts each layer's weight products that `plan` runs in reduced precision.
    ///
    /// - Parameter firstNorm: the embeddings' LayerNorm (gamma, beta), which feeds the first layer's QKV product.
    private static func reduce(_ layers: [Layer], plan: ProjectionPlan, hidden h: Int, intermediate i: Int,
                               firstNorm: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)) throws -> [ReducedLayer]
    {
        guard plan.all.contains(where: { $0 != nil }) else { return [] }
        /// `norm` is the LayerNorm whose output the product reads (int8 smooths its channels' range into the weights).
        func make(_ precision: ProjectionPrecision?, _ weights: UnsafePointer<Float>, _ outputs: Int, _ inputs: Int,
                  norm: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)?) throws -> ReducedPrecisionProjection?
        {
            guard let precision else { return nil }
            let scales = precision == .int8 ? norm.map { smoothingScales(norm: $0, inputs: inputs) } : nil
            return try ReducedPrecisionProjection(precision, weights: weights, outputs: outputs, inputs: inputs,
                                                  inputScales: scales)
        }
        var previousNorm = firstNorm
        return try layers.map { layer in
            defer { previousNorm = (layer.outputGamma, layer.outputBeta) }
            return ReducedLayer(
                queryKeyValue: try make(plan.queryKeyValue, layer.qkvWeight, 3 * h, h, norm: previousNorm),
                attentionOutput: try make(plan.attentionOutput, layer.outputWeight, h, h, norm: nil),
                intermediate: try make(plan.intermediate, layer.intermediateWeight, i, h,
                                       norm: (layer.attentionGamma, layer.attentionBeta)),
                output: try make(plan.output, layer.ffnOutputWeight, h, i, norm: nil))
        }
    }

    /// Per-input-channel factors that take a LayerNorm's own scale out of its output before int8 quantization
    /// (SmoothQuant with the migration strength at 1, and without calibration data): channel c of the output is
    /// `gamma_c z + beta_c` with z of unit variance, so `|gamma_c| + |beta_c|` stands for its range. Without it a
    /// few large channels set every token's int8 step. Measured against fp32 on the input that suffers most, a
    /// text of only [CLS] [SEP]: 0.9944 unsmoothed, 0.9975 with SmoothQuant's usual square root
    /// (`sqrt(range / max |W|)`), 0.9991 with the range alone; on the 2,000 bench texts the worst went from
    /// 0.99914 to 0.99971.
    static func smoothingScales(norm: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), inputs: Int) -> [Float] {
        (0..<inputs).map { column in
            let range = abs(norm.0[column]) + abs(norm.1[column])
            return range > 0 ? range : 1
        }
    }

    deinit {
        arena.deallocate()
        workspaces.withLock { for workspace in $0 { workspace.deallocate() } }
    }

    /// The kernel set OpenBLAS runs in this process ("Haswell", "SkylakeX", ...): `OPENBLAS_CORETYPE` or its own
    /// detection.
    public static var blasCoreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Runs every BLAS call on the calling thread, and stops the worker threads OpenBLAS started when it was
    /// loaded.
    ///
    /// The model spreads its work over threads of its own and keeps OpenBLAS to one thread per call. OpenBLAS
    /// still starts a pool when the library loads, and each idle worker spins for a while on a core before it
    /// sleeps: on a 2-core machine that is a core lost for the first ~0.1 s of every command, whether it
    /// embeds anything or not. Call once, early in a process.
    public static func useCallingThreadsOnly() {
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
    }

    /// Bytes held by weights.
    public var weightBytes: Int { arenaCount * MemoryLayout<Float>.stride }

    // MARK: - Running

    /// Embeds token-id sequences (each starting with [CLS] and ending with [SEP], at most
    /// `max_position_embeddings` long): mean pooling over all tokens, then L2 normalization. Blocks the caller
    /// while `workers` threads compute; calls are serialized.
    public func embed(_ sequences: [[Int32]]) -> [[Float]] {
        if sequences.isEmpty { return [] }
        let maxLength = config.maxPositionEmbeddings
        for (index, ids) in sequences.enumerated() {
            precondition(ids.count <= maxLength && !ids.isEmpty, "sequence \(index) has \(ids.count) tokens")
            precondition(ids.allSatisfy { $0 >= 0 && Int($0) < config.vocabSize }, "token id out of range")
        }
        let chunks = Self.plan(lengths: sequences.map(\.count), budget: tokenBudget, workers: workers)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: sequences.count * hidden)
        defer { output.deallocate() }
        let outputAddress = Int(bitPattern: output)

        let threadCount = min(workers, chunks.count)
        let scratchBytes = reducedLayers.flatMap(\.all).map { $0.scratchBytes(rows: tokenBudget) }.max() ?? 0
        workspaces.withLock { workspaces in
            openblas_set_num_threads(1)
            while workspaces.count < threadCount {
                workspaces.append(Workspace(tokens: tokenBudget, hidden: hidden, intermediate: intermediate,
                                            maxLength: maxLength, scratchBytes: scratchBytes))
            }
            let next = ChunkCounter()
            let spaces = workspaces
            let work: @Sendable (Int) -> Void = { worker in
                let output = UnsafeMutablePointer<Float>(bitPattern: outputAddress)!
                while let index = next.take(limit: chunks.count) {
                    self.run(chunk: chunks[index], sequences: sequences, workspace: spaces[worker], output: output)
                }
            }
            if threadCount == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: threadCount, execute: work)
            }
        }
        return (0..<sequences.count).map { index in Array(UnsafeBufferPointer(start: output + index * hidden, count: hidden)) }
    }

    /// Splits sequences into chunks of at most `budget` tokens, longest first (so that per-text attention work is
    /// front-loaded), shrinking chunks towards the end so that the workers finish together.
    static func plan(lengths: [Int], budget: Int, workers: Int) -> [[Int]] {
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var remaining = lengths.reduce(0, +)
        var chunks: [[Int]] = []
        var current: [Int] = []
        var tokens = 0
        // The first chunk is a worker's share too: a batch of short texts within one budget was a single
        // chunk, and ran on one thread while the others waited (256 queries embedded at half the speed).
        var limit = max(min(budget, remaining / workers), min(budget, 512))
        for index in order {
            let length = lengths[index]
            if tokens + length > limit, !current.isEmpty {
                chunks.append(current)
                current = []
                tokens = 0
                // Guided scheduling: no chunk larger than a fair share of what is left.
                limit = max(min(budget, remaining / (2 * workers)), min(budget, 512))
            }
            current.append(index)
            tokens += length
            remaining -= length
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    @_optimize(speed)
    private func run(chunk: [Int], sequences: [[Int32]], workspace: Workspace, output: UnsafeMutablePointer<Float>) {
        let h = hidden
        let x = workspace.x
        var offsets: [Int] = []
        offsets.reserveCapacity(chunk.count)
        var rows = 0
        // Embeddings: word + position + token type 0, then LayerNorm.
        for index in chunk {
            offsets.append(rows)
            for (position, id) in sequences[index].enumerated() {
                let destination = x + (rows + position) * h
                let word = wordEmbeddings + Int(id) * h
                let positionRow = positionEmbeddings + position * h
                var column = 0
                while column < h {
                    Kernels.store(Kernels.load(word + column) + Kernels.load(positionRow + column)
                                  + Kernels.load(tokenType0 + column), destination + column)
                    column += 8
                }
            }
            rows += sequences[index].count
        }
        Kernels.addLayerNorm(x: x, y: nil, bias: nil, count: rows, width: h, gamma: embeddingGamma,
                             beta: embeddingBeta, eps: eps)
        for (index, layer) in layers.enumerated() {
            encoderLayer(layer, reduced: reducedLayers.isEmpty ? nil : reducedLayers[index], rows: rows, chunk: chunk,
                         offsets: offsets, sequences: sequences, workspace: workspace)
        }
        // Mean pooling and L2 normalization.
        for (slot, index) in chunk.enumerated() {
            let count = sequences[index].count
            let destination = output + index * h
            var column = 0
            while column < h {
                var sum = Kernels.V()
                var row = offsets[slot]
                let end = row + count
                while row < end {
                    sum += Kernels.load(x + row * h + column)
                    row += 1
                }
                Kernels.store(sum / Kernels.V(repeating: Float(count)), destination + column)
                column += 8
            }
            var squares: Float = 0
            for column in 0..<h { squares += destination[column] * destination[column] }
            let scale = 1 / max(squares.squareRoot(), 1e-12)
            for column in 0..<h { destination[column] *= scale }
        }
    }

    @_optimize(speed)
    private func encoderLayer(_ layer: Layer, reduced: ReducedLayer?, rows: Int, chunk: [Int], offsets: [Int],
                              sequences: [[Int32]], workspace: Workspace)
    {
        let h = hidden, i = intermediate
        let x = workspace.x, qkv = workspace.qkv, context = workspace.context, projected = workspace.projected
        let ffn = workspace.ffn, scores = workspace.scores
        /// `y[rows, outputs] = input[rows, inputs] W^T`: in `reducedProjection`'s precision, else OpenBLAS sgemm.
        func project(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                     _ reducedProjection: ReducedPrecisionProjection?, outputs: Int, inputs: Int,
                     into y: UnsafeMutablePointer<Float>)
        {
            if let reducedProjection, let scratch = workspace.scratch {
                reducedProjection.apply(rows: rows, x: input, y: y, scratch: scratch)
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1,
                            input, Int32(inputs), weights, Int32(inputs), 0, y, Int32(outputs))
            }
        }

        // Q, K, V for all tokens: [rows, 3h] = X [rows, h] * W^T.
        project(x, layer.qkvWeight, reduced?.queryKeyValue, outputs: 3 * h, inputs: h, into: qkv)
        Kernels.addBias(qkv, count: rows, width: 3 * h, stride: 3 * h, bias: layer.qkvBias)

        // Attention per text and head, on strided views of the QKV matrix.
        let ld = Int32(3 * h)
        for (slot, index) in chunk.enumerated() {
            let n = sequences[index].count
            let base = offsets[slot]
            let n32 = Int32(n)
            for head in 0..<heads {
                let q = qkv + base * 3 * h + head * headSize
                let k = q + h
                let v = q + 2 * h
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n32, n32, Int32(headSize), 1, q, ld, k, ld, 0,
                            scores, n32)
                if reduced != nil {
                    skmk_softmax_rows(scores, Int32(n), Int32(n), Int32(n))
                } else {
                    Kernels.softmaxRows(scores, count: n, width: n, stride: n)
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, Int32(headSize), n32, 1, scores, n32, v,
                            ld, 0, context + base * h + head * headSize, Int32(h))
            }
        }

        // Attention output projection, residual, LayerNorm.
        project(context, layer.outputWeight, reduced?.attentionOutput, outputs: h, inputs: h, into: projected)
        Kernels.addLayerNorm(x: x, y: projected, bias: layer.outputBias, count: rows, width: h,
                             gamma: layer.attentionGamma, beta: layer.attentionBeta, eps: eps)

        // Feed-forward: GELU(X W1^T + b1) W2^T + b2, residual, LayerNorm.
        project(x, layer.intermediateWeight, reduced?.intermediate, outputs: i, inputs: h, into: ffn)
        if reduced != nil {
            skmk_add_bias_gelu(ffn, Int32(rows), Int32(i), layer.intermediateBias)
        } else {
            Kernels.addBiasGELU(ffn, count: rows, width: i, bias: layer.intermediateBias)
        }
        project(ffn, layer.ffnOutputWeight, reduced?.output, outputs: h, inputs: i, into: projected)
        Kernels.addLayerNorm(x: x, y: projected, bias: layer.ffnOutputBias, count: rows, width: h,
                             gamma: layer.outputGamma, beta: layer.outputBeta, eps: eps)
    }
}

/// One worker's activation buffers, sized for a chunk of `tokens` tokens.
final class Workspace: @unchecked Sendable {
    let x: UnsafeMutablePointer<Float>
    let qkv: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let projected: UnsafeMutablePointer<Float>
    let ffn: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    /// The reduced-precision products' converted activations and integer results (nil in fp32).
    let scratch: UnsafeMutableRawPointer?

    init(tokens: Int, hidden: Int, intermediate: Int, maxLength: Int, scratchBytes: Int = 0) {
        x = .allocate(capacity: tokens * hidden)
        qkv = .allocate(capacity: tokens * 3 * hidden)
        context = .allocate(capacity: tokens * hidden)
        projected = .allocate(capacity: tokens * hidden)
        ffn = .allocate(capacity: tokens * intermediate)
        scores = .allocate(capacity: maxLength * maxLength)
        scratch = scratchBytes > 0 ? .allocate(byteCount: scratchBytes, alignment: 64) : nil
    }

    func deallocate() {
        x.deallocate()
        qkv.deallocate()
        context.deallocate()
        projected.deallocate()
        ffn.deallocate()
        scores.deallocate()
        scratch?.deallocate()
    }
}

/// Hands out chunk indices to workers.
final class ChunkCounter: Sendable {
    private let next = Mutex(0)

    func take(limit: Int) -> Int? {
        next.withLock { next in
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
