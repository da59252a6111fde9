import CBLAS
import Foundation
import SupportKit

/// One trained classification head: multinomial logistic regression over embeddings, with a temperature.
///
/// `probabilities(for:)` is `softmax((x·W + b) / T)`; the temperature `T` is fitted on held-out folds so that
/// the top probability reads as a calibrated confidence.
public struct SoftmaxModel: Sendable, Hashable, Codable {
    /// Class labels, in column order of `weights`.
    public var labels: [String]
    /// The embedding dimension.
    public var dimension: Int
    /// `dimension × labels.count`, row-major.
    public var weights: [Float]
    /// One per label.
    public var bias: [Float]
    /// Divides the logits before the softmax; 1 means uncalibrated.
    public var temperature: Double

    /// A model from its parts; `weights.count` must be `dimension * labels.count`.
    public init(labels: [String], dimension: Int, weights: [Float], bias: [Float], temperature: Double = 1) {
        self.labels = labels
        self.dimension = dimension
        self.weights = weights
        self.bias = bias
        self.temperature = temperature
    }

    /// Raw scores, one per label.
    public func logits(for vector: [Float]) -> [Double] {
        let classes = labels.count
        var out = bias.map(Double.init)
        guard vector.count == dimension, weights.count == dimension * classes else { return out }
        weights.withUnsafeBufferPointer { w in
            vector.withUnsafeBufferPointer { x in
                for row in 0..<dimension where x[row] != 0 {
                    let value = Double(x[row])
                    let base = row * classes
                    for column in 0..<classes { out[column] += value * Double(w[base + column]) }
                }
            }
        }
        return out
    }

    /// Calibrated class probabilities, in `labels` order.
    public func probabilities(for vector: [Float]) -> [Double] {
        Softmax.probabilities(logits(for: vector), temperature: temperature)
    }

    /// The best label and its calibrated probability.
    public func predict(_ vector: [Float]) -> (label: String, probability: Double) {
        let probabilities = probabilities(for: vector)
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        return (labels.isEmpty ? "" : labels[best], probabilities.isEmpty ? 0 : probabilities[best])
    }
}

/// Numerically stable softmax helpers.
enum Softmax {
    static func probabilities(_ logits: [Double], temperature: Double) -> [Double] {
        guard let top = logits.max() else { return [] }
        let t = max(temperature, 1e-6)
        let exps = logits.map { Foundation.exp(($0 - top) / t) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// Mean negative log-likelihood of `targets` under `softmax(logits / temperature)`; `logits` is n × classes.
    static func negativeLogLikelihood(logits: [Float], targets: [Int], classes: Int, temperature: Double) -> Double {
        var total = 0.0
        logits.withUnsafeBufferPointer { z in
            for (row, target) in targets.enumerated() {
                let base = row * classes
                var top = -Double.infinity
                for column in 0..<classes { top = max(top, Double(z[base + column]) / temperature) }
                var sum = 0.0
                for column in 0..<classes { sum += Foundation.exp(Double(z[base + column]) / temperature - top) }
                total += top + Foundation.log(sum) - Double(z[base + target]) / temperature
            }
        }
        return targets.isEmpty ? 0 : total / Double(targets.count)
    }

    /// The temperature minimizing held-out NLL, by golden-section search on log T in [e^-3, e^3].
    static func fitTemperature(logits: [Float], targets: [Int], classes: Int) -> Double {
        guard !targets.isEmpty else { return 1 }
        var low = -3.0, high = 3.0
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = high - ratio * (high - low), b = low + ratio * (high - low)
        var fa = negativeLogLikelihood(logits: logits, targets: targets, classes: classes, temperature: Foundation.exp(a))
        var fb = negativeLogLikelihood(logits: logits, targets: targets, classes: classes, temperature: Foundation.exp(b))
        for _ in 0..<40 {
            if fa < fb {
                high = b; b = a; fb = fa
                a = high - ratio * (high - low)
                fa = negativeLogLikelihood(logits: logits, targets: targets, classes: classes, temperature: Foundation.exp(a))
            } else {
                low = a; a = b; fa = fb
                b = low + ratio * (high - low)
                fb = negativeLogLikelihood(logits: logits, targets: targets, classes: classes, temperature: Foundation.exp(b))
            }
        }
        return Foundation.exp((low + high) / 2)
    }
}

/// A dense row-major matrix of embeddings: `rows × dimension`.
struct FeatureMatrix: Sendable {
    var values: [Float]
    var rows: Int
    var dimension: Int

    init(vectors: [[Float]], dimension: Int) {
        self.rows = vectors.count
        self.dimension = dimension
        var values = [Float](repeating: 0, count: vectors.count * dimension)
        for (row, vector) in vectors.enumerated() where vector.count == dimension {
            values.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: vector)
        }
        self.values = values
    }

    init(values: [Float], rows: Int, dimension: Int) {
        self.values = values
        self.rows = rows
        self.dimension = dimension
    }

    /// The rows at `indices`, in that order.
    func selecting(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float](repeating: 0, count: indices.count * dimension)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for (position, row) in indices.enumerated() {
                    let from = source.baseAddress! + row * dimension
                    (target.baseAddress! + position * dimension).update(from: from, count: dimension)
                }
            }
        }
        return FeatureMatrix(values: out, rows: indices.count, dimension: dimension)
    }

    /// `self · weights + bias` for every row: `rows × classes` logits (one BLAS call).
    func logits(weights: [Float], bias: [Float], classes: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * classes)
        guard rows > 0, classes > 0 else { return out }
        out.withUnsafeMutableBufferPointer { z in
            for row in 0..<rows { (z.baseAddress! + row * classes).update(from: bias, count: classes) }
            values.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(classes), Int32(dimension),
                                1, x.baseAddress, Int32(dimension), w.baseAddress, Int32(classes), 1, z.baseAddress, Int32(classes))
                }
            }
        }
        return out
    }
}

