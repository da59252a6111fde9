/// Which corpus files an ingest takes: `ingest.include` and `ingest.exclude` globs in supportkit.yaml.
///
/// Kept apart from ``CorpusWalker``'s traversal: the walk finds every supported file, this decides which of
/// them are articles. Paths are relative to the corpus root with `/` separators. `*` matches within one path
/// segment, `?` one character, `**` any number of segments (also none). A pattern without `/` is tried on
/// every segment, so `_defaults.md` or `_drafts` matches at any depth, as in a `.gitignore`. A file is taken when
/// it matches some `include` pattern (or there are none) and no `exclude` pattern.
public struct CorpusFilter: Sendable, Hashable {
    public var include: [String]
    public var exclude: [String]

    public init(include: [String] = [], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// Whether the file at `relativePath` is ingested.
    public func admits(_ relativePath: String) -> Bool {
        let segments = relativePath.split(separator: "/").map(String.init)
        if !include.isEmpty, !include.contains(where: { Self.matches($0, segments) }) { return false }
        return !exclude.contains { Self.matches($0, segments) }
    }

    static func matches(_ pattern: String, _ segments: [String]) -> Bool {
        let parts = pattern.split(separator: "/").map(String.init)
        guard pattern.contains("/") else {
            return segments.contains { segment(pattern, matches: $0) }
        }
        return matchSegments(parts[...], segments[...])
    }

    private static func matchSegments(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            // `**` takes none, one or more segments.
            var rest = path
            while true {
                if matchSegments(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let head = path.first, segment(first, matches: head) else { return false }
        return matchSegments(pattern.dropFirst(), path.dropFirst())
    }

    /// `*` and `?` within one segment, by dynamic programming over the two strings (linear space).
    static func segment(_ pattern: String, matches text: String) -> Bool {
        let pattern = Array(pattern), text = Array(text)
        var previous = [Bool](repeating: false, count: text.count + 1)
        previous[0] = true
        for character in pattern {
            var current = [Bool](repeating: false, count: text.count + 1)
            if character == "*" { current[0] = previous[0] }
            for index in 0..<text.count {
                switch character {
                case "*": current[index + 1] = previous[index + 1] || current[index]
                case "?": current[index + 1] = previous[index]
                default: current[index + 1] = previous[index] && text[index] == character
                }
            }
            previous = current
        }
        return previous[text.count]
    }
}
