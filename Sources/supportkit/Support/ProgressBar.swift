import Foundation
import SupportKit
import Synchronization

/// The one place progress is drawn: ingest's phases and an evaluation's turns (`ProgressReporter`) as a bar on
/// standard error with the rate and the time left.
///
/// On a terminal the bar redraws in place at most ten times a second; a step held back by that limit is drawn a
/// moment later unless a newer one replaces it, so the file a slow step is stuck on stays named. Without a
/// terminal it is silent, or, with `logStep`, prints one line every `logStep` percent. Warnings always print.
final class ProgressBar: ProgressReporter {
    private struct State {
        var phase = ""
        var phaseStarted = ContinuousClock.now
        var lastDraw: ContinuousClock.Instant?
        var lastLoggedStep = -1
        /// A line held back by the throttle.
        var pending: String?
        var redrawScheduled = false
        /// Whether a bar is on screen (a warning then starts on a new line).
        var drawn = false
    }

    private let state = Mutex(State())
    private let isTerminal: Bool
    private let logStep: Int?
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - isTerminal: whether to redraw in place; by default, whether standard error is a terminal.
    ///   - logStep: percent between lines when not on a terminal; nil prints nothing but warnings there.
    ///   - write: where text goes; standard error by default.
    init(
        isTerminal: Bool = Terminal.isInteractive, logStep: Int? = nil,
        // The throwing write: the non-throwing one traps on an interrupted system call.
        write: @escaping @Sendable (String) -> Void = { try? FileHandle.standardError.write(contentsOf: Data($0.utf8)) }
    ) {
        self.isTerminal = isTerminal
        self.logStep = logStep.map { max(1, $0) }
        self.write = write
    }

    func update(_ step: ProgressStep) {
        guard step.total > 0 else { return }
        let (text, scheduleRedraw) = state.withLock { state -> (String?, Bool) in
            let now = ContinuousClock.now
            var prefix = ""
            if step.phase != state.phase {
                state.phase = step.phase
                state.phaseStarted = now
                state.lastLoggedStep = -1
                if step.resumed > 0 { prefix = "resuming: \(step.resumed) of \(step.total) \(step.unit.isEmpty ? "items" : step.unit) already recorded\n" }
            }
            if isTerminal {
                let line = Self.bar(step, elapsed: now - state.phaseStarted)
                if step.isFinal {
                    state.pending = nil
                    state.drawn = false
                    return (prefix + line + "\n", false)
                }
                if let last = state.lastDraw, now - last < .milliseconds(100) {
                    state.pending = line
                    let schedule = !state.redrawScheduled
                    state.redrawScheduled = true
                    return (prefix.isEmpty ? nil : prefix, schedule)
                }
                state.lastDraw = now
                state.pending = nil
                state.drawn = true
                return (prefix + line, false)
            }
            guard let logStep else { return (prefix.isEmpty ? nil : prefix, false) }
            let percent = step.done * 100 / step.total
            guard step.isFinal || percent / logStep > state.lastLoggedStep else { return (prefix.isEmpty ? nil : prefix, false) }
            state.lastLoggedStep = percent / logStep
            let stats = Self.stats(step, elapsed: now - state.phaseStarted)
            return (prefix + (step.isFinal ? "done: \(stats)\n" : "\(percent)%  \(stats)\n"), false)
        }
        if let text { write(text) }
        if scheduleRedraw {
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { [self] in drawPending() }
        }
    }

    func warning(_ message: String) {
        let onBar = state.withLock { state in
            defer { state.drawn = false }
            return state.drawn
        }
        write((onBar ? "\n" : "") + "warning: \(message)\n")
    }

    /// Clears the bar (a job that ends without a final step).
    func finish() {
        guard isTerminal else { return }
        state.withLock { state in
            state.pending = nil
            state.drawn = false
        }
        write("\r\u{1B}[2K")
    }

    private func drawPending() {
        let line = state.withLock { state -> String? in
            state.redrawScheduled = false
            guard let pending = state.pending else { return nil }
            state.pending = nil
            state.lastDraw = .now
            state.drawn = true
            return pending
        }
        if let line { write(line) }
    }

    /// `eval ██████░░░ 40%  4/10 turns  2.1 turns/s  ETA 0:03  file.md`, redrawn over the current line.
    static func bar(_ step: ProgressStep, elapsed: Duration) -> String {
        let width = 28
        let filled = min(width, width * step.done / step.total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let percent = step.done * 100 / step.total
        let shown = step.item.count > 48 ? "…" + step.item.suffix(47) : step.item
        let line = "\(step.phase) \(bar) \(String(format: "%3d", percent))%  \(stats(step, elapsed: elapsed))" + (shown.isEmpty ? "" : "  \(shown)")
        return "\r\u{1B}[2K" + line
    }

    /// `4/10 turns  2.1 turns/s  1 unmeasured  ETA 0:03` (the total time instead of the ETA once final).
    static func stats(_ step: ProgressStep, elapsed: Duration) -> String {
        let seconds = elapsed.seconds
        let fresh = step.done - step.resumed
        let rate = seconds > 0 ? Double(fresh) / seconds : 0
        let unit = step.unit.isEmpty ? "" : " \(step.unit)"
        var text = "\(step.done)/\(step.total)\(unit)  " + String(format: "%.1f", rate) + "\(step.unit.isEmpty ? "" : " \(step.unit)")/s"
        if step.failed > 0 { text += "  \(step.failed) \(step.failedLabel)" }
        if step.isFinal {
            text += String(format: "  %.1fs", seconds)
        } else if rate > 0 {
            text += "  ETA " + clock(Double(step.total - step.done) / rate)
        }
        return text
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
