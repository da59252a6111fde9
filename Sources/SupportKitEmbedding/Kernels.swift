import Foundation

/// Vectorized element-wise kernels of the forward pass (8 lanes at a time; the compiler maps `SIMD8<Float>` to SSE or
/// AVX registers). Matrix products go to OpenBLAS; everything else that touches every activation is here.
///
/// Unoptimized builds (`swift test`) run this SIMD code about a hundred times slower than plain scalar loops
/// over libm, so debug builds call the scalar versions in `ScalarKernels.swift` instead; release builds call
/// these. Tests compare the two on the same data in every build.
enum Kernels {
    typealias V = SIMD8<Float>

    @inline(__always) @_optimize(speed)
    static func load(_ pointer: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(pointer).loadUnaligned(as: V.self)
    }

    @inline(__always) @_optimize(speed)
    static func store(_ value: V, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: V.self)
    }

    /// Lane-wise maximum and minimum; the standard library's `pointwiseMax`/`pointwiseMin` are not inlined and
    /// cost a call per vector.
    @inline(__always) @_optimize(speed)
    static func maximum(_ a: V, _ b: V) -> V { a.replacing(with: b, where: a .< b) }

    @inline(__always) @_optimize(speed)
    static func minimum(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .< a) }

    /// `rows[r] += bias` for `count` rows of `width` floats (`width` a multiple of 8), rows `stride` apart.
    @_optimize(speed)
    static func vectorAddBias(_ rows: UnsafeMutablePointer<Float>, count: Int, width: Int, stride: Int,
                        bias: UnsafePointer<Float>)
    {
        for row in 0..<count {
            let pointer = rows + row * stride
            var column = 0
            while column < width {
                store(load(pointer + column) + load(bias + column), pointer + column)
                column += 8
            }
        }
    }

    /// `x[r] = LayerNorm(y[r] + bias + x[r])` over `count` rows of `width` floats (a multiple of 8): the residual
    /// connection, the projection's bias and the normalization in one pass.
    @_optimize(speed)
    static func vectorAddLayerNorm(x: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                             count: Int, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                             eps: Float)
    {
        let inverseWidth = 1 / Float(width)
        for row in 0..<count {
            let xr = x + row * width
            var sum = V()
            var column = 0
            if let y {
                let yr = y + row * width
                if let bias {
                    while column < width {
                        let value = load(xr + column) + load(yr + column) + load(bias + column)
                        store(value, xr + column)
                        sum += value
                        column += 8
                    }
                } else {
                    while column < width {
                        let value = load(xr + column) + load(yr + column)
                        store(value, xr + column)
                        sum += value
                        column += 8
                    }
                }
            } else {
                while column < width {
                    sum += load(xr + column)
                    column += 8
                }
            }
            let mean = sum.sum() * inverseWidth
            let meanV = V(repeating: mean)
            var squares = V()
            column = 0
            while column < width {
                let centered = load(xr + column) - meanV
                squares += centered * centered
                column += 8
            }
            let variance = squares.sum() * inverseWidth
            let scale = V(repeating: 1 / (variance + eps).squareRoot())
            column = 0
            while column < width {
                let normalized = (load(xr + column) - meanV) * scale
                store(normalized * load(gamma + column) + load(beta + column), xr + column)
                column += 8
            }
        }
    }

    /// `x[r] = GELU(x[r] + bias)` with GELU(v) = v/2 (1 + erf(v/sqrt 2)), over `count` rows of `width` floats.
    @_optimize(speed)
    static func vectorAddBiasGELU(_ x: UnsafeMutablePointer<Float>, count: Int, width: Int, bias: UnsafePointer<Float>) {
        let half = V(repeating: 0.5)
        let one = V(repeating: 1)
        let inverseSqrt2 = V(repeating: 0.70710678118654752)
        for row in 0..<count {
            let xr = x + row * width
            var column = 0
            while column < width {
                let value = load(xr + column) + load(bias + column)
                store(half * value * (one + erf(value * inverseSqrt2)), xr + column)
                column += 8
            }
        }
    }

    /// erf in single precision: a rational approximation on [-4, 4] (erf is ±1 in Float beyond), error within a
    /// few ulp (the approximation Eigen and XLA use).
    @inline(__always) @_optimize(speed)
    static func erf(_ input: V) -> V {
        let x = minimum(maximum(input, V(repeating: -4)), V(repeating: 4))
        let x2 = x * x
        var p = x2 * V(repeating: -2.72614225801306e-10) + V(repeating: 2.77068142495902e-08)
        p = x2 * p + V(repeating: -2.10102402082508e-06)
        p = x2 * p + V(repeating: -5.69250639462346e-05)
        p = x2 * p + V(repeating: -7.34990630326855e-04)
        p = x2 * p + V(repeating: -2.95459980854025e-03)
        p = x2 * p + V(repeating: -1.60960333262415e-02)
        p = x * p
        var q = x2 * V(repeating: -1.45660718464996e-05) + V(repeating: -2.13374055278905e-04)
        q = x2 * q + V(repeating: -1.68282697438203e-03)
        q = x2 * q + V(repeating: -7.37332916720468e-03)
        q = x2 * q + V(repeating: -1.42647390514189e-02)
        return p / q
    }

    /// e^x for x <= 0 down to about -87 (softmax inputs after subtracting the row maximum); ~1 ulp.
    @inline(__always) @_optimize(speed)
    static func exp(_ input: V) -> V {
        let x = minimum(maximum(input, V(repeating: -87.3)), V(repeating: 88.3))
        // n = round(x / ln 2) through the 1.5 * 2^23 trick, which leaves n in the low mantissa bits.
        let shifter = V(repeating: 12_582_912)
        let shifted = x * V(repeating: 1.44269504088896341) + shifter
        let n = shifted - shifter
        var r = x - n * V(repeating: 0.693359375)
        r = r - n * V(repeating: -2.12194440e-4)
        var p = V(repeating: 1.9875691500e-4)
        p = p * r + V(repeating: 1.3981999507e-3)
        p = p * r + V(repeating: 8.3334519073e-3)
        p = p * r + V(repeating: 4.1665795894e-2)
        p = p * r + V(repeating: 1.6666665459e-1)
        p = p * r + V(repeating: 5.0000001201e-1)
        let e = p * (r * r) + r + V(repeating: 1)
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- SIMD8<Int32>(repeating: 0x4B40_0000)
        let scale = unsafeBitCast((bits &+ SIMD8<Int32>(repeating: 127)) &<< SIMD8<Int32>(repeating: 23),
                                  to: V.self)
        return e * scale
    }

    /// Softmax of each of `count` rows of `width` floats, rows `stride` apart, in place.
    @_optimize(speed)
    static func vectorSoftmaxRows(_ x: UnsafeMutablePointer<Float>, count: Int, width: Int, stride: Int) {
        let vectorWidth = width & ~7
        for row in 0..<count {
            let xr = x + row * stride
            var maximumV = V(repeating: -.infinity)
            var column = 0
            while column < vectorWidth {
                maximumV = maximum(maximumV, load(xr + column))
                column += 8
            }
            var rowMaximum = maximumV[0]
            for lane in 1..<8 { rowMaximum = Swift.max(rowMaximum, maximumV[lane]) }
            while column < width {
                rowMaximum = Swift.max(rowMaximum, xr[column])
                column += 1
            }
            let maximumSplat = V(repeating: rowMaximum)
            var sumV = V()
            column = 0
            while column < vectorWidth {
                let e = exp(load(xr + column) - maximumSplat)
                store(e, xr + column)
                sumV += e
                column += 8
            }
            var sum = sumV.sum()
            if column < width {
                var tail = V(repeating: -.infinity)
                for lane in 0..<(width - column) { tail[lane] = xr[column + lane] }
                let e = exp(tail - maximumSplat)
                for lane in 0..<(width - column) {
                    xr[column + lane] = e[lane]
                    sum += e[lane]
                }
            }
            let inverse = V(repeating: 1 / sum)
            column = 0
            while column < vectorWidth {
                store(load(xr + column) * inverse, xr + column)
                column += 8
            }
            let inverseScalar = 1 / sum
            while column < width {
                xr[column] *= inverseScalar
                column += 1
            }
        }
    }
}
