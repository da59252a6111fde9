import Foundation
import SupportKit

/// `supportkit train --json`: where the classifier went and how well each head did.
public struct TrainOutput: Encodable, Sendable {
    /// One head (intents or categories).
    public struct Head: Encodable, Sendable {
        /// Training examples.
        public var examples: Int
        /// Labels.
        public var classes: Int
        /// Where the examples came from.
        public var source: String
        /// Stratified cross-validation accuracy.
        public var cvAccuracy: Double?
        /// Folds.
        public var folds: Int
        /// Expected calibration error after temperature scaling.
        public var calibrationError: Double?
        /// The fitted temperature.
        public var temperature: Double
        /// Accuracy on `--test`.
        public var testAccuracy: Double?
        /// Examples in `--test`.
        public var testExamples: Int?
        /// Classes with too few examples, ...
        public var warnings: [String]
        /// Accuracy and coverage above confidence thresholds.
        public var selective: [TrainingReport.SelectiveAccuracy]

        init(_ head: TrainingReport.Head) {
            examples = head.examples
            classes = head.classes
            source = head.source
            cvAccuracy = head.crossValidationAccuracy
            folds = head.folds
            calibrationError = head.calibrationError
            temperature = head.temperature
            testAccuracy = head.testAccuracy
            testExamples = head.testExamples
            warnings = head.warnings
            selective = head.selective
        }

        private enum CodingKeys: String, CodingKey {
            case examples, classes, source, cvAccuracy = "cv_accuracy", folds, calibrationError = "calibration_error", temperature
            case testAccuracy = "test_accuracy", testExamples = "test_examples", warnings, selective
        }
    }

    /// The classifier's fingerprint.
    public var classifier: String
    /// Where it was saved.
    public var path: String
    /// The embedder it was trained with.
    public var embedder: String
    /// The intent head.
    public var intents: Head
    /// The category head, when there was anything to learn categories from.
    public var categories: Head?
    /// Seconds spent embedding.
    public var embedSeconds: Double
    /// Seconds spent fitting.
    public var fitSeconds: Double
    /// The out-of-scope detector's calibration and held-out figures, when one was fitted.
    public var outOfScope: TrainingReport.OutOfScope?

    /// The JSON form of a training run.
    public init(classifier: String, path: String, embedder: String, report: TrainingReport) {
        self.classifier = classifier
        self.path = path
        self.embedder = embedder
        intents = Head(report.intents)
        categories = report.categories.map(Head.init)
        embedSeconds = report.embedSeconds
        fitSeconds = report.fitSeconds
        outOfScope = report.outOfScope
    }

    private enum CodingKeys: String, CodingKey {
        case classifier, path, embedder, intents, categories, embedSeconds = "embed_seconds", fitSeconds = "fit_seconds"
        case outOfScope = "out_of_scope"
    }
}
