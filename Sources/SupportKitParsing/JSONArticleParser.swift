import Foundation
import SupportKit

/// Parses JSON article exports: one article object, an array of them, or `{"articles": [...]}`; and JSONL,
/// one article object per line.
///
/// Article schema: `title`, `content`, `category`, `tags` (list of strings), optional `id` and `url`.
/// The `content` is Markdown-ish text and is structured by the Markdown block parser.
public struct JSONArticleParser: Sendable {
    public init() {}

    /// One parsed article, or the error that made it unusable; a file's bad articles do not hide its good ones.
    public typealias Outcome = Result<Document, InputError>

    /// Parses every article of a `.json` file.
    ///
    /// - Throws: `InputError` when the file as a whole is unreadable (encoding, JSON syntax, wrong shape).
    public func parseJSON(_ data: Data, context: ParseContext) throws -> [Outcome] {
        let source = try SourceText(path: context.relativePath, data: data)
        return try source.bytes.withUnsafeBufferPointer { bytes in
            var parser = PositionedJSONParser(bytes: bytes, range: 0..<bytes.count)
            let root: PositionedJSON
            do {
                root = try parser.parseDocument()
            } catch let error as PositionedJSONParser.SyntaxError {
                throw InputError(source.location(of: error.offset), field: "json", problem: error.message,
                                 remedy: "fix the JSON syntax (a validator such as `python3 -m json.tool FILE` shows the same spot)")
            }
            let articles: [PositionedJSON]
            switch root {
            case .array(let elements, _):
                articles = elements
            case .object:
                if let (keyOffset, list) = root.member("articles") {
                    guard case .array(let elements, _) = list else {
                        throw InputError(source.location(of: keyOffset), field: "articles", problem: "expected a list of articles, found a \(list.kindName)",
                                         remedy: "write \"articles\": [ {...}, {...} ]")
                    }
                    articles = elements
                } else {
                    articles = [root]
                }
            default:
                throw InputError(source.location(of: root.offset), field: "json", problem: "expected an article object, a list of articles or {\"articles\": [...]}, found a \(root.kindName)",
                                 remedy: "export the articles in one of those shapes")
            }
            let many = articles.count > 1
            return articles.enumerated().map { position, article in
                Result { () throws(InputError) -> Document in
                    try document(from: article, source: source, context: context, position: many ? position : nil)
                }
            }
        }
    }

    /// Parses every line of a `.jsonl` file; blank lines are skipped.
    ///
    /// - Throws: `InputError` when the file is not UTF-8 text.
    public func parseJSONLines(_ data: Data, context: ParseContext) throws -> [Outcome] {
        let source = try SourceText(path: context.relativePath, data: data)
        return source.bytes.withUnsafeBufferPointer { bytes in
            var outcomes: [Outcome] = []
            for (lineIndex, start) in source.lineStarts.enumerated() {
                var end = lineIndex + 1 < source.lineStarts.count ? source.lineStarts[lineIndex + 1] - 1 : bytes.count
                if end > start, end <= bytes.count, end > 0, bytes[end - 1] == 0x0D { end -= 1 }
                guard start < end, bytes[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
                var parser = PositionedJSONParser(bytes: bytes, range: start..<end)
                do {
                    let article = try parser.parseDocument()
                    outcomes.append(Result { () throws(InputError) -> Document in
                        try document(from: article, source: source, context: context, position: lineIndex)
                    })
                } catch let error as PositionedJSONParser.SyntaxError {
                    outcomes.append(.failure(InputError(
                        source.location(of: error.offset), field: "json", problem: error.message,
                        remedy: "fix the JSON on this line (each line holds one complete article object)")))
                } catch {
                    outcomes.append(.failure(InputError(source.location(of: start), field: "json", problem: "\(error)", remedy: "fix the JSON on this line")))
                }
            }
            return outcomes
        }
    }

    private func document(from article: PositionedJSON, source: SourceText, context: ParseContext, position: Int?) throws(InputError) -> Document {
        let start = source.location(of: article.offset)
        guard case .object = article else {
            throw InputError(start, field: "article", problem: "expected an object, found a \(article.kindName)",
                             remedy: "write each article as {\"title\": ..., \"content\": ..., \"category\": ...}")
        }
        func string(_ name: String) throws(InputError) -> Located<String>? {
            guard let (keyOffset, value) = article.member(name) else { return nil }
            switch value {
            case .string(let text, _): return Located(value: text, location: source.location(of: keyOffset))
            case .null: return nil
            case .number(let number, _) where name == "id":
                return Located(value: number == number.rounded() ? String(Int(number)) : String(number), location: source.location(of: keyOffset))
            default:
                throw InputError(source.location(of: keyOffset), field: name, problem: "expected a string, found a \(value.kindName)",
                                 remedy: "write \"\(name)\": \"...\"")
            }
        }
        var fields = ArticleFields()
        fields.id = try string("id")
        fields.title = try string("title")
        fields.category = try string("category")
        fields.url = try string("url")
        if let (keyOffset, tags) = article.member("tags") {
            switch tags {
            case .array(let elements, _):
                for element in elements {
                    guard case .string(let tag, _) = element else {
                        throw InputError(source.location(of: element.offset), field: "tags", problem: "expected a string, found a \(element.kindName)",
                                         remedy: "write each tag as a string")
                    }
                    fields.tags.append(tag)
                }
            case .null: break
            default:
                throw InputError(source.location(of: keyOffset), field: "tags", problem: "expected a list of strings, found a \(tags.kindName)",
                                 remedy: "write \"tags\": [\"refunds\", \"cards\"]")
            }
        }
        let content = try string("content")
        guard let content else {
            throw InputError(start, field: "content", problem: "missing", remedy: "add \"content\": \"the article text\"")
        }
        let contentLine = content.location.line
        var blocks = MarkdownParser.blocks(ofContent: content.value, path: source.path)
        // Content lines are counted inside the string; in the file the whole article sits on the key's line
        // (JSONL) or starts there (JSON), which is where a reader should look.
        for index in blocks.indices {
            blocks[index].lineStart = contentLine
            blocks[index].lineEnd = contentLine
        }
        // A leading `# Title` equal to the title is not a section of its own.
        if let first = blocks.first, first.kind == .heading(level: 1), first.text == fields.title?.value { blocks.removeFirst() }
        let slugSuffix = position.map { _ in Slug.make(fields.title?.value ?? "") }
        let assembler = DocumentAssembler(
            context: context, titleRemedy: "add \"title\": \"...\" to the article",
            categoryRemedy: "set \"category\"")
        do {
            return try assembler.assemble(fields: fields, blocks: blocks, fallbackTitle: nil, start: start,
                                          idSuffix: slugSuffix.flatMap { $0.isEmpty ? "\(position ?? 0)" : $0 })
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(start, field: "article", problem: "\(error)", remedy: "check the article")
        }
    }
}

extension MarkdownParser {
    /// Blocks of Markdown text embedded in another format (a JSON article's `content`).
    static func blocks(ofContent content: String, path: String) -> [Block] {
        let data = Data(content.utf8)
        guard let source = try? SourceText(path: path, data: data) else {
            return [Block(kind: .paragraph, text: content, lineStart: 1, lineEnd: 1)]
        }
        return source.bytes.withUnsafeBufferPointer { bytes in
            var parser = MarkdownBlockParser(bytes: bytes, source: source, bodyStart: 0)
            return parser.parse()
        }
    }
}
