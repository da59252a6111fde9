import Foundation
import SupportKit
import Testing
@testable import supportkit

/// Text from documents, file names and replies cannot drive the reader's terminal.
@Suite struct TerminalTests {
    @Test func controlCharactersBecomeReplacementCharacters() {
        #expect(Terminal.printable("Refunds\u{1B}[2J\u{1B}]0;pwned\u{07}") == "Refunds\u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD}")
        #expect(Terminal.printable("a\u{9B}31mb") == "a\u{FFFD}31mb")
        #expect(Terminal.printable("line one\n\tline two, café") == "line one\n\tline two, café")
        #expect(Terminal.printable("back\rspace\u{08}") == "back\u{FFFD}space\u{FFFD}")
    }
}
