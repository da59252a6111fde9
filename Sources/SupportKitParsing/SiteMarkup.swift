import Foundation
import SupportKit

/// How much static-site generator markup was removed from documents at parse time, by kind.
///
/// Help centers are written for Jekyll, Hugo, Docusaurus or MkDocs; their template syntax is not text a reader
/// sees, and left in it reaches the store and the assistant's answers.
public struct MarkupCounts: Sendable, Hashable, Codable {
    /// Liquid tags `{% ... %}` (a `{% comment %}` block counts as its two tags).
    public var liquidTags = 0
    /// Liquid (or Go template) variables `{{ ... }}`.
    public var liquidVariables = 0
    /// kramdown inline attribute lists `{: ...}` and `{:toc}`.
    public var kramdownAttributes = 0
    /// kramdown extensions `{::nomarkdown}`, `{::options ... /}`, `{::comment}` and their closing tags.
    public var kramdownExtensions = 0
    /// Hugo shortcodes `{{< ... >}}`, `{{% ... %}}` and template comments `{{/* */}}`.
    public var hugoShortcodes = 0
    /// MDX `import` and `export` statements.
    public var mdxStatements = 0
    /// JSX component tags (`<Tabs>`, `<TabItem label="...">`) and `{/* */}` comments; a `label` or `title` stays.
    public var jsxComponents = 0
    /// Admonition and tab markers (`:::note`, `!!! tip "Title"`, `=== "Tab"`); their titles and bodies stay.
    public var admonitions = 0
    /// `<script>` and `<style>` elements with their content.
    public var scriptsAndStyles = 0
    /// HTML comments `<!-- ... -->`.
    public var htmlComments = 0

    public init() {}

    /// Every removal, all kinds together.
    public var total: Int { parts.reduce(0) { $0 + $1.count } }

    /// The non-zero kinds with their names, in a fixed order.
    public var parts: [(count: Int, name: String)] {
        [
            (liquidTags, "Liquid tags"), (liquidVariables, "Liquid variables"), (kramdownAttributes, "kramdown attributes"),
            (kramdownExtensions, "kramdown extensions"), (hugoShortcodes, "Hugo shortcodes"), (mdxStatements, "MDX imports/exports"),
            (jsxComponents, "JSX tags"), (admonitions, "admonition markers"), (scriptsAndStyles, "scripts/styles"),
            (htmlComments, "HTML comments"),
        ].filter { $0.0 > 0 }.map { (count: $0.0, name: $0.1) }
    }

    /// Adds `other`'s counts to these.
    public static func += (lhs: inout MarkupCounts, rhs: MarkupCounts) {
        lhs.liquidTags += rhs.liquidTags
        lhs.liquidVariables += rhs.liquidVariables
        lhs.kramdownAttributes += rhs.kramdownAttributes
        lhs.kramdownExtensions += rhs.kramdownExtensions
        lhs.hugoShortcodes += rhs.hugoShortcodes
        lhs.mdxStatements += rhs.mdxStatements
        lhs.jsxComponents += rhs.jsxComponents
        lhs.admonitions += rhs.admonitions
        lhs.scriptsAndStyles += rhs.scriptsAndStyles
        lhs.htmlComments += rhs.htmlComments
    }

    private enum CodingKeys: String, CodingKey {
        case liquidTags = "liquid_tags", liquidVariables = "liquid_variables", kramdownAttributes = "kramdown_attributes"
        case kramdownExtensions = "kramdown_extensions", hugoShortcodes = "hugo_shortcodes", mdxStatements = "mdx_statements"
        case jsxComponents = "jsx_components", admonitions, scriptsAndStyles = "scripts_and_styles", htmlComments = "html_comments"
    }
}

