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
