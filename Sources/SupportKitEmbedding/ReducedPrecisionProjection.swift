import CMiniLMKernels
import SupportKit

/// One weight product `y = x W^T` in bf16 or int8 on oneDNN: the weights converted once, at load; the
/// activations converted (bf16) or quantized per token (int8) on every call, into the caller's scratch memory.
final class ReducedPrecisionProjection: @unchecked Sendable {
    // @unchecked: the handle is immutable after init and oneDNN primitives may run on several threads at once.
    private let handle: OpaquePointer
    let precision: ProjectionPrecision
    let outputs: Int
    let inputs: Int

    /// - Parameters:
    ///   - weights: `[outputs, inputs]`, PyTorch's layout; copied, not kept.
    ///   - inputScales: int8 only: one factor per input channel moved from the activations into the weights
    ///     (`x W^T = (x / s)(W s)^T`), or nil.
    init(_ precision: ProjectionPrecision, weights: UnsafePointer<Float>, outputs: Int, inputs: Int,
         inputScales: [Float]? = nil) throws
    {
        var message = [CChar](repeating: 0, count: 256)
        let created = inputScales.withOptionalBuffer { scales in
            skmk_projection_create(precision.kernelPrecision, weights, Int32(outputs), Int32(inputs), scales,
                                   &message, message.count)
        }
        guard let handle = created
        else {
            throw SupportKitError(.unavailable, "cannot prepare the reduced-precision model: " + Self.text(message))
        }
        self.handle = handle
        self.precision = precision
        self.outputs = outputs
        self.inputs = inputs
    }

    deinit { skmk_projection_destroy(handle) }

    /// Scratch bytes `apply` needs for `rows` rows.
    func scratchBytes(rows: Int) -> Int { skmk_projection_scratch_bytes(handle, Int32(rows)) }

    /// `y[rows, outputs] = x[rows, inputs] W^T` on the calling thread.
    ///
    /// oneDNN fails here only when it cannot allocate its own working memory; the forward pass has no way to
    /// recover from that, so it stops with oneDNN's message.
    func apply(rows: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, scratch: UnsafeMutableRawPointer) {
        var message = [CChar](repeating: 0, count: 256)
        let status = skmk_projection_run(handle, Int32(rows), x, y, scratch, &message, message.count)
        precondition(status == 0, Self.text(message))
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Optional where Wrapped == [Float] {
    /// The array's storage, or nil, for a C parameter that takes either.
    func withOptionalBuffer<Result>(_ body: (UnsafePointer<Float>?) -> Result) -> Result {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
