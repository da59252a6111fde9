/// URL-fragment slugs for headings and ids: lower-case ASCII letters and digits joined by `-`.
public enum Slug {
    public static func make(_ text: String) -> String {
        var text = text
        return text.withUTF8(makeFromASCII) ?? makeFromScalars(text)
    }

    /// The slug of any text, by Unicode scalar properties.
    static func makeFromScalars(_ text: String) -> String {
        var output: [UInt8] = []
        var pendingDash = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, !output.isEmpty { output.append(0x2D) }
                pendingDash = false
                output.append(UInt8(scalar.value))
            } else if scalar.properties.isAlphabetic {
                // Non-ASCII letters stay, so CJK headings still get distinct anchors.
                if pendingDash, !output.isEmpty { output.append(0x2D) }
                pendingDash = false
                output.append(contentsOf: String(scalar).utf8)
            } else {
                pendingDash = true
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The slug of all-ASCII text without Unicode property lookups (the same rules, since the only ASCII
    /// letters are A-Z and a-z), or nil when the text has any other character.
    private static func makeFromASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var pendingDash = false
        for byte in utf8 {
            guard byte < 0x80 else { return nil }
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) {
                if pendingDash, !output.isEmpty { output.append(0x2D) }
                pendingDash = false
                output.append(lower)
            } else {
                pendingDash = true
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
