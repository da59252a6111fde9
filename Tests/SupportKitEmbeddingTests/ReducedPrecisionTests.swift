import CMiniLMKernels
import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitEmbedding

/// `minilm:bf16` and `minilm:int8`: names, fingerprints, the CPU check, the kernels against plain Swift, and the
/// forward pass against fp32 (a tiny random model always; the real model when it is there).
@Suite struct ReducedPrecisionTests {
    static let cpu = CPUFeatures.current
    static let lacksBF16: Comment = "this CPU lacks AVX-512 BF16 (avx512_bf16)"
    static let lacksBoth: Comment = "this CPU lacks AVX-512 BF16 or VNNI (avx512_bf16, avx512_vnni)"
    static let hasBoth = cpu.isSuperset(of: [.avx512BF16, .avx512VNNI])

    @Test func embedderNamesChooseThePrecision() {
        #expect(MiniLMPrecision(embedderName: "minilm") == .fp32)
        #expect(MiniLMPrecision(embedderName: "all-MiniLM-L6-v2") == .fp32)
        #expect(MiniLMPrecision(embedderName: "minilm:bf16") == .bf16)
        #expect(MiniLMPrecision(embedderName: "MiniLM:INT8") == .int8)
        #expect(MiniLMPrecision(embedderName: "minilm:fp16") == nil)
        #expect(MiniLMPrecision(embedderName: "lexical") == nil)
        #expect(MiniLMPrecision.allCases.map(\.embedderName) == ["minilm", "minilm:bf16", "minilm:int8"])
        #expect(EmbedderFactory.names.contains("minilm:bf16") && EmbedderFactory.names.contains("minilm:int8"))
    }

