import Foundation

/// The element-wise kernels as plain scalar loops over libm, and the switch between them and the vector ones.
///
/// Same contracts as the `vector…` functions in `Kernels.swift`; results agree to float rounding (the vector
/// `exp`/`erf` approximations are within a few ulp of libm's).
extension Kernels {
    /// `rows[r] += bias` for `count` rows of `width` floats, rows `stride` apart.
    static func addBias(_ rows: UnsafeMutablePointer<Float>, count: Int, width: Int, stride: Int, bias: UnsafePointer<Float>) {
        #if DEBUG
        scalarAddBias(rows, count: count, width: width, stride: stride, bias: bias)
        #else
        vectorAddBias(rows, count: count, width: width, stride: stride, bias: bias)
        #endif
    }

    /// `x[r] = LayerNorm(y[r] + bias + x[r])` over `count` rows of `width` floats.
    static func addLayerNorm(x: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                             count: Int, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float)
    {
        #if DEBUG
        scalarAddLayerNorm(x: x, y: y, bias: bias, count: count, width: width, gamma: gamma, beta: beta, eps: eps)
        #else
        vectorAddLayerNorm(x: x, y: y, bias: bias, count: count, width: width, gamma: gamma, beta: beta, eps: eps)
        #endif
    }

    /// `x[r] = GELU(x[r] + bias)` over `count` rows of `width` floats.
    static func addBiasGELU(_ x: UnsafeMutablePointer<Float>, count: Int, width: Int, bias: UnsafePointer<Float>) {
        #if DEBUG
        scalarAddBiasGELU(x, count: count, width: width, bias: bias)
        #else
        vectorAddBiasGELU(x, count: count, width: width, bias: bias)
        #endif
    }

    /// Softmax of each of `count` rows of `width` floats, rows `stride` apart, in place.
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, count: Int, width: Int, stride: Int) {
        #if DEBUG
        scalarSoftmaxRows(x, count: count, width: width, stride: stride)
        #else
        vectorSoftmaxRows(x, count: count, width: width, stride: stride)
        #endif
    }

    static func scalarAddBias(_ rows: UnsafeMutablePointer<Float>, count: Int, width: Int, stride: Int, bias: UnsafePointer<Float>) {
        for row in 0..<count {
            let pointer = rows + row * stride
            for column in 0..<width { pointer[column] += bias[column] }
        }
    }

    static func scalarAddLayerNorm(x: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                   count: Int, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float)
    {
        for row in 0..<count {
            let xr = x + row * width
            var sum: Float = 0
            for column in 0..<width {
                var value = xr[column]
                if let y { value += y[row * width + column] }
                if let bias { value += bias[column] }
                xr[column] = value
                sum += value
            }
            let mean = sum / Float(width)
            var squares: Float = 0
            for column in 0..<width {
                let centered = xr[column] - mean
                squares += centered * centered
            }
            let scale = 1 / (squares / Float(width) + eps).squareRoot()
            for column in 0..<width {
                xr[column] = (xr[column] - mean) * scale * gamma[column] + beta[column]
            }
        }
    }

    static func scalarAddBiasGELU(_ x: UnsafeMutablePointer<Float>, count: Int, width: Int, bias: UnsafePointer<Float>) {
        for row in 0..<count {
            let xr = x + row * width
            for column in 0..<width {
                let value = xr[column] + bias[column]
                xr[column] = 0.5 * value * (1 + Foundation.erf(value * 0.70710678118654752))
            }
        }
    }

    static func scalarSoftmaxRows(_ x: UnsafeMutablePointer<Float>, count: Int, width: Int, stride: Int) {
        for row in 0..<count {
            let xr = x + row * stride
            var rowMaximum = -Float.infinity
            for column in 0..<width { rowMaximum = Swift.max(rowMaximum, xr[column]) }
            var sum: Float = 0
            for column in 0..<width {
                let e = Foundation.exp(xr[column] - rowMaximum)
                xr[column] = e
                sum += e
            }
            let inverse = 1 / sum
            for column in 0..<width { xr[column] *= inverse }
        }
    }
}