/// Removes static-site generator markup from a source text before it is parsed, keeping every line break so
/// that line numbers stay those of the file.
///
/// - Jekyll/Liquid: tags `{% ... %}` (bodies of block tags such as a callout stay; `{% comment %}` blocks go
///   whole; `{% raw %}` bodies stay verbatim; `{% highlight x %}` becomes a code fence; an `{% include %}` keeps
///   its `content`/`text`/`title` parameter), variables `{{ ... }}`.
/// - kramdown: attribute lists `{: ...}`, `{::options /}`, `{::nomarkdown}` (its body stays), `{::comment}`
///   (its body goes), a `* TOC` line before `{:toc}`.
/// - Hugo: shortcodes `{{< >}}` and `{{% %}}` (their inner text stays), comments `{{/* */}}`.
/// - Docusaurus/MDX: `import`/`export` lines, JSX component tags (`label`/`title` attributes stay), `{/* */}`,
///   `:::note Title` ... `:::` admonitions (title and body stay as text).
/// - MkDocs: `!!! note "Title"`, `??? note`, content tabs `=== "Tab"`: the title stays and the indented body
///   is dedented, so it reads as text rather than as an indented code block.
/// - `<script>`, `<style>` and `<!-- -->` everywhere.
///
/// Line-level syntax (MDX, admonitions, tabs) is left alone inside fenced code; `{% raw %}` protects anything.
enum SiteMarkup {
    /// The cleaned text, or nil when there is nothing to remove (no copy is made then).
    ///
    /// - Parameters:
    ///   - bytes: the file's bytes; only `range` (the body) is read.
    ///   - lineSyntax: the text is Markdown: also remove line-level syntax (MDX, admonitions, tabs) and
    ///     `<script>`, `<style>`, `<!-- -->`. Off for HTML, where libxml2 already leaves those out.
    static func strip(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, lineSyntax: Bool, counts: inout MarkupCounts) -> [UInt8]? {
        var spans = SpanStripper(bytes: bytes, range: range, handlesTags: lineSyntax)
        let afterSpans = spans.run()
        counts += spans.counts
        guard lineSyntax else { return afterSpans }
        if let afterSpans {
            return afterSpans.withUnsafeBufferPointer { buffer in
                var lines = LineStripper(bytes: buffer)
                let result = lines.run()
                counts += lines.counts
                return result ?? afterSpans
            }
        }
        var lines = LineStripper(bytes: UnsafeBufferPointer(rebasing: bytes[range]))
        let result = lines.run()
        counts += lines.counts
        return result
    }

    /// `name="value"` or `name='value'` pairs, as a Liquid include or a JSX tag writes its parameters.
    static func parameters(_ arguments: String) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        var rest = Substring(arguments)
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].split(whereSeparator: \.isWhitespace).last.map(String.init) ?? ""
            var after = rest[rest.index(after: equals)...].drop { $0 == " " }
            guard let quote = after.first, quote == "\"" || quote == "'" else {
                rest = after
                continue
            }
            after = after.dropFirst()
            guard let close = after.firstIndex(of: quote) else { break }
            result.append((name, String(after[..<close])))
            rest = after[after.index(after: close)...]
        }
        return result
    }

}

// MARK: - Spans: Liquid, kramdown, Hugo, MDX comments, scripts, styles, HTML comments

private struct SpanStripper {
    let bytes: UnsafeBufferPointer<UInt8>
    let range: Range<Int>
    var counts = MarkupCounts()
    private var output: [UInt8] = []
    /// Bytes before this offset are in `output` (or dropped).
    private var copied: Int
    private var changed = false
    /// Removes `<script>`, `<style>` and HTML comments too.
    private let handlesTags: Bool

    init(bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, handlesTags: Bool) {
        self.bytes = bytes
        self.range = range
        self.handlesTags = handlesTags
        copied = range.lowerBound
    }

    /// Liquid tag names whose `{% ... %}` opens a block the reader never sees, and the tag that closes it.
    private static let hiddenBlocks = ["comment": "endcomment"]
    /// `{% include %}` parameters whose values are text a reader sees.
    private static let visibleParameters: Set<String> = ["content", "text", "title", "body", "message", "note", "caption", "alt"]

