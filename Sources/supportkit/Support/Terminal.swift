import Foundation

/// Human output on stderr: messages, and a progress bar when stderr is a terminal.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1

    static func message(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints one JSON object on stdout, with sorted keys so output is stable.
    static func printJSON<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}

/// A one-line progress bar with rate and ETA, redrawn at most ten times a second; silent when stderr is
/// not a terminal (CI logs stay readable).
final class ProgressBar: @unchecked Sendable {
    // Mutable state is guarded by `lock`; the bar is updated from whichever task reports progress.
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var phaseStarted = Date()
    private var phase = ""
    private let enabled: Bool

    init(enabled: Bool = Terminal.isInteractive) {
        self.enabled = enabled
    }

    func update(phase: String, done: Int, total: Int) {
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if phase != self.phase {
            self.phase = phase
            phaseStarted = now
        }
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let fraction = Double(done) / Double(total)
        let width = 28
        let filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(phaseStarted)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r%@ %@ %d/%d  %.0f%%  eta %.0fs ", phase, bar, done, total, fraction * 100, eta)
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
