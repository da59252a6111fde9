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

    /// How the out-of-scope detector was calibrated (nil for classifiers trained before it existed).
    public struct OutOfScope: Sendable, Hashable, Codable {
        /// The method in use (`similarity`, `confidence` or `combined`).
        public var method: String
        /// The threshold in use.
        public var threshold: Double
        /// The target share of held-out in-scope examples rejected.
        public var rejectionRate: Double
        /// Every method's figures, so the choice can be made by measurement.
        public var methods: [OutOfScopeMethod]

        /// The detector's figures.
        public init(method: String, threshold: Double, rejectionRate: Double, methods: [OutOfScopeMethod]) {
            self.method = method
            self.threshold = threshold
            self.rejectionRate = rejectionRate
            self.methods = methods
        }

        /// One line for people: the method in use, its threshold, held-out rejection and, with a test file, its
        /// out-of-scope precision, recall and F1.
        public var summary: String {
            guard let chosen = methods.first(where: { $0.method == method }) else { return "out of scope: \(method), threshold \(threshold)" }
            var line = String(format: "out of scope: %@, threshold %.3f, rejects %.1f%% of held-out in-scope", method, threshold, chosen.heldOutRejection * 100)
            if let test = chosen.test {
                line += String(format: "; test: %d in scope, %d out: precision %.3f, recall %.3f, F1 %.3f, in-scope accuracy %.3f (%.3f before rejection)",
                               test.inScope, test.outOfScope, test.precision, test.recall, test.f1, test.inScopeAccuracy, test.inScopeClassificationAccuracy)
            }
            return line
        }
    }

    /// One out-of-scope method's calibration and, when the test file has labels never trained on, its test figures.
    public struct OutOfScopeMethod: Sendable, Hashable, Codable {
        public var method: String
        /// Calibrated on the held-out folds.
        public var threshold: Double
        /// Share of held-out in-scope examples it rejects.
        public var heldOutRejection: Double = 0
        /// Held-out accuracy counting a rejected example as wrong.
        public var heldOutAccuracy: Double = 0
        /// Share of the rejected held-out examples that the intent head had wrong anyway.
        public var heldOutRejectedErrors: Double = 0
        /// Figures on the test file.
        public var test: OutOfScopeTest?

        /// A method's figures.
        public init(method: String, threshold: Double) {
            self.method = method
            self.threshold = threshold
        }
    }

    /// Out-of-scope figures on a test file: its examples with labels the classifier never trained on are out of scope.
    public struct OutOfScopeTest: Sendable, Hashable, Codable {
        public var inScope: Int
        public var outOfScope: Int
        /// Of the flagged examples, the share that are out of scope.
        public var precision: Double = 0
        /// Of the out-of-scope examples, the share flagged.
        public var recall: Double = 0
        public var f1: Double = 0
        /// In-scope examples classified right and not flagged, over in-scope examples.
        public var inScopeAccuracy: Double = 0
        /// In-scope examples classified right, whatever the detector says.
        public var inScopeClassificationAccuracy: Double = 0

        /// Test counts; the rates are filled in by the trainer.
        public init(inScope: Int, outOfScope: Int) {
            self.inScope = inScope
            self.outOfScope = outOfScope
        }
    }

    public var intents: Head
    public var categories: Head?
    /// The out-of-scope detector's calibration and test figures.
    public var outOfScope: OutOfScope?
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
