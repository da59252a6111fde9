import Foundation
import SupportKit
import Testing
@testable import SupportKitEmbedding

@Suite struct MiniLMParityTests {
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    @Test(.enabled(if: MiniLMFixtures.hasModel, MiniLMFixtures.missingModelMessage))
    func embeddingsMatchSentenceTransformers() async throws {
        let embedder = try #require(MiniLMFixtures.embedder)
        let items = MiniLMFixtures.reference.items
        let vectors = try await embedder.embed(items.map(\.text))
        #expect(vectors.count == items.count)
        var worst = 1.0
        for (item, vector) in zip(items, vectors) {
            #expect(vector.count == 384)
            let similarity = Self.cosine(vector, item.embedding)
            worst = min(worst, similarity)
            #expect(similarity >= 0.9999, "\(item.text.debugDescription): cosine \(similarity)")
            let length = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(length - 1) < 1e-4)
        }
        print("minilm parity: worst cosine \(worst) over \(items.count) texts")
    }

    @Test(.enabled(if: MiniLMFixtures.hasModel, MiniLMFixtures.missingModelMessage))
    func resultsDoNotDependOnBatchingOrOrder() async throws {
        let embedder = try #require(MiniLMFixtures.embedder)
        let texts = MiniLMFixtures.reference.items.map(\.text)
        let together = try await embedder.embed(texts)
        let reversed = try await embedder.embed(texts.reversed())
        for (index, text) in texts.enumerated() {
            #expect(Self.cosine(reversed[texts.count - 1 - index], together[index]) > 0.99999)
            if index % 10 == 0 {
                let alone = try await embedder.embed(text)
                #expect(Self.cosine(alone, together[index]) > 0.99999)
            }
        }
        // A small budget splits one call into many chunks across both workers.
        let small = try MiniLMEmbedder(directory: embedder.directory, tokenBudget: 256, workers: 2)
        let some = Array(texts.prefix(24))
        let chunked = try await small.embed(some)
        for index in some.indices { #expect(Self.cosine(chunked[index], together[index]) > 0.99999) }
    }

    @Test(.enabled(if: MiniLMFixtures.hasModel, MiniLMFixtures.missingModelMessage))
    func aParaphraseWithoutSharedWordsIsClosest() async throws {
        let embedder = try #require(MiniLMFixtures.embedder)
        let query = "I can't get into my account"
        let documents = [
            "Reset your password: open the sign-in page and choose Forgot password to receive a reset link.",
            "Shipping to Canada takes five business days after the order leaves the warehouse.",
            "Refunds for annual plans are prorated and credited to the original payment method.",
        ]
        let vectors = try await embedder.embed([query] + documents)
        let scores = vectors.dropFirst().map { Self.cosine(vectors[0], $0) }
        #expect(scores[0] > scores[1] && scores[0] > scores[2], "\(scores)")
    }

    @Test(.enabled(if: MiniLMFixtures.hasModel, MiniLMFixtures.missingModelMessage))
    func fingerprintAndTokenCounter() throws {
        let embedder = try #require(MiniLMFixtures.embedder)
        #expect(embedder.fingerprint.name == "minilm")
        #expect(embedder.fingerprint.dimension == 384)
        #expect(embedder.fingerprint.version.hasPrefix("1-"))
        #expect(embedder.tokenCounter.tokenCount("How do I reset my password?") == 7)
        #expect(embedder.tokenCounter.tokenCount("") == 0)
    }

    @Test func kernelsMatchLibm() {
        var worstErf: Float = 0
        var worstExp: Float = 0
        var x: Float = -6
        while x < 6 {
            var lanes = Kernels.V()
            for lane in 0..<8 { lanes[lane] = x + Float(lane) * 0.000_37 }
            let erf = Kernels.erf(lanes)
            for lane in 0..<8 { worstErf = max(worstErf, abs(erf[lane] - Foundation.erf(lanes[lane]))) }
            x += 0.003
        }
        x = -87
        while x <= 0 {
            var lanes = Kernels.V()
            for lane in 0..<8 { lanes[lane] = x + Float(lane) * 0.000_71 }
            let e = Kernels.exp(lanes)
            for lane in 0..<8 {
                let want = Foundation.exp(lanes[lane])
                if want > 1e-30 { worstExp = max(worstExp, abs(e[lane] - want) / want) }
            }
            x += 0.01
        }
        #expect(worstErf < 1e-6, "erf max abs error \(worstErf)")
        #expect(worstExp < 1e-6, "exp max rel error \(worstExp)")
    }

    /// Release builds run the vector kernels, debug builds the scalar ones: both must compute the same thing.
    @Test func vectorAndScalarKernelsAgree() {
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int, _ range: ClosedRange<Float>) -> [Float] { (0..<count).map { _ in Float.random(in: range, using: &generator) } }
        func worst(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0 }
        let rows = 5, width = 64
        let x = random(rows * width, -4...4), y = random(rows * width, -2...2), bias = random(width, -1...1)
        let gamma = random(width, 0.5...1.5), beta = random(width, -0.5...0.5)

        func both(_ body: (UnsafeMutablePointer<Float>, Bool) -> Void, input: [Float]) -> (vector: [Float], scalar: [Float]) {
            var vector = input, scalar = input
            vector.withUnsafeMutableBufferPointer { body($0.baseAddress!, true) }
            scalar.withUnsafeMutableBufferPointer { body($0.baseAddress!, false) }
            return (vector, scalar)
        }
        let biased = both({ pointer, vector in
            if vector { Kernels.vectorAddBias(pointer, count: rows, width: width, stride: width, bias: bias) }
            else { Kernels.scalarAddBias(pointer, count: rows, width: width, stride: width, bias: bias) }
        }, input: x)
        let normalized = both({ pointer, vector in
            if vector { Kernels.vectorAddLayerNorm(x: pointer, y: y, bias: bias, count: rows, width: width, gamma: gamma, beta: beta, eps: 1e-12) }
            else { Kernels.scalarAddLayerNorm(x: pointer, y: y, bias: bias, count: rows, width: width, gamma: gamma, beta: beta, eps: 1e-12) }
        }, input: x)
        let gelu = both({ pointer, vector in
            if vector { Kernels.vectorAddBiasGELU(pointer, count: rows, width: width, bias: bias) }
            else { Kernels.scalarAddBiasGELU(pointer, count: rows, width: width, bias: bias) }
        }, input: x)
        // Softmax over rows of 13 (not a multiple of 8: the vector tail path) with stride 16.
        let softmax = both({ pointer, vector in
            if vector { Kernels.vectorSoftmaxRows(pointer, count: 20, width: 13, stride: 16) }
            else { Kernels.scalarSoftmaxRows(pointer, count: 20, width: 13, stride: 16) }
        }, input: random(20 * 16, -30...10))
        #expect(biased.vector == biased.scalar)
        #expect(worst(normalized.vector, normalized.scalar) < 1e-5)
        #expect(worst(gelu.vector, gelu.scalar) < 1e-5)
        #expect(worst(softmax.vector, softmax.scalar) < 1e-5)
        // Softmax rows sum to one; the padding past each row is untouched.
        for row in 0..<20 {
            #expect(abs(softmax.vector[(row * 16)..<(row * 16 + 13)].reduce(0, +) - 1) < 1e-5)
            #expect(softmax.vector[(row * 16 + 13)..<(row * 16 + 16)] == softmax.scalar[(row * 16 + 13)..<(row * 16 + 16)])
        }
    }

    @Test func chunkPlanCoversEveryTextOnceWithinTheBudget() {
        let lengths = (0..<300).map { 2 + ($0 * 37) % 255 }
        let chunks = MiniLMModel.plan(lengths: lengths, budget: 1024, workers: 2)
        #expect(chunks.flatMap { $0 }.sorted() == Array(0..<300))
        for chunk in chunks { #expect(chunk.map { lengths[$0] }.reduce(0, +) <= 1024) }
    }

    /// A batch of short queries that fits one budget still gives every worker a chunk.
    @Test func aBatchWithinOneBudgetIsSplitForTheWorkers() {
        let lengths = Array(repeating: 14, count: 256)   // 3,584 tokens, under the 4,096 budget
        let chunks = MiniLMModel.plan(lengths: lengths, budget: 4096, workers: 2)
        #expect(chunks.count >= 2)
        #expect(chunks.flatMap { $0 }.sorted() == Array(0..<256))
        #expect(chunks.map { $0.count * 14 }.max()! <= 3584 / 2)
        #expect(MiniLMModel.plan(lengths: [9], budget: 4096, workers: 2) == [[0]])
    }
}
