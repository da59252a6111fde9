import Foundation

/// Reads lines with editing and history when stdin is a terminal; plain `readLine` otherwise.
///
/// In a terminal the line is read in raw mode (no echo by the terminal, so nothing is printed twice) and drawn
/// on stderr: left/right arrows, Home/End and Ctrl-A/Ctrl-E move, Backspace and Ctrl-U delete, up/down walk the
/// history of this session, Ctrl-C drops the line, Ctrl-D on an empty line ends input. Piped input is read as is.
final class LineEditor {
    private var history: [String] = []
    private let interactive: Bool

    init(interactive: Bool = Terminal.stdinIsTerminal && Terminal.isInteractive) {
        self.interactive = interactive
    }

    /// The next line without its newline, or nil at the end of input.
    func readLine(prompt: String) -> String? {
        guard interactive, var original = rawMode() else { return Swift.readLine(strippingNewline: true) }
        defer { tcsetattr(STDIN_FILENO, TCSAFLUSH, &original) }
        var line: [Character] = []
        var cursor = 0
        var recall = history.count
        func redraw() {
            let tail = line.count - cursor
            draw("\r\u{1B}[2K" + prompt + String(line) + (tail > 0 ? "\u{1B}[\(tail)D" : ""))
        }
        redraw()
        while let byte = readByte() {
            switch byte {
            case 13, 10:   // Enter
                draw("\r\n")
                let text = String(line)
                if !text.trimmingCharacters(in: .whitespaces).isEmpty, history.last != text { history.append(text) }
                return text
            case 4:   // Ctrl-D: end of input on an empty line
                if line.isEmpty { draw("\r\n"); return nil }
            case 3:   // Ctrl-C: drop the line
                line = []; cursor = 0; draw("^C\r\n")
            case 127, 8:   // Backspace
                if cursor > 0 { line.remove(at: cursor - 1); cursor -= 1 }
            case 1: cursor = 0   // Ctrl-A
            case 5: cursor = line.count   // Ctrl-E
            case 21: line.removeSubrange(0..<cursor); cursor = 0   // Ctrl-U
            case 27:   // an escape sequence: arrows, Home, End, Delete
                guard readByte() == UInt8(ascii: "["), let code = readByte() else { break }
                switch code {
                case UInt8(ascii: "A"): if recall > 0 { recall -= 1; line = Array(history[recall]); cursor = line.count }
                case UInt8(ascii: "B"):
                    if recall < history.count { recall += 1; line = recall < history.count ? Array(history[recall]) : []; cursor = line.count }
                case UInt8(ascii: "C"): cursor = min(line.count, cursor + 1)
                case UInt8(ascii: "D"): cursor = max(0, cursor - 1)
                case UInt8(ascii: "H"): cursor = 0
                case UInt8(ascii: "F"): cursor = line.count
                case UInt8(ascii: "3"): if readByte() == UInt8(ascii: "~"), cursor < line.count { line.remove(at: cursor) }
                default: break
                }
            default:
                guard byte >= 32, let character = readCharacter(startingWith: byte) else { break }
                line.insert(character, at: cursor)
                cursor += 1
            }
            redraw()
        }
        return line.isEmpty ? nil : String(line)
    }

    /// Switches stdin to raw mode, returning the settings to restore; nil when it is not a terminal.
    private func rawMode() -> termios? {
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return nil }
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else { return nil }
        return original
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    /// One UTF-8 character whose first byte is `first`.
    private func readCharacter(startingWith first: UInt8) -> Character? {
        let count = first < 0x80 ? 1 : first >> 5 == 0b110 ? 2 : first >> 4 == 0b1110 ? 3 : first >> 3 == 0b11110 ? 4 : 0
        guard count > 0 else { return nil }
        var bytes = [first]
        for _ in 1..<count { guard let next = readByte() else { return nil }; bytes.append(next) }
        return String(bytes: bytes, encoding: .utf8)?.first
    }

    private func draw(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