    mutating func run() -> [UInt8]? {
        guard bytes.baseAddress != nil, !range.isEmpty else { return nil }
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            // `{` and `<` are rare in support prose: find the next one with memchr, many bytes at a time.
            let braceOffset = ByteSearch.first(0x7B, in: bytes, from: index, to: end) ?? end
            let angleOffset = handlesTags ? ByteSearch.first(0x3C, in: bytes, from: index, to: braceOffset) ?? end : end
            let next = min(braceOffset, angleOffset)
            guard next < end else { break }
            index = (bytes[next] == 0x7B ? brace(at: next) : angle(at: next)) ?? (next + 1)
        }
        guard changed else { return nil }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<end]))
        return output
    }

    // MARK: Output

    /// Drops `bytes[start..<end]`, keeping its line breaks; returns `end`.
    private mutating func drop(_ start: Int, _ end: Int) -> Int {
        output.reserveCapacity(range.count)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<start]))
        for offset in start..<end where bytes[offset] == 0x0A { output.append(0x0A) }
        copied = end
        changed = true
        removeEmptyParentheses()
        return end
    }

    /// Replaces `bytes[start..<end]` with `text` (plus the span's line breaks); returns `end`.
    private mutating func replace(_ start: Int, _ end: Int, with text: [UInt8]) -> Int {
        output.reserveCapacity(range.count)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<start]))
        output.append(contentsOf: text)
        for offset in start..<end where bytes[offset] == 0x0A { output.append(0x0A) }
        copied = end
        changed = true
        return end
    }

    /// `( {% icon check %} )` left `(  )`: a pair of parentheses with only spaces inside goes too.
    private mutating func removeEmptyParentheses() {
        var after = copied
        while after < range.upperBound, bytes[after] == 0x20 { after += 1 }
        guard after < range.upperBound, bytes[after] == 0x29 else { return }
        var before = output.count
        while before > 0, output[before - 1] == 0x20 { before -= 1 }
        // `[text]({{ url }})` keeps its `()`: it is a link's (now empty) target, which Markdown drops with the link.
        guard before > 0, output[before - 1] == 0x28, before < 2 || output[before - 2] != 0x5D else { return }
        output.removeSubrange((before - 1)...)
        while output.last == 0x20, after + 1 < range.upperBound, bytes[after + 1] == 0x20 { output.removeLast() }
        copied = after + 1
    }

    // MARK: Scanning

    private func starts(with literal: StaticString, at offset: Int, caseInsensitive: Bool = false) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= range.upperBound else { return false }
        return literal.withUTF8Buffer { pattern in
            for position in 0..<count {
                var byte = bytes[offset + position]
                if caseInsensitive, byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
                if byte != pattern[position] { return false }
            }
            return true
        }
    }

    /// The offset just past the next `literal` at or after `offset`, searching at most `limit` bytes.
    private func find(_ literal: StaticString, from offset: Int, limit: Int = 1 << 20, caseInsensitive: Bool = false) -> Int? {
        let first = literal.withUTF8Buffer { $0[0] }
        let last = min(range.upperBound, offset + limit)
        var cursor = offset
        while cursor < last {
            let byte = caseInsensitive && bytes[cursor] >= 0x41 && bytes[cursor] <= 0x5A ? bytes[cursor] | 0x20 : bytes[cursor]
            if byte == first, starts(with: literal, at: cursor, caseInsensitive: caseInsensitive) {
                return cursor + literal.utf8CodeUnitCount
            }
            cursor += 1
        }
        return nil
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<max(start, end)]), as: UTF8.self)
    }

    /// A Liquid tag at `start` (`{%` or `{%-`): its name, its arguments and the offset past `%}`.
    private func liquidTag(at start: Int) -> (name: String, arguments: String, end: Int)? {
        guard let end = find("%}", from: start + 2, limit: 4_096) else { return nil }
        var inner = text(start + 2, end - 2).trimmingCharacters(in: .whitespacesAndNewlines)
        if inner.hasPrefix("-") { inner.removeFirst() }
        if inner.hasSuffix("-") { inner.removeLast() }
        inner = inner.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = inner.prefix { !$0.isWhitespace }
        return (String(name), String(inner.dropFirst(name.count)).trimmingCharacters(in: .whitespaces), end)
    }

    /// The next Liquid tag named `name` at or after `offset`: its start and end.
    private func nextLiquidTag(named name: String, from offset: Int) -> (start: Int, end: Int)? {
        var cursor = offset
        while let open = find("{%", from: cursor) {
            let start = open - 2
            guard let tag = liquidTag(at: start) else { return nil }
            if tag.name == name { return (start, tag.end) }
            cursor = tag.end
        }
        return nil
    }

    // MARK: `{`

    private mutating func brace(at start: Int) -> Int? {
        guard start + 1 < range.upperBound else { return nil }
        switch bytes[start + 1] {
        case 0x25:  // {%
            return liquid(at: start)
        case 0x7B:  // {{
            guard start + 2 < range.upperBound else { return nil }
            switch bytes[start + 2] {
            case 0x3C:  // {{< shortcode >}}
                guard let end = find(">}}", from: start + 3, limit: 4_096) else { return nil }
                counts.hugoShortcodes += 1
                return drop(start, end)
            case 0x25:  // {{% shortcode %}}
                guard let end = find("%}}", from: start + 3, limit: 4_096) else { return nil }
                counts.hugoShortcodes += 1
                return drop(start, end)
            case 0x2F where start + 3 < range.upperBound && bytes[start + 3] == 0x2A:  // {{/* comment */}}
                guard let end = find("*/}}", from: start + 4) else { return nil }
                counts.hugoShortcodes += 1
                return drop(start, end)
            default:
                guard let end = find("}}", from: start + 2, limit: 1_024) else { return nil }
                counts.liquidVariables += 1
                return drop(start, end)
            }
        case 0x3A:  // {: ...}, {::extension}, {:/closing}
            return kramdown(at: start)
        case 0x2F where start + 2 < range.upperBound && bytes[start + 2] == 0x2A:  // {/* MDX comment */}
            guard let end = find("*/}", from: start + 3) else { return nil }
            counts.jsxComponents += 1
            return drop(start, end)
        default:
            return nil
        }
    }

    private mutating func liquid(at start: Int) -> Int? {
        guard let tag = liquidTag(at: start) else { return nil }
        switch tag.name {
        case "raw":
            // The body is shown as written: copy it, drop the two tags.
            counts.liquidTags += 1
            let bodyStart = drop(start, tag.end)
            guard let close = nextLiquidTag(named: "endraw", from: bodyStart) else { return bodyStart }
            counts.liquidTags += 1
            _ = drop(close.start, close.end)
            return close.end
        case "highlight":
            counts.liquidTags += 1
            let language = tag.arguments.prefix { !$0.isWhitespace }
            return replace(start, tag.end, with: Array("```\(language)".utf8))
        case "endhighlight":
            counts.liquidTags += 1
            return replace(start, tag.end, with: Array("```".utf8))
        case "include", "include_relative", "include_cached":
            counts.liquidTags += 1
            let visible = SiteMarkup.parameters(tag.arguments).filter { Self.visibleParameters.contains($0.name) }.map(\.value)
            if visible.isEmpty { return drop(start, tag.end) }
            return replace(start, tag.end, with: Array(visible.joined(separator: " ").utf8))
        default:
            if let closing = Self.hiddenBlocks[tag.name], let close = nextLiquidTag(named: closing, from: tag.end) {
                counts.liquidTags += 2
                return drop(start, close.end)
            }
            counts.liquidTags += 1
            return drop(start, tag.end)
        }
    }

    private mutating func kramdown(at start: Int) -> Int? {
        guard start + 2 < range.upperBound else { return nil }
        // `{:` ... `}` on one line, at most a few hundred bytes.
        var close = start + 2
        while close < range.upperBound, close - start < 512, bytes[close] != 0x7D, bytes[close] != 0x0A { close += 1 }
        guard close < range.upperBound, bytes[close] == 0x7D else { return nil }
        let end = close + 1
        let inner = text(start + 2, close)
        if inner.hasPrefix(":") {
            let name = inner.dropFirst().prefix { $0.isLetter }
            counts.kramdownExtensions += 1
            if name == "comment", !inner.hasSuffix("/"),
               let closing = find("{:/comment}", from: end) ?? find("{:/}", from: end) {
                counts.kramdownExtensions += 1
                return drop(start, closing)
            }
            return drop(start, end)
        }
        if inner.hasPrefix("/") {
            counts.kramdownExtensions += 1
            return drop(start, end)
        }
        // `{:toc}` replaces a `* TOC` list line just before it: both go.
        if inner == "toc" || inner.hasPrefix("toc ") || inner.hasPrefix(".toc") {
            counts.kramdownAttributes += 1
            if let line = tocLine(before: start) { return drop(line, end) }
            return drop(start, end)
        }
        counts.kramdownAttributes += 1
        return drop(start, end)
    }

    /// The start of a `* TOC` / `1. TOC` line just before the line at `offset`, when it is not yet copied.
    private func tocLine(before offset: Int) -> Int? {
        var lineStart = offset
        while lineStart > copied, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        guard lineStart > copied, lineStart == offset || bytes[lineStart..<offset].allSatisfy({ $0 == 0x20 }) else { return nil }
        var previous = lineStart - 1
        while previous > copied, bytes[previous - 1] != 0x0A { previous -= 1 }
        let line = text(previous, lineStart - 1).trimmingCharacters(in: .whitespaces)
        return line == "* TOC" || line == "- TOC" || line == "1. TOC" ? previous : nil
    }

    // MARK: `<`

    private mutating func angle(at start: Int) -> Int? {
        if starts(with: "<!--", at: start) {
            guard let end = find("-->", from: start + 4) else { return nil }
            counts.htmlComments += 1
            return drop(start, end)
        }
        for (open, close) in [("<script", "</script>"), ("<style", "</style>")] as [(StaticString, StaticString)] {
            guard starts(with: open, at: start, caseInsensitive: true) else { continue }
            let after = start + open.utf8CodeUnitCount
            guard after < range.upperBound, [0x20, 0x3E, 0x0A, 0x09, 0x2F].contains(bytes[after]) else { return nil }
            guard let end = find(close, from: after, caseInsensitive: true) else { return nil }
            counts.scriptsAndStyles += 1
            return drop(start, end)
        }
        return nil
    }
}

