import SupportKit

/// How a classifier was trained and how well it did on held-out data.
public struct TrainingReport: Sendable, Hashable, Codable {
    /// One head's figures.
    public struct Head: Sendable, Hashable, Codable {
        /// `intents` or `categories`.
        public var name: String
        /// Where its examples came from: the file, or `knowledge base` for chunks.
        public var source: String
        public var examples: Int
        public var classes: Int
        /// Examples per label.
        public var counts: [String: Int]
        /// Stratified k-fold accuracy (nil when there were too few examples to split).
        public var crossValidationAccuracy: Double?
        public var folds: Int
        /// Expected calibration error of the held-out predictions after temperature scaling (10 bins).
        public var calibrationError: Double?
        /// The fitted softmax temperature.
        public var temperature: Double
        /// Accuracy on a separate test file, when one was given.
        public var testAccuracy: Double?
        public var testExamples: Int?
        /// L-BFGS iterations of the final fit.
        public var iterations: Int
        /// Human-readable problems: too few examples, labels seen only at test time.
        public var warnings: [String]
        /// Held-out (cross-validated, calibrated) predictions at or above each confidence threshold:
        /// the share of examples they cover and their accuracy. Used to pick
        /// `retrieval.category_filter_threshold` and `escalation.min_intent_confidence`.
        public var selective: [SelectiveAccuracy] = []

        /// One head's figures.
        public init(
            name: String, source: String, examples: Int, classes: Int, counts: [String: Int],
            crossValidationAccuracy: Double?, folds: Int, calibrationError: Double?, temperature: Double,
            testAccuracy: Double? = nil, testExamples: Int? = nil, iterations: Int, warnings: [String]
        ) {
            self.name = name
            self.source = source
            self.examples = examples
            self.classes = classes
            self.counts = counts
            self.crossValidationAccuracy = crossValidationAccuracy
            self.folds = folds
            self.calibrationError = calibrationError
            self.temperature = temperature
            self.testAccuracy = testAccuracy
            self.testExamples = testExamples
            self.iterations = iterations
            self.warnings = warnings
        }
    }

    /// Accuracy of the predictions whose confidence is at least `threshold`.
    public struct SelectiveAccuracy: Sendable, Hashable, Codable {
        public var threshold: Double
        /// Share of examples predicted with at least this confidence.
        public var coverage: Double
        /// Accuracy among them (nil when none).
        public var accuracy: Double?

        /// One row of the selective-accuracy table.
        public init(threshold: Double, coverage: Double, accuracy: Double?) {
            self.threshold = threshold
            self.coverage = coverage
            self.accuracy = accuracy
        }
    }

    public var intents: Head
    public var categories: Head?
    /// Seconds spent embedding and fitting.
    public var embedSeconds: Double
    public var fitSeconds: Double
    public var l2: Double

    /// A report over both heads.
    public init(intents: Head, categories: Head?, embedSeconds: Double, fitSeconds: Double, l2: Double) {
        self.intents = intents
        self.categories = categories
        self.embedSeconds = embedSeconds
        self.fitSeconds = fitSeconds
        self.l2 = l2
    }
}
