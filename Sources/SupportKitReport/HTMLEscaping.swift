extension String {
    /// The text made safe for HTML element content and quoted attribute values: `& < > " '` become
    /// entities, so nothing from a document or a conversation can open a tag or end an attribute.
    public var htmlEscaped: String {
        // Most texts of a report have nothing to escape: a scan of the bytes, no copy (a 5,000-turn report
        // escapes tens of thousands of them).
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return self }
        var escaped = HTMLBytes(capacity: utf8.count + 32)
        escaped.text(self)
        return String(decoding: escaped.bytes, as: UTF8.self)
    }

    /// The text made safe for XML (JUnit): like `htmlEscaped`, and control characters that XML 1.0 forbids
    /// are dropped, so a stray byte in a message cannot make the whole report unreadable.
    public var xmlEscaped: String {
        String(String.UnicodeScalarView(unicodeScalars.filter { scalar in
            scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.value >= 0x20
        })).htmlEscaped
    }
}