// MARK: - Lines: MDX statements, JSX tags, admonitions, tabs

private struct LineStripper {
    let bytes: UnsafeBufferPointer<UInt8>
    var counts = MarkupCounts()
    private var output: [UInt8] = []
    private var changed = false

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private var fence: (char: UInt8, length: Int)?
    /// An MkDocs admonition or tab body: lines indented at least `indent` columns lose `dedent` of them.
    private var block: (indent: Int, dedent: Int)?
    /// Open braces of an MDX statement that goes on over several lines.
    private var statementDepth = 0

    mutating func run() -> [UInt8]? {
        // Most articles have none of this syntax: find that out without copying anything.
        guard Self.mayHaveLineSyntax(bytes) else { return nil }
        output.reserveCapacity(bytes.count)
        var lineStart = 0
        while true {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            process(lineStart, lineEnd)
            guard lineEnd < bytes.count else { break }
            output.append(0x0A)
            lineStart = lineEnd + 1
        }
        return changed ? output : nil
    }

    private mutating func process(_ lineStart: Int, _ lineEnd: Int) {
        var start = lineStart
        var columns = 0
        while start < lineEnd, bytes[start] == 0x20 { start += 1; columns += 1 }
        let blank = start == lineEnd || (start + 1 == lineEnd && bytes[start] == 0x0D)
        if statementDepth > 0 {
            statementDepth += braceBalance(lineStart, lineEnd)
            changed = true
            return
        }
        if let current = block {
            if blank { return copy(lineStart, lineEnd) }
            if columns >= current.indent {
                // Dedent: the body reads as text, not as an indented code block.
                changed = true
                columns -= current.dedent
                copyIndent(columns)
            } else {
                block = nil
                copyIndent(columns)
            }
        } else {
            copyIndent(columns)
        }
        // Fenced code: copied as it is.
        if let open = fence {
            if let closing = fenceRun(start, lineEnd), closing.char == open.char, closing.length >= open.length { fence = nil }
            return copy(start, lineEnd)
        }
        if columns < 4, let opening = fenceRun(start, lineEnd) {
            fence = opening
            return copy(start, lineEnd)
        }
        guard columns < 4, start < lineEnd else { return copy(start, lineEnd) }
        switch bytes[start] {
        case 0x69, 0x65, 0x3A, 0x21, 0x3F, 0x3D, 0x3C: break
        default: return copy(start, lineEnd)
        }
        let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]), as: UTF8.self)
        if columns == 0, Self.isMDXStatement(line) {
            counts.mdxStatements += 1
            changed = true
            statementDepth = max(0, braceBalance(start, lineEnd))
            dropIndent(columns)
            return
        }
        if line.hasPrefix(":::") {
            counts.admonitions += 1
            changed = true
            output.append(contentsOf: Self.admonitionTitle(line).utf8)
            return
        }
        if let marker = Self.mkdocsMarker(line) {
            counts.admonitions += 1
            changed = true
            output.append(contentsOf: marker.utf8)
            block = (indent: columns + 4, dedent: 4)
            return
        }
        if start + 1 < lineEnd, bytes[start] == 0x3C, Self.startsComponent(bytes, start + 1, lineEnd) {
            changed = true
            return copyWithoutComponents(start, lineEnd)
        }
        copy(start, lineEnd)
    }

    /// Whether some line starts (after at most three spaces) like an MDX statement, an admonition or tab
    /// marker, or a JSX tag: `import `, `export `, `:::`, `!!! `, `???`, `=== `, `<X`, `</X`.
    static func mayHaveLineSyntax(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func starts(_ prefix: StaticString, at offset: Int) -> Bool {
            prefix.withUTF8Buffer { pattern in
                offset + pattern.count <= bytes.count && (0..<pattern.count).allSatisfy { bytes[offset + $0] == pattern[$0] }
            }
        }
        var lineStart = 0
        while lineStart < bytes.count {
            var start = lineStart
            while start < bytes.count, start - lineStart < 4, bytes[start] == 0x20 { start += 1 }
            if start < bytes.count {
                switch bytes[start] {
                case 0x69: if starts("import ", at: start) { return true }
                case 0x65: if starts("export ", at: start) { return true }
                case 0x3A: if starts(":::", at: start) { return true }
                case 0x21: if starts("!!! ", at: start) { return true }
                case 0x3F: if starts("???", at: start) { return true }
                case 0x3D: if starts("=== ", at: start) { return true }
                case 0x3C:
                    if start + 1 < bytes.count, startsComponent(bytes, start + 1, bytes.count) { return true }
                default: break
                }
            }
            guard let lineBreak = ByteSearch.first(0x0A, in: bytes, from: start, to: bytes.count) else { return false }
            lineStart = lineBreak + 1
        }
        return false
    }

    private mutating func copyIndent(_ columns: Int) {
        for _ in 0..<max(0, columns) { output.append(0x20) }
    }

    private mutating func dropIndent(_ columns: Int) {
        output.removeLast(min(columns, output.count))
    }

    private mutating func copy(_ start: Int, _ end: Int) {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
    }

    /// Opening minus closing brackets (`{`, `(`, `[`) on a line: an MDX statement goes on while it is positive.
    private func braceBalance(_ start: Int, _ end: Int) -> Int {
        var balance = 0
        for offset in start..<end {
            switch bytes[offset] {
            case 0x7B, 0x28, 0x5B: balance += 1
            case 0x7D, 0x29, 0x5D: balance -= 1
            default: break
            }
        }
        return balance
    }

    private func fenceRun(_ start: Int, _ end: Int) -> (char: UInt8, length: Int)? {
        guard start < end, bytes[start] == 0x60 || bytes[start] == 0x7E else { return nil }
        var cursor = start
        while cursor < end, bytes[cursor] == bytes[start] { cursor += 1 }
        return cursor - start >= 3 ? (bytes[start], cursor - start) : nil
    }

    /// `import X from 'y'`, `import 'y'`, `import {a, b} from "y"`, `export const ...`, `export default ...`.
    static func isMDXStatement(_ line: String) -> Bool {
        if line.hasPrefix("import ") {
            let rest = line.dropFirst(7)
            return rest.first == "'" || rest.first == "\"" || rest.contains(" from '") || rest.contains(" from \"")
        }
        if line.hasPrefix("export ") {
            let word = line.dropFirst(7).prefix { $0.isLetter || $0 == "{" }
            return ["const", "default", "function", "let", "var", "{", "async"].contains(String(word)) || word.hasPrefix("{")
        }
        return false
    }

    /// `:::note Title` or `:::tip[Title]` gives `Title`; `:::note` and a closing `:::` give nothing.
    static func admonitionTitle(_ line: String) -> String {
        var rest = line.drop { $0 == ":" }
        rest = rest.drop { $0.isLetter || $0 == "-" || $0 == "_" }
        var title = rest.trimmingCharacters(in: .whitespaces)
        if title.hasPrefix("["), title.hasSuffix("]") { title = String(title.dropFirst().dropLast()) }
        if title.hasPrefix("{") { return "" }
        return title
    }

    /// `!!! note "Title"`, `??? tip`, `???+ warning "Title"`, `=== "Tab"`: the title (or an empty string) when
    /// the line is such a marker.
    static func mkdocsMarker(_ line: String) -> String? {
        let markers = ["!!!", "???+", "???", "==="]
        guard let marker = markers.first(where: { line.hasPrefix($0 + " ") }) else { return nil }
        let rest = line.dropFirst(marker.count + 1).trimmingCharacters(in: .whitespaces)
        if let open = rest.firstIndex(where: { $0 == "\"" || $0 == "'" }) {
            let quote = rest[open]
            let after = rest[rest.index(after: open)...]
            return after.firstIndex(of: quote).map { String(after[..<$0]) } ?? String(after)
        }
        // `=== "Tab"` needs its title; an admonition needs its type word.
        // MkDocs types are lower-case words (`note`, `warning`); `!!! Important !!!` in prose is not one.
        guard marker != "===", let type = rest.split(separator: " ").first,
              type.allSatisfy({ ($0.isASCII && $0.isLowercase) || $0 == "-" }) else { return nil }
        return ""
    }

    /// `<Tabs`, `</TabItem`: a JSX component starts with a capital letter (HTML elements are lower-case).
    static func startsComponent(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ end: Int) -> Bool {
        var cursor = offset
        if cursor < end, bytes[cursor] == 0x2F { cursor += 1 }
        return cursor < end && bytes[cursor] >= 0x41 && bytes[cursor] <= 0x5A
    }

    /// Copies a line with its JSX component tags removed; a tag's `label` or `title` attribute stays as text.
    private mutating func copyWithoutComponents(_ start: Int, _ end: Int) {
        var cursor = start
        while cursor < end {
            guard bytes[cursor] == 0x3C, cursor + 1 < end, Self.startsComponent(bytes, cursor + 1, end) else {
                output.append(bytes[cursor])
                cursor += 1
                continue
            }
            // The tag ends at the first `>` outside quotes and `{...}` expressions.
            var depth = 0
            var quote: UInt8?
            var tagEnd = cursor + 1
            while tagEnd < end {
                let byte = bytes[tagEnd]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == 0x22 || byte == 0x27 || byte == 0x60 {
                    quote = byte
                } else if byte == 0x7B {
                    depth += 1
                } else if byte == 0x7D {
                    depth -= 1
                } else if byte == 0x3E, depth == 0 {
                    break
                }
                tagEnd += 1
            }
            let tag = String(decoding: UnsafeBufferPointer(rebasing: bytes[cursor..<min(tagEnd, end)]), as: UTF8.self)
            counts.jsxComponents += 1
            let visible = SiteMarkup.parameters(tag).filter { $0.name == "label" || $0.name == "title" }.map(\.value)
            if !visible.isEmpty { output.append(contentsOf: visible.joined(separator: " ").utf8) }
            cursor = min(tagEnd + 1, end)
        }
    }
}
