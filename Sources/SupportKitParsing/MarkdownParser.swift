import Foundation
import SupportKit
import Yams

/// Parses a Markdown article with optional YAML front matter into a `Document`.
///
/// The front matter holds `title`, `category`, `tags`, `id` and `url`; without a `title`, the first `#`
/// heading is the title (and is then not repeated as a section).
public struct MarkdownParser: Sendable {
    public init() {}

    public func parse(_ data: Data, context: ParseContext) throws -> Document {
        var markup = MarkupCounts()
        return try parse(data, context: context, markup: &markup)
    }

    /// Parses the article; static-site markup removed from its body is counted in `markup`.
    public func parse(_ data: Data, context: ParseContext, markup: inout MarkupCounts) throws -> Document {
        let file = try SourceText(path: context.relativePath, data: data)
        return try file.bytes.withUnsafeBufferPointer { fileBytes in
            let frontMatter = try FrontMatter.parse(fileBytes, source: file, mapping: context.frontMatter)
            let bodyStart = frontMatter?.bodyStart ?? 0
            // Template markup goes before the blocks are found; line breaks stay, so lines are the file's.
            var source = file
            if let body = SiteMarkup.strip(fileBytes, bodyStart..<fileBytes.count, lineSyntax: true, counts: &markup) {
                source = SourceText(path: file.path, checkedBytes: Array(fileBytes[..<bodyStart]) + body)
            }
            return try source.bytes.withUnsafeBufferPointer { bytes in
                try parseBody(bytes, source: source, frontMatter: frontMatter, context: context)
            }
        }
    }

    private func parseBody(_ bytes: UnsafeBufferPointer<UInt8>, source: SourceText, frontMatter: FrontMatter?, context: ParseContext) throws -> Document {
        var parser = MarkdownBlockParser(bytes: bytes, source: source, bodyStart: frontMatter?.bodyStart ?? 0)
        var blocks = parser.parse()
        var fields = frontMatter?.fields ?? ArticleFields()
        var fallbackTitle: String?
        if fields.title == nil, let first = blocks.firstIndex(where: { $0.kind == .heading(level: 1) }) {
            fallbackTitle = blocks[first].text
            fields.title = Located(value: blocks[first].text, location: SourceLocation(path: source.path, line: blocks[first].lineStart))
            blocks.remove(at: first)
        }
        let assembler = DocumentAssembler(
            context: context,
            titleRemedy: "add `title:` to the front matter or start the document with a `# Heading`",
            categoryRemedy: "set `category:` in the front matter")
        return try assembler.assemble(
            fields: fields, blocks: blocks, fallbackTitle: fallbackTitle,
            start: SourceLocation(path: source.path, line: 1, column: 1))
    }
}

