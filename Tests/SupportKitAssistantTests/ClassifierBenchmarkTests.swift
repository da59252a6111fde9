import Foundation
import Logging
import SupportKit
import SupportKitEmbedding
import Testing
@testable import SupportKitAssistant

/// Trains on CLINC150 `train` and reports accuracy on `val` when `SUPPORTKIT_CLINC150` names
/// `train_val.json`. Development data, never required: without the variable the test is reported as skipped.
@Suite struct ClassifierBenchmarkTests {
    static let clinc150 = ProcessInfo.processInfo.environment["SUPPORTKIT_CLINC150"]

    @Test(.enabled(if: clinc150 != nil, "set SUPPORTKIT_CLINC150 to CLINC150's train_val.json"))
    func clinc150WhenAvailable() async throws {
        let path = try #require(Self.clinc150)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [[String]]])
        func examples(_ split: String) -> TrainingExamples {
            let rows = object[split] ?? []
            return TrainingExamples(intents: rows.enumerated().compactMap { index, row in
                row.count == 2 ? .init(text: row[0], label: row[1], location: SourceLocation(path: split, line: index + 1)) : nil
            })
        }
        var configuration = AssistantConfiguration.Classifier()
        if let l2 = ProcessInfo.processInfo.environment["SUPPORTKIT_L2"].flatMap(Double.init) { configuration.l2 = l2 }
        if let folds = ProcessInfo.processInfo.environment["SUPPORTKIT_FOLDS"].flatMap(Int.init) { configuration.folds = folds }
        let trainer = ClassifierTrainer(embedder: LexicalEmbedder(), configuration: configuration)
        let start = ContinuousClock.now
        let classifier = try await trainer.train(examples("train"), test: examples("val"))
        let report = classifier.model.report
        print("CLINC150 l2=\(configuration.l2) folds=\(configuration.folds): cv=\(report.intents.crossValidationAccuracy ?? -1) val=\(report.intents.testAccuracy ?? -1) ece=\(report.intents.calibrationError ?? -1) T=\(report.intents.temperature) iterations=\(report.intents.iterations) embed=\(report.embedSeconds)s fit=\(report.fitSeconds)s total=\(start.duration(to: .now))")
        #expect((report.intents.testAccuracy ?? 0) > 0.5)
    }
}
