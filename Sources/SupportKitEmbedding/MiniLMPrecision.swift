import CMiniLMKernels
import SupportKit

/// The arithmetic the MiniLM forward pass runs its four weight products in (query/key/value, attention output,
/// feed-forward up and down); everything else (embeddings, attention scores and softmax, GELU, layer norms,
/// pooling) stays fp32 in every variant.
///
/// Each variant is its own embedder (`minilm`, `minilm:bf16`, `minilm:int8`) with its own fingerprint, so a
/// collection embedded with one is never searched with another.
public enum MiniLMPrecision: String, Sendable, CaseIterable {
    /// OpenBLAS sgemm: the reference.
    case fp32
    /// Weights rounded to bf16 once at load, activations per product; fp32 accumulation (oneDNN, AVX-512 BF16).
    case bf16
    /// The feed-forward up product (a quarter of the work) in int8: s8 weights with one scale per output channel,
    /// u8 activations with one scale per token after taking the LayerNorm's per-channel scale out of them
    /// (oneDNN, AVX-512 VNNI); the other three products in bf16, where int8 would cost more parity than the 0.999
    /// the variant promises.
    case int8

    /// The embedder name: `minilm`, `minilm:bf16`, `minilm:int8`.
    public var embedderName: String { self == .fp32 ? "minilm" : "minilm:" + rawValue }

    /// The precision an embedder name asks for (`minilm`, `minilm:fp32`, `minilm:bf16`, `minilm:int8`, any case),
    /// or nil when the name is not a MiniLM one.
    public init?(embedderName name: String) {
        let lowered = name.lowercased()
        if lowered == "minilm" || lowered == "all-minilm-l6-v2" {
            self = .fp32
            return
        }
        guard lowered.hasPrefix("minilm:"), let precision = Self(rawValue: String(lowered.dropFirst("minilm:".count)))
        else { return nil }
        self = precision
    }

    /// Where each weight product runs: nil is fp32 (OpenBLAS). Chosen by measurement (docs/embeddings.md).
    var plan: ProjectionPlan {
        switch self {
        case .fp32: return ProjectionPlan(queryKeyValue: nil, attentionOutput: nil, intermediate: nil, output: nil)
        case .bf16: return ProjectionPlan(queryKeyValue: .bf16, attentionOutput: .bf16, intermediate: .bf16, output: .bf16)
        case .int8:
            // Only the feed-forward up product: with query/key/value in int8 too the worst cosine to fp32 over the
            // 2,000 bench texts fell to 0.9974, with all four to 0.9961 (docs/embeddings.md); smoothing the
            // query/key/value input as well still left a [CLS] [SEP]-only text at 0.990.
            return ProjectionPlan(queryKeyValue: .bf16, attentionOutput: .bf16, intermediate: .int8, output: .bf16)
        }
    }

    /// Throws when `features` lack an instruction set this precision's kernels use, naming it (rather than
    /// letting the process die of an illegal instruction).
    public func checkSupported(by features: CPUFeatures = .current) throws {
        let needed = Set(plan.all.compactMap { $0 })
        var required: CPUFeatures = []
        if needed.contains(.bf16) { required.insert(.avx512BF16) }
        if needed.contains(.int8) { required.insert(.avx512VNNI) }
        let missing = CPUFeatures.names.filter { required.subtracting(features).contains($0.0) }.map(\.1)
        guard missing.isEmpty else {
            throw SupportKitError(
                .unavailable,
                "the \(embedderName) embedder needs a CPU with AVX-512 \(missing.joined(separator: " and ")) "
                    + "(`lscpu` lists the flags); this CPU lacks \(missing.count == 1 ? "it" : "them"); "
                    + "use --embedder minilm (fp32) instead")
        }
    }
}

/// The precision of each of an encoder layer's four weight products; nil runs it in fp32.
struct ProjectionPlan: Sendable {
    var queryKeyValue: ProjectionPrecision?
    var attentionOutput: ProjectionPrecision?
    var intermediate: ProjectionPrecision?
    var output: ProjectionPrecision?

    var all: [ProjectionPrecision?] { [queryKeyValue, attentionOutput, intermediate, output] }
}

/// The reduced precisions one weight product can run in.
enum ProjectionPrecision: Sendable, Hashable {
    case bf16, int8

    var kernelPrecision: skmk_precision {
        switch self {
        case .bf16: SKMK_PRECISION_BF16
        case .int8: SKMK_PRECISION_INT8
        }
    }
}

/// The instruction sets the reduced-precision kernels need, as the CPU and the operating system report them.
public struct CPUFeatures: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// AVX-512 F/BW/VL with BF16 (`vdpbf16ps`, `vcvtneps2bf16`); `lscpu` calls it avx512_bf16.
    public static let avx512BF16 = CPUFeatures(rawValue: 1 << 0)
    /// AVX-512 F/BW/VL with VNNI (`vpdpbusd`); `lscpu` calls it avx512_vnni.
    public static let avx512VNNI = CPUFeatures(rawValue: 1 << 1)

    /// Each feature with the name `lscpu` gives it.
    static let names: [(CPUFeatures, String)] = [(.avx512BF16, "avx512_bf16"), (.avx512VNNI, "avx512_vnni")]

    /// This machine's (cpuid and xgetbv, read once).
    public static let current: CPUFeatures = {
        var features: CPUFeatures = []
        if skmk_cpu_has_avx512_bf16() != 0 { features.insert(.avx512BF16) }
        if skmk_cpu_has_avx512_vnni() != 0 { features.insert(.avx512VNNI) }
        return features
    }()
}
