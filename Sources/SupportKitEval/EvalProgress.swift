import SupportKit
import Synchronization

/// An evaluation's turns as they are recorded, reported as `eval` steps (`ProgressReporter`): how many are done,
/// how many an earlier attempt recorded, how many went unmeasured.
final class TurnProgress: Sendable {
    private struct Counts {
        var total = 0
        var done = 0
        var resumed = 0
        var unmeasured = 0
    }

    private let counts: Mutex<Counts>
    let reporter: any ProgressReporter

    /// Reports the start: `total` turns, `alreadyDone` of them recorded by an earlier attempt (`--resume`).
    init(reporter: any ProgressReporter, total: Int, alreadyDone: Int) {
        self.reporter = reporter
        let counts = Counts(total: total, done: alreadyDone, resumed: alreadyDone)
        self.counts = Mutex(counts)
        reporter.update(Self.step(counts, isFinal: false))
    }

    /// One more turn was recorded.
    func turnCompleted(measured: Bool) {
        let step = counts.withLock { counts in
            counts.done += 1
            if !measured { counts.unmeasured += 1 }
            return Self.step(counts, isFinal: false)
        }
        reporter.update(step)
    }

    /// The replay is over (every turn recorded, or it stopped).
    func finished() {
        reporter.update(counts.withLock { Self.step($0, isFinal: true) })
    }

    private static func step(_ counts: Counts, isFinal: Bool) -> ProgressStep {
        ProgressStep(
            phase: "eval", done: counts.done, total: counts.total, unit: "turns", resumed: counts.resumed,
            failed: counts.unmeasured, failedLabel: "unmeasured", isFinal: isFinal)
    }
}
