import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespaces)` (or `.whitespacesAndNewlines`), returning `self` at once when
    /// both ends are visible ASCII: then there is nothing to trim, and Foundation's round trip through
    /// UTF-16 is skipped. Every metadata field of every document passes through here.
    func trimmingWhitespace(includingNewlines: Bool = false) -> String {
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return self
        }
        return trimmingCharacters(in: includingNewlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