/// Fits softmax regression by minimizing mean cross-entropy plus `l2/2 · |W|²` with L-BFGS.
///
/// Full-batch L-BFGS needs no learning rate to tune and converges in a few hundred iterations even for 150
/// classes; both matrix products per evaluation go to BLAS, so 15,000 examples × 384 dimensions cost
/// milliseconds per iteration.
struct SoftmaxTrainer: Sendable {
    var l2: Double
    var maxIterations: Int
    /// Stop when the largest gradient component falls below this.
    var gradientTolerance: Double = 1e-5
    /// Stop when an iteration improves the loss by less than this, relatively.
    var relativeTolerance: Double = 1e-8
    var historySize: Int = 10

    /// Weights (`dimension × classes`, row-major) and bias for `targets` (class indices).
    func fit(_ features: FeatureMatrix, targets: [Int], classes: Int) -> (weights: [Float], bias: [Float], iterations: Int) {
        let d = features.dimension, n = features.rows
        let weightCount = d * classes
        guard n > 0, classes > 1 else {
            return ([Float](repeating: 0, count: weightCount), [Float](repeating: 0, count: classes), 0)
        }
        var x = [Double](repeating: 0, count: weightCount + classes)
        var (f, g) = objective(x, features: features, targets: targets, classes: classes)
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            if g.reduce(0, { max($0, abs($1)) }) < gradientTolerance { break }
            var direction = twoLoop(g, history: history)
            var slope = dot(g, direction)
            if slope >= 0 {
                // Curvature pairs went stale: restart from steepest descent.
                history.removeAll()
                direction = g.map { -$0 }
                slope = dot(g, direction)
            }
            var step = history.isEmpty ? min(1, 1 / max(dot(g, g).squareRoot(), 1e-12)) : 1
            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<30 {
                var candidate = x
                axpy(step, direction, &candidate)
                let (fc, gc) = objective(candidate, features: features, targets: targets, classes: classes)
                if fc <= f + 1e-4 * step * slope {
                    accepted = (candidate, fc, gc)
                    break
                }
                step *= 0.5
            }
            guard let next = accepted else { break }
            var s = next.x, y = next.g
            axpy(-1, x, &s)
            axpy(-1, g, &y)
            let sy = dot(s, y)
            if sy > 1e-12 {
                history.append((s, y, 1 / sy))
                if history.count > historySize { history.removeFirst() }
            }
            let improvement = (f - next.f) / max(1, abs(f))
            x = next.x; f = next.f; g = next.g
            if improvement < relativeTolerance { break }
        }
        let weights = x[0..<weightCount].map { Float($0) }
        let bias = x[weightCount...].map { Float($0) }
        return (weights, bias, iterations)
    }

    /// Loss and gradient at `theta = [W, b]`.
    private func objective(_ theta: [Double], features: FeatureMatrix, targets: [Int], classes: Int) -> (Double, [Double]) {
        let d = features.dimension, n = features.rows
        let weightCount = d * classes
        let weights = theta[0..<weightCount].map { Float($0) }
        let bias = theta[weightCount...].map { Float($0) }
        var residual = features.logits(weights: weights, bias: bias, classes: classes)
        var loss = 0.0
        var biasGradient = [Double](repeating: 0, count: classes)
        residual.withUnsafeMutableBufferPointer { z in
            for row in 0..<n {
                let base = row * classes
                var top = -Float.infinity
                for column in 0..<classes { top = max(top, z[base + column]) }
                var sum: Float = 0
                for column in 0..<classes {
                    let e = expf(z[base + column] - top)
                    z[base + column] = e
                    sum += e
                }
                let target = targets[row]
                let pTarget = z[base + target] / sum
                loss -= Foundation.log(max(Double(pTarget), 1e-30))
                let inverse = 1 / sum
                for column in 0..<classes {
                    var p = z[base + column] * inverse
                    if column == target { p -= 1 }
                    z[base + column] = p
                    biasGradient[column] += Double(p)
                }
            }
        }
        let scale = 1 / Double(n)
        var weightGradient = [Float](repeating: 0, count: weightCount)
        features.values.withUnsafeBufferPointer { xs in
            residual.withUnsafeBufferPointer { r in
                weightGradient.withUnsafeMutableBufferPointer { gw in
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(classes), Int32(n),
                                Float(scale), xs.baseAddress, Int32(d), r.baseAddress, Int32(classes), 0, gw.baseAddress, Int32(classes))
                }
            }
        }
        var gradient = [Double](repeating: 0, count: theta.count)
        var penalty = 0.0
        for index in 0..<weightCount {
            let w = theta[index]
            penalty += w * w
            gradient[index] = Double(weightGradient[index]) + l2 * w
        }
        for column in 0..<classes { gradient[weightCount + column] = biasGradient[column] * scale }
        return (loss * scale + 0.5 * l2 * penalty, gradient)
    }

    /// The L-BFGS two-loop recursion: an approximate Newton direction `-H·g`.
    private func twoLoop(_ g: [Double], history: [(s: [Double], y: [Double], rho: Double)]) -> [Double] {
        var q = g
        var alphas = [Double](repeating: 0, count: history.count)
        for index in stride(from: history.count - 1, through: 0, by: -1) {
            let pair = history[index]
            let alpha = pair.rho * dot(pair.s, q)
            alphas[index] = alpha
            axpy(-alpha, pair.y, &q)
        }
        if let last = history.last {
            let gamma = dot(last.s, last.y) / max(dot(last.y, last.y), 1e-30)
            q.withUnsafeMutableBufferPointer { cblas_dscal(Int32($0.count), gamma, $0.baseAddress, 1) }
        }
        for (index, pair) in history.enumerated() {
            let beta = pair.rho * dot(pair.y, q)
            let factor = alphas[index] - beta
            axpy(factor, pair.s, &q)
        }
        return q.map { -$0 }
    }

    // BLAS level-1 keeps the L-BFGS bookkeeping cheap even in debug builds, where element loops over
    // 150k-long arrays would dominate the run time.
    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                cblas_ddot(Int32(min(pa.count, pb.count)), pa.baseAddress, 1, pb.baseAddress, 1)
            }
        }
    }

    /// `y += alpha · x`.
    private func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                cblas_daxpy(Int32(min(px.count, py.count)), alpha, px.baseAddress, 1, py.baseAddress, 1)
            }
        }
    }
}
