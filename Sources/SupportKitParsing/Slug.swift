/// URL-fragment slugs for headings and ids: lower-case ASCII letters and digits joined by `-`.
public enum Slug {
    public static func make(_ text: String) -> String {
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
}
