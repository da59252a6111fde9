import Foundation
import SupportKit
import Testing
@testable import supportkit

/// The one progress bar: ingest's phases and an evaluation's turns.
@Suite struct ProgressBarTests {
    final class Lines: @unchecked Sendable {
        // @unchecked: `lines` is only touched while holding `lock`.
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func withoutATerminalItLogsStepsAndSaysWhatWasResumed() {
        let lines = Lines()
        let bar = ProgressBar(isTerminal: false, logStep: 25, write: { lines.append($0) })
        for done in 2...8 {
            bar.update(ProgressStep(phase: "eval", done: done, total: 8, unit: "turns", resumed: 2, failed: done > 6 ? 1 : 0, failedLabel: "unmeasured"))
        }
        bar.update(ProgressStep(phase: "eval", done: 8, total: 8, unit: "turns", resumed: 2, failed: 1, failedLabel: "unmeasured", isFinal: true))
        let text = lines.all
        #expect(text.first == "resuming: 2 of 8 turns already recorded\n25%  2/8 turns  0.0 turns/s\n")
        #expect(text.contains { $0.hasPrefix("50%  4/8 turns") })
        #expect(text.last?.hasPrefix("done: 8/8 turns") == true && text.last?.contains("1 unmeasured") == true)
        #expect(text.count <= 6)
    }

    @Test func onATerminalItRedrawsInPlaceAndEndsAPhaseOnItsOwnLine() {
        let lines = Lines()
        let bar = ProgressBar(isTerminal: true, write: { lines.append($0) })
        bar.update(ProgressStep(phase: "parse", done: 1, total: 4, item: "billing/refunds.md"))
        bar.update(ProgressStep(phase: "parse", done: 4, total: 4, isFinal: true))
        bar.warning("two documents were skipped")
        let text = lines.all
        #expect(text.first?.hasPrefix("\r\u{1B}[2Kparse ███████░") == true && text.first?.hasSuffix("billing/refunds.md") == true)
        #expect(text.dropFirst().first?.hasSuffix("\n") == true && text.dropFirst().first?.contains("4/4") == true)
        #expect(text.last == "warning: two documents were skipped\n")
    }

    @Test func silentWithoutATerminalButWarningsStillPrint() {
        let lines = Lines()
        let bar = ProgressBar(isTerminal: false, write: { lines.append($0) })
        bar.update(ProgressStep(phase: "embed+write", done: 10, total: 20))
        bar.warning("run 42 left 3 test customers on the target")
        #expect(lines.all == ["warning: run 42 left 3 test customers on the target\n"])
    }
}
