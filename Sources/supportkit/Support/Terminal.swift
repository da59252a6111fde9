import Foundation
import SupportKit

/// Where the CLI writes, as ripgrep, git and cargo do it: a command's result on stdout, so pipes and redirects
/// get it; progress, logs, warnings and errors on stderr.
enum Terminal {
    /// Whether stderr is a terminal: progress bars are drawn only then.
    static let isInteractive = isatty(STDERR_FILENO) == 1
    /// Whether stdout is a terminal: table headers are printed only then, so `| wc -l` counts rows.
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    /// Whether stdin is a terminal (`chat` edits lines itself then).
    static let stdinIsTerminal = isatty(STDIN_FILENO) == 1

    /// A table row on stdout, without the padding after its last column.
    static func row(_ text: String) {
        var text = Substring(text)
        while text.last == " " { text = text.dropLast() }
        output(String(text))
    }

    /// A line of the command's result (a table row, a summary, a reply), on stdout.
    static func output(_ text: String) {
        // The throwing write: the non-throwing one traps on a closed pipe (`supportkit runs list | head -1`).
        try? FileHandle.standardOutput.write(contentsOf: Data((printable(text) + "\n").utf8))
    }

    /// Text of the command's result as it is (no newline added), on stdout.
    static func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(printable(text).utf8))
    }

    /// A warning, an error, a note or a step heading, on stderr.
    static func diagnostic(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((printable(text) + "\n").utf8))
    }

    /// `text` without terminal control: escape sequences and other control characters that came from documents,
    /// file names or replies (a title holding `ESC[2J` would clear the reader's screen) become U+FFFD; line breaks
    /// and tabs stay.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    /// Prints a command's result as one JSON object on stdout (`ResultJSON`: sorted keys, stable output).
    static func printJSON<Value: Encodable>(_ value: Value) throws {
        try? FileHandle.standardOutput.write(contentsOf: try ResultJSON.encode(value) + Data("\n".utf8))
    }
}

/// A one-line progress bar with rate and ETA, redrawn at most ten times a second; silent when stderr is
/// not a terminal (CI logs stay readable).
final class ProgressBar: @unchecked Sendable {
    // Mutable state is guarded by `lock`; the bar is updated from whichever task reports progress, and redrawn
    // once from a timer when an update was held back.
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var phaseStarted = Date()
    private var phase = ""
    private let enabled: Bool
    /// A line held back by the 0.1 s throttle, drawn shortly after unless a newer one replaces it: the file a
    /// slow step is stuck on stays named on screen.
    private var pending: String?
    private var redrawScheduled = false

    init(enabled: Bool = Terminal.isInteractive) {
        self.enabled = enabled
    }

    /// Redraws the bar: `phase`, `done` of `total`, and the `item` being worked on (a file), if any.
    func update(phase: String, done: Int, total: Int, item: String = "") {
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if phase != self.phase {
            self.phase = phase
            phaseStarted = now
        }
        let fraction = Double(done) / Double(total)
        let width = 28
        let filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(phaseStarted)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let shown = item.count > 48 ? "…" + item.suffix(47) : item
        let line = String(format: "\r\u{1B}[2K%@ %@ %d/%d  %.0f%%  eta %.0fs %@", phase, bar, done, total, fraction * 100, eta, shown)
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else {
            pending = line
            if !redrawScheduled {
                redrawScheduled = true
                DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { [self] in drawPending() }
            }
            return
        }
        lastDraw = now
        pending = nil
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    private func drawPending() {
        lock.lock()
        defer { lock.unlock() }
        redrawScheduled = false
        guard let pending else { return }
        self.pending = nil
        lastDraw = Date()
        FileHandle.standardError.write(Data(pending.utf8))
    }

    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        pending = nil
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
