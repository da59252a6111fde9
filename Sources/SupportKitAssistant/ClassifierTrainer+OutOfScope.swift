import Foundation
import SupportKit

extension ClassifierTrainer {
    /// What the cross-validation of the intent head leaves for the out-of-scope detector: per example, the
    /// nearest-centroid similarity (centroids from the other folds) and the calibrated best-label probability.
    struct HeldOutSignals {
        var similarity: [Double]
        var confidence: [Double]
        var correct: [Bool]
    }

    /// Fits the detector: intent centroids on every example and the `topics` (category) centroids, p-value tables
    /// and threshold from the held-out signals.
    func fitOutOfScope(vectors: [[Float]], targets: [Int], classes: Int, topics: [Float], heldOut: HeldOutSignals, settings: AssistantConfiguration.OutOfScope) -> (OutOfScopeDetector, TrainingReport.OutOfScope) {
        let dimension = embedder.fingerprint.dimension
        let centroids = OutOfScopeDetector.centroids(vectors, targets: targets, classes: classes, dimension: dimension, rows: Array(vectors.indices)) + topics
        let similarityQuantiles = OutOfScopeDetector.quantiles(heldOut.similarity)
        let confidenceQuantiles = OutOfScopeDetector.quantiles(heldOut.confidence)
        var methods: [TrainingReport.OutOfScopeMethod] = []
        var chosen = OutOfScopeDetector(method: settings.method, dimension: dimension, centroids: centroids, similarityQuantiles: similarityQuantiles, confidenceQuantiles: confidenceQuantiles, threshold: 1)
        for method in OutOfScopeDetector.Method.allCases {
            let scores = zip(heldOut.similarity, heldOut.confidence).map {
                OutOfScopeDetector.score(method: method, similarity: $0, confidence: $1, similarityQuantiles: similarityQuantiles, confidenceQuantiles: confidenceQuantiles)
            }
            let threshold = Self.threshold(scores: scores, rejecting: settings.rejectionRate)
            let rejected = scores.map { $0 >= threshold }
            let kept = zip(rejected, heldOut.correct).filter { !$0.0 }
            var figures = TrainingReport.OutOfScopeMethod(method: method.rawValue, threshold: threshold)
            figures.heldOutRejection = scores.isEmpty ? 0 : Double(rejected.filter { $0 }.count) / Double(scores.count)
            figures.heldOutAccuracy = scores.isEmpty ? 0 : Double(kept.filter(\.1).count) / Double(scores.count)
            figures.heldOutRejectedErrors = rejected.isEmpty ? 0 : Double(zip(rejected, heldOut.correct).filter { $0.0 && !$0.1 }.count) / Double(max(1, rejected.filter { $0 }.count))
            methods.append(figures)
            if method == settings.method { chosen.threshold = settings.threshold ?? threshold }
        }
        let report = TrainingReport.OutOfScope(method: settings.method.rawValue, threshold: chosen.threshold, rejectionRate: settings.rejectionRate, methods: methods)
        return (chosen, report)
    }

    /// The score at or above which `rate` of `scores` fall.
    static func threshold(scores: [Double], rejecting rate: Double) -> Double {
        let sorted = scores.sorted()
        guard !sorted.isEmpty else { return 1 }
        let keep = Int((Double(sorted.count) * (1 - rate)).rounded(.down))
        // The lowest rejected score: what is at or above it is out of scope.
        return keep < sorted.count ? sorted[keep] : 1.000_001
    }

    /// Scores test examples: labels the intent head never saw are the out-of-scope ones.
    func testOutOfScope(_ report: inout TrainingReport.OutOfScope, detector: OutOfScopeDetector, model: SoftmaxModel, vectors: [[Float]], labels: [String]) {
        let known = Set(model.labels)
        let outOfScope = labels.map { !known.contains($0) }
        guard outOfScope.contains(true), outOfScope.contains(false) else { return }
        let predictions = vectors.map { model.predict($0) }
        let similarities = vectors.map { detector.nearestSimilarity($0) }
        for index in report.methods.indices {
            guard let method = OutOfScopeDetector.Method(rawValue: report.methods[index].method) else { continue }
            let threshold = method == detector.method ? detector.threshold : report.methods[index].threshold
            var truePositives = 0, falsePositives = 0, falseNegatives = 0, inScope = 0, inScopeCorrect = 0, classified = 0
            for row in labels.indices {
                let score = OutOfScopeDetector.score(method: method, similarity: similarities[row], confidence: predictions[row].probability, similarityQuantiles: detector.similarityQuantiles, confidenceQuantiles: detector.confidenceQuantiles)
                let flagged = score >= threshold
                if outOfScope[row] {
                    if flagged { truePositives += 1 } else { falseNegatives += 1 }
                } else {
                    inScope += 1
                    if flagged { falsePositives += 1 }
                    if predictions[row].label == labels[row] {
                        classified += 1
                        if !flagged { inScopeCorrect += 1 }
                    }
                }
            }
            let precision = truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
            let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
            var test = TrainingReport.OutOfScopeTest(inScope: inScope, outOfScope: truePositives + falseNegatives)
            test.precision = precision
            test.recall = recall
            test.f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            test.inScopeAccuracy = Double(inScopeCorrect) / Double(max(1, inScope))
            test.inScopeClassificationAccuracy = Double(classified) / Double(max(1, inScope))
            report.methods[index].test = test
        }
    }
}
