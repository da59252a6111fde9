import Foundation
import Synchronization

/// Receives progress events from a run, e.g. to draw a progress bar.
public protocol EvalProgress: Sendable {
    /// The run starts: `total` turns in all, `alreadyDone` of them recorded by an earlier, resumed attempt.
    func started(total: Int, alreadyDone: Int)
    /// One more turn was recorded.
    func turnCompleted(measured: Bool)
    /// Every turn is recorded.
    func finished()
    /// Something the run's user must know that does not fit its outcome (the run stopped early), one line.
    func warning(_ message: String)
}

extension EvalProgress {
    /// Progress reporters without a place for warnings drop them.
    public func warning(_ message: String) {}
}

/// A progress bar with rate and ETA on standard error.
///
/// On a terminal the bar redraws in place; when standard error is a file or a CI log it prints one line
/// every `logStep` percent instead, so logs stay readable.
public final class ConsoleProgress: EvalProgress, Sendable {
    /// The counters and clocks, changed only under the mutex.
    private struct State {
        var total = 0
        var done = 0
        var unmeasured = 0
        var resumed = 0
        var start = ContinuousClock.now
        var lastDraw = ContinuousClock.now
        var lastLoggedStep = -1
    }

    private let state = Mutex(State())
    private let isTerminal: Bool
    private let logStep: Int
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - isTerminal: whether to redraw in place; by default, whether standard error is a terminal.
    ///   - logStep: percent between lines when not on a terminal.
    ///   - write: where text goes; standard error by default.
    public init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1, logStep: Int = 10,
        // The throwing write: the non-throwing one traps on an interrupted system call.
        write: @escaping @Sendable (String) -> Void = { try? FileHandle.standardError.write(contentsOf: Data($0.utf8)) }
    ) {
        self.isTerminal = isTerminal
        self.logStep = max(1, logStep)
        self.write = write
    }

    /// Resets the counters and the clock.
    public func started(total: Int, alreadyDone: Int) {
        state.withLock { state in
            state.total = total
            state.done = alreadyDone
            state.resumed = alreadyDone
            state.start = .now
        }
        if alreadyDone > 0 { write("resuming: \(alreadyDone) of \(total) turns already recorded\n") }
    }

    /// Counts a turn and redraws (at most ten times a second) or logs a step.
    public func turnCompleted(measured: Bool) {
        let text: String? = state.withLock { state in
            state.done += 1
            if !measured { state.unmeasured += 1 }
            return render(&state, final: false)
        }
        if let text { write(text) }
    }

    /// Prints `warning: message` on its own line.
    public func warning(_ message: String) {
        write((isTerminal ? "\n" : "") + "warning: \(message)\n")
    }

    /// Prints the final line with the total time.
    public func finished() {
        let text = state.withLock { render(&$0, final: true) }
        if let text { write(text) }
    }

    /// The text to print now, if any; called with the state locked.
    private func render(_ state: inout State, final: Bool) -> String? {
        let now = ContinuousClock.now
        let (total, done) = (state.total, state.done)
        let percent = total > 0 ? done * 100 / total : 100
        let elapsed = (now - state.start).seconds
        let fresh = done - state.resumed
        let rate = elapsed > 0 ? Double(fresh) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : nil
        let stats = String(format: "%d/%d turns  %.1f turns/s", done, total, rate)
            + (state.unmeasured > 0 ? "  \(state.unmeasured) unmeasured" : "")
            + (final ? String(format: "  %.1fs", elapsed) : remaining.map { "  ETA " + Self.clock($0) } ?? "")
        if isTerminal {
            // Redrawing more than ~10 times a second only costs time.
            guard final || (now - state.lastDraw).seconds >= 0.1 else { return nil }
            state.lastDraw = now
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            return "\r\u{1B}[2K\(bar) \(String(format: "%3d", percent))%  \(stats)" + (final ? "\n" : "")
        }
        let step = percent / logStep
        guard final || step > state.lastLoggedStep else { return nil }
        state.lastLoggedStep = step
        return final ? "done: \(stats)\n" : "\(percent)%  \(stats)\n"
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