/// YAML front matter between `---` lines at the very start of a Markdown file.
struct FrontMatter {
    var fields: ArticleFields
    /// Offset of the first body byte.
    var bodyStart: Int

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, source: SourceText, mapping: FrontMatterMapping) throws -> FrontMatter? {
        guard bytes.count >= 3, bytes[0] == 0x2D, bytes[1] == 0x2D, bytes[2] == 0x2D else { return nil }
        var cursor = 3
        while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x0D { cursor += 1 }
        guard cursor == bytes.count || bytes[cursor] == 0x0A else { return nil }
        let yamlStart = min(cursor + 1, bytes.count)
        // Find the closing `---` (or `...`) line.
        var lineStart = yamlStart
        var closing: (start: Int, end: Int)?
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            while contentEnd > lineStart, bytes[contentEnd - 1] == 0x20 || bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            if contentEnd - lineStart == 3,
               (bytes[lineStart] == 0x2D && bytes[lineStart + 1] == 0x2D && bytes[lineStart + 2] == 0x2D)
                || (bytes[lineStart] == 0x2E && bytes[lineStart + 1] == 0x2E && bytes[lineStart + 2] == 0x2E) {
                closing = (lineStart, min(lineEnd + 1, bytes.count))
                break
            }
            lineStart = lineEnd + 1
        }
        guard let closing else {
            throw InputError(
                source.location(of: 0), field: "front matter", problem: "opened with `---` but never closed",
                remedy: "end the front matter with a line containing only `---`")
        }
        let yamlBytes = UnsafeBufferPointer(rebasing: bytes[yamlStart..<closing.start])
        let firstYAMLLine = source.lineIndex(of: yamlStart) + 1
        if let fields = decodeFlatFields(yamlBytes, path: source.path, firstLine: firstYAMLLine, mapping: mapping) {
            return FrontMatter(fields: fields, bodyStart: closing.end)
        }
        let yaml = String(decoding: yamlBytes, as: UTF8.self)
        let fields = try decodeYAMLFields(yaml, path: source.path, lineOffset: firstYAMLLine - 1, mapping: mapping)
        return FrontMatter(fields: fields, bodyStart: closing.end)
    }

    /// The fields of any YAML front matter, through Yams; the reference for `decodeFlatFields`.
    /// Whether a front-matter key names a category in some team's spelling (`categories`, `category_name`).
    static func looksLikeCategory(_ key: String) -> Bool {
        key.lowercased().contains("categor")
    }

    static func decodeYAMLFields(_ yaml: String, path: String, lineOffset: Int, mapping fieldMapping: FrontMatterMapping = FrontMatterMapping()) throws -> ArticleFields {
        func location(_ mark: Mark?) -> SourceLocation {
            SourceLocation(path: path, line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            let (mark, problem) = error.markAndProblem
            var place = location(mark)
            if case .duplicatedKeysInMapping(let duplicates, let context) = error,
               let second = InputError.duplicateKeyPlace(in: yaml, key: duplicates.first ?? "", first: context.mark) {
                place = SourceLocation(path: path, line: second.line + lineOffset, column: second.column)
            }
            throw InputError(place, field: "front matter", problem: "invalid YAML: \(problem)",
                             remedy: "fix the YAML syntax (quote values that contain `:` or `#`)")
        }
        guard let node else { return ArticleFields() }
        guard let mapping = node.mapping else {
            throw InputError(location(node.mark), field: "front matter", problem: "expected `key: value` pairs",
                             remedy: "write the front matter as a YAML mapping (title:, category:, tags:)")
        }
        var fields = ArticleFields()
        var categories: [String: Located<String>] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let valueLocation = location(value.mark ?? key.mark)
            func scalarString() throws -> Located<String> {
                guard let scalar = value.scalar else {
                    throw InputError(valueLocation, field: name, problem: "expected a single value, found a \(value.kindName)",
                                     remedy: "write `\(name): some text`")
                }
                return Located(value: scalar.string, location: valueLocation)
            }
            if fieldMapping.reads(name) {
                if let sequence = value.sequence, fieldMapping.categoryFields.contains(name) {
                    guard let first = sequence.first else { continue }
                    guard let item = first.scalar?.string else {
                        throw InputError(location(first.mark), field: name, problem: "expected a name, found a \(first.kindName)",
                                         remedy: "write `\(name): [billing]`")
                    }
                    categories[name] = Located(value: item, location: valueLocation)
                    continue
                }
                let scalar = try scalarString()
                if fieldMapping.categoryFields.contains(name) { categories[name] = scalar }
                if let reason = fieldMapping.skipReason(key: name, value: scalar.value) { fields.skip = reason }
                continue
            }
            if looksLikeCategory(name), fields.unmappedCategoryKey == nil { fields.unmappedCategoryKey = name }
            switch name {
            case "title": fields.title = try scalarString()
            case "id": fields.id = try scalarString()
            case "url": fields.url = try scalarString()
            case "tags":
                if value.scalar?.string.isEmpty == true || value.scalar?.tag == Tag(.null) { break }
                guard let sequence = value.sequence else {
                    throw InputError(valueLocation, field: "tags", problem: "expected a list of strings, found a \(value.kindName)",
                                     remedy: "write `tags: [refunds, cards]` or one `- tag` per line")
                }
                for item in sequence {
                    guard let tag = item.scalar?.string else {
                        throw InputError(location(item.mark), field: "tags", problem: "expected a string, found a \(item.kindName)",
                                         remedy: "write each tag as plain text")
                    }
                    fields.tags.append(tag)
                }
            default: continue
            }
        }
        fields.category = fieldMapping.categoryFields.lazy.compactMap { categories[$0] }.first
        return fields
    }
}

extension Node {
    var kindName: String {
        switch self {
        case .scalar: "single value"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }
}

extension YamlError {
    /// Where the YAML parser stopped and why.
    public var markAndProblem: (Mark?, String) {
        switch self {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return (mark, context.map { "\(problem) \($0.text)" } ?? problem)
        case .reader(let problem, _, _, _):
            return (nil, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark, "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return (nil, "\(self)")
        }
    }
}
