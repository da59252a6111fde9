import Foundation

/// Reading JSON out of a language model's reply, which often wraps it in a Markdown fence or in prose
/// ("Sure! Here is the JSON: {...}"), or follows it with more text.
public enum JSONExtraction {
    /// The first balanced `{...}` in `text` that parses as a JSON object, or nil. Braces inside strings do not
    /// count; an unbalanced or unparsable candidate is skipped and the search goes on after its `{`.
    public static func firstObject(in text: String) -> [String: Any]? {
        let bytes = Array(text.utf8)
        var start = 0
        while let open = bytes[start...].firstIndex(of: UInt8(ascii: "{")) {
            var depth = 0
            var inString = false
            var escaped = false
            for index in open..<bytes.count {
                let byte = bytes[index]
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = true }
                if byte == UInt8(ascii: "{") { depth += 1 }
                if byte == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 {
                        let slice = Data(bytes[open...index])
                        if let object = try? JSONSerialization.jsonObject(with: slice) as? [String: Any] { return object }
                        break
                    }
                }
            }
            start = open + 1
        }
        return nil
    }
}
