import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
import SupportKitTesting
@testable import SupportKitEval

@Suite struct RunnerConcurrencyTests {
    @Test func neverRunsMoreConversationsThanTheConcurrency() async throws {
        let yaml = (0..<12).map { "- id: c\($0)\n  turns: [{user: a}, {user: b}]\n" }.joined()
        let suite = SuiteLoader().load(sources: [("s.yaml", yaml)]).suite
        for width in [1, 3] {
            let factory = CountingFactory()
            let outcome = try await EvalRunner.run(suite: suite, factory: factory, results: try ResultsStore(),
                                                   options: .init(concurrency: width, bootstrap: Bootstrap(resamples: 10)))
            #expect(outcome.records.count == 24 && outcome.records.allSatisfy(\.isMeasured))
            #expect(factory.peak <= width)
            if width > 1 { #expect(factory.peak > 1, "conversations should overlap") }
        }
    }
}