    @Test func anUnknownPrecisionIsAnUnknownEmbedder() {
        do {
            _ = try EmbedderFactory.make(name: "minilm:fp16", environment: [:])
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.code == .invalidInput)
            #expect(error.message == "unknown embedder \"minilm:fp16\"; use minilm (default), minilm:bf16, minilm:int8, lexical or openai:MODEL")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aCPUWithoutTheInstructionsGetsAnErrorNamingThem() throws {
        let none: CPUFeatures = []
        try MiniLMPrecision.fp32.checkSupported(by: none)
        do {
            try MiniLMPrecision.bf16.checkSupported(by: .avx512VNNI)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.code == .unavailable)
            #expect(error.message == "the minilm:bf16 embedder needs a CPU with AVX-512 avx512_bf16 (`lscpu` lists the flags); this CPU lacks it; use --embedder minilm (fp32) instead")
        }
        do {
            try MiniLMPrecision.int8.checkSupported(by: none)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.message == "the minilm:int8 embedder needs a CPU with AVX-512 avx512_bf16 and avx512_vnni (`lscpu` lists the flags); this CPU lacks them; use --embedder minilm (fp32) instead")
        }
        do {
            try MiniLMPrecision.int8.checkSupported(by: .avx512BF16)
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.message.contains("AVX-512 avx512_vnni (") && error.message.contains("lacks it;"))
        }
        try MiniLMPrecision.int8.checkSupported(by: [.avx512BF16, .avx512VNNI])
    }

    /// Round to nearest even on the bit pattern: the reference the AVX-512 conversion must equal.
    static func bf16Bits(_ value: Float) -> UInt16 {
        if value.isNaN { return UInt16(truncatingIfNeeded: value.bitPattern >> 16) | 0x40 }
        let bits = value.bitPattern
        return UInt16(truncatingIfNeeded: (bits &+ 0x7fff &+ ((bits >> 16) & 1)) >> 16)
    }

    @Test(.enabled(if: cpu.contains(.avx512BF16), lacksBF16))
    func bf16ConversionRoundsToNearestEven() {
        // Ties both ways, values just off a tie, the extremes, and a count that leaves a tail of 13.
        var values: [Float] = [1, -1, 0, -0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                               Float(bitPattern: 0x3f80_8000), Float(bitPattern: 0x3f81_8000),
                               Float(bitPattern: 0x3f80_8001), Float(bitPattern: 0x3f80_7fff), 3.14159265]
        values += ModelFilesTests.floats(32, seed: 7, scale: 1000)
        var out = [UInt16](repeating: 0, count: values.count)
        skmk_convert_bf16(values, &out, values.count)
        for (value, bits) in zip(values, out) {
            #expect(bits == Self.bf16Bits(value), "\(value): \(String(bits, radix: 16))")
        }
        #expect(out[8] == 0x3f80 && out[9] == 0x3f82)  // the two ties go to the even neighbour
    }

    @Test(.enabled(if: cpu.contains(.avx512VNNI), "this CPU lacks AVX-512 VNNI (avx512_vnni)"))
    func int8QuantizationUsesOneScalePerRow() {
        let width = 40  // two vectors and a tail
        var x = ModelFilesTests.floats(3 * width, seed: 11, scale: 2)
        x[5] = -6.35  // row 0's largest magnitude, negative
        for column in 0..<width { x[2 * width + column] = 0 }  // an all-zero row
        var q = [UInt8](repeating: 0, count: x.count)
        var scales = [Float](repeating: 0, count: 3)
        skmk_quantize_rows_u8(x, 3, Int32(width), nil, &q, &scales)
        #expect(abs(scales[0] - 6.35 / 127) < 1e-7)
        #expect(q[5] == 1)  // -127 + 128
        #expect(scales[2] == 1)
        #expect(q[(2 * width)...].allSatisfy { $0 == 128 })
        for row in 0..<2 {
            for column in 0..<width {
                let index = row * width + column
                let expected = Int((x[index] / scales[row]).rounded(.toNearestOrEven)) + 128
                #expect(abs(Int(q[index]) - expected) <= 1, "row \(row) column \(column)")
                #expect(abs((Float(q[index]) - 128) * scales[row] - x[index]) <= scales[row] * 0.5001)
            }
        }
    }

    @Test(.enabled(if: cpu.contains(.avx512BF16), lacksBF16))
    func sixteenLaneSoftmaxAndGELUMatchTheScalarKernels() {
        // Widths with and without a tail; rows `stride` apart with a gap the softmax must leave alone.
        for width in [7, 16, 37, 256] {
            let stride = width + 3, count = 5
            let input = ModelFilesTests.floats(count * stride, seed: UInt64(width), scale: 12)
            var fast = input, plain = input
            skmk_softmax_rows(&fast, Int32(count), Int32(width), Int32(stride))
            Kernels.scalarSoftmaxRows(&plain, count: count, width: width, stride: stride)
            for index in input.indices {
                #expect(abs(fast[index] - plain[index]) <= 1e-5 * max(1, abs(plain[index])), "softmax width \(width) at \(index)")
            }
            let bias = ModelFilesTests.floats(width, seed: 99, scale: 1)
            var gelu = Array(input.prefix(count * width)), plainGELU = gelu
            skmk_add_bias_gelu(&gelu, Int32(count), Int32(width), bias)
            Kernels.scalarAddBiasGELU(&plainGELU, count: count, width: width, bias: bias)
            for index in gelu.indices {
                #expect(abs(gelu[index] - plainGELU[index]) <= 1e-5 * max(1, abs(plainGELU[index])), "GELU width \(width) at \(index)")
            }
        }
    }

    @Test(.enabled(if: hasBoth, lacksBoth), arguments: [ProjectionPrecision.bf16, .int8])
    func aProjectionMatchesAPlainProduct(_ precision: ProjectionPrecision) throws {
        let rows = 37, outputs = 48, inputs = 80
        let weights = ModelFilesTests.floats(outputs * inputs, seed: 3, scale: 0.2)
        let x = ModelFilesTests.floats(rows * inputs, seed: 4, scale: 3)
        // Relative error of the whole product: bf16 keeps 8 bits of mantissa, int8 about 7 bits per factor.
        let relative = try Self.projectionError(precision, x: x, weights: weights, rows: rows, outputs: outputs,
                                                inputs: inputs)
        #expect(relative < (precision == .bf16 ? 0.006 : 0.012), "relative error \(relative)")
    }

    /// Relative error of `x W^T` through a projection, against Double.
    static func projectionError(_ precision: ProjectionPrecision, x: [Float], weights: [Float], rows: Int, outputs: Int,
                                inputs: Int, inputScales: [Float]? = nil) throws -> Double
    {
        let projection = try ReducedPrecisionProjection(precision, weights: weights, outputs: outputs, inputs: inputs,
                                                        inputScales: inputScales)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: projection.scratchBytes(rows: rows), alignment: 64)
        defer { scratch.deallocate() }
        var y = [Float](repeating: 0, count: rows * outputs)
        projection.apply(rows: rows, x: x, y: &y, scratch: scratch)
        var error = 0.0, norm = 0.0
        for row in 0..<rows {
            for output in 0..<outputs {
                var exact = 0.0
                for input in 0..<inputs { exact += Double(x[row * inputs + input]) * Double(weights[output * inputs + input]) }
                error += (Double(y[row * outputs + output]) - exact) * (Double(y[row * outputs + output]) - exact)
                norm += exact * exact
            }
        }
        return (error / norm).squareRoot()
    }

    @Test(.enabled(if: cpu.contains(.avx512VNNI), "this CPU lacks AVX-512 VNNI (avx512_vnni)"))
    func smoothingKeepsTheProductAndTamesLargeChannels() throws {
        let rows = 9, outputs = 32, inputs = 64
        // Four input channels 40x larger than the rest, as a LayerNorm with a few large gammas gives, and weights
        // 40x smaller on them, so that every channel matters to the product about as much.
        var weights = ModelFilesTests.floats(outputs * inputs, seed: 5, scale: 0.2)
        var x = ModelFilesTests.floats(rows * inputs, seed: 6, scale: 1)
        let large: Set = [3, 17, 40, 63]
        for row in 0..<rows { for column in large { x[row * inputs + column] *= 40 } }
        for output in 0..<outputs { for column in large { weights[output * inputs + column] /= 40 } }
        let scales = (0..<inputs).map { large.contains($0) ? Float(40) : 1 }
        let plain = try Self.projectionError(.int8, x: x, weights: weights, rows: rows, outputs: outputs, inputs: inputs)
        let smoothed = try Self.projectionError(.int8, x: x, weights: weights, rows: rows, outputs: outputs,
                                                inputs: inputs, inputScales: scales)
        #expect(smoothed < 0.012, "relative error \(smoothed)")
        #expect(smoothed < plain / 2, "smoothed \(smoothed), plain \(plain)")
    }

    @Test(.enabled(if: hasBoth, lacksBoth), arguments: [MiniLMPrecision.bf16, .int8])
    func tinyModelStaysCloseToAPlainImplementation(_ precision: MiniLMPrecision) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tensors = ModelFilesTests.tinyTensors()
        try ModelFilesTests.writeTinyModel(directory, tensors: tensors)
        let embedder = try MiniLMEmbedder(directory: directory.url, tokenBudget: 40, workers: 2, precision: precision)
        #expect(embedder.fingerprint.name == precision.embedderName)
        let fp32 = try MiniLMEmbedder(directory: directory.url)
        #expect(embedder.fingerprint.version == fp32.fingerprint.version)
        #expect(embedder.fingerprint != fp32.fingerprint)
        let texts = ["How do I reset my password?", "", "I can't get into my account!", "log in, log in. " + String(repeating: "reset ", count: 40)]
        let vectors = try await embedder.embed(texts)
        for (text, vector) in zip(texts, vectors) {
            let expected = ModelFilesTests.referenceEmbedding(ids: embedder.tokenizer.encode(text), tensors: tensors)
            let similarity = MiniLMParityTests.cosine(vector, expected)
            #expect(similarity >= 0.999, "\(text): cosine \(similarity)")
        }
    }

    @Test(.enabled(if: MiniLMFixtures.hasModel, MiniLMFixtures.missingModelMessage), .enabled(if: hasBoth, lacksBoth),
          arguments: [MiniLMPrecision.bf16, .int8])
    func realModelStaysWithinParityOfFP32(_ precision: MiniLMPrecision) async throws {
        let fp32 = try #require(MiniLMFixtures.embedder)
        let embedder = try MiniLMEmbedder(directory: fp32.directory, precision: precision)
        #expect(embedder.fingerprint.description == fp32.fingerprint.description.replacingOccurrences(of: "minilm@", with: precision.embedderName + "@"))
        let texts = MiniLMFixtures.reference.items.map(\.text)
        let reduced = try await embedder.embed(texts)
        let reference = try await fp32.embed(texts)
        // bf16 keeps 0.9999 on every fixture text. int8 keeps 0.999 on the 2,000 bench texts (the bench script checks
        // all of them) but not on every degenerate fixture text: emoji-heavy ones of a few tokens, where mean pooling
        // averages little away ("❤️ thanks! 🙏🏽" 0.9987; [CLS] [SEP] alone 0.9991; docs/embeddings.md).
        let bound = precision == .bf16 ? 0.9999 : 0.998
        var worst = 1.0
        for (index, text) in texts.enumerated() {
            let similarity = MiniLMParityTests.cosine(reduced[index], reference[index])
            worst = min(worst, similarity)
            #expect(similarity >= bound, "\(text.debugDescription): cosine \(similarity)")
        }
        print("\(precision.embedderName) parity with fp32: worst cosine \(worst) over \(texts.count) texts")
    }
}
