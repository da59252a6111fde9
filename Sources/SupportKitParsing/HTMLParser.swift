@preconcurrency import CLibXML2
import Foundation
import SupportKit

/// Parses a help-center HTML page into a `Document` with libxml2.
///
/// Metadata comes from `<title>` (or the first `<h1>`), `<meta name="category">`, `<meta name="keywords">`
/// (tags), `<meta name="doc-id">` and `<link rel="canonical">`. Content comes from `<main>`, else `<article>`,
/// else `<body>`, with navigation, headers, footers, asides, scripts, styles and forms dropped. Tables become
/// readable rows, `<details>`/`<summary>` and `<dl>` question-answer pairs stay together.
public struct HTMLParser: Sendable {
    public init() {}

    public func parse(_ data: Data, context: ParseContext) throws -> Document {
        var markup = MarkupCounts()
        return try parse(data, context: context, markup: &markup)
    }

    /// Parses the page; template markup (Liquid, Hugo, kramdown) removed before libxml2 reads it is counted in
    /// `markup`.
    public func parse(_ data: Data, context: ParseContext, markup: inout MarkupCounts) throws -> Document {
        var source = try SourceText(path: context.relativePath, data: data)
        // A Jekyll or Hugo page may start with front matter: read it like a Markdown file's, then blank it (its
        // line breaks stay) so libxml2 does not take it for body text before `<html>`.
        let frontMatter = try source.bytes.withUnsafeBufferPointer { try FrontMatter.parse($0, source: source, mapping: context.frontMatter) }
        var bytes = source.bytes
        if let frontMatter {
            for offset in 0..<frontMatter.bodyStart where bytes[offset] != 0x0A { bytes[offset] = 0x20 }
        }
        var changed = frontMatter != nil
        if let cleaned = bytes.withUnsafeBufferPointer({ SiteMarkup.strip($0, 0..<$0.count, lineSyntax: false, counts: &markup) }) {
            bytes = cleaned
            changed = true
        }
        if changed { source = SourceText(path: source.path, checkedBytes: bytes) }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        xmlResetLastError()
        let document = source.bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    htmlReadMemory($0, Int32(buffer.count), context.relativePath, "UTF-8", options)
                }
            } ?? nil
        }
        guard let document else {
            throw InputError(SourceLocation(path: source.path), field: "html", problem: "could not be parsed as HTML",
                             remedy: "check that the file is an HTML page")
        }
        defer { xmlFreeDoc(document) }
        // libxml2 stops at 256 nested elements (a generated page of nested <div>s): say so, instead of the
        // "content: empty" the truncated tree would give.
        if let error = xmlGetLastError(), let message = error.pointee.message.map({ String(cString: $0) }),
           message.contains("Excessive depth") {
            throw InputError(SourceLocation(path: source.path, line: Int(error.pointee.line)), field: "html",
                             problem: "elements nested more than 256 levels deep; the page cannot be read past that point",
                             remedy: "flatten the page's markup (export the article's content without its wrappers)")
        }
        guard let root = xmlDocGetRootElement(document) else {
            throw InputError(SourceLocation(path: source.path), field: "html", problem: "no elements found",
                             remedy: "check that the file is an HTML page")
        }

        var metadata = HTMLMetadata()
        metadata.collect(from: root, path: source.path)
        let contentRoot = HTMLMetadata.findContentRoot(root)
        var extractor = HTMLContentExtractor()
        extractor.visitChildren(of: contentRoot)
        extractor.flushParagraph()
        var blocks = extractor.blocks

        // `<meta>` wins over front matter for the fields both give.
        var fields = frontMatter?.fields ?? ArticleFields()
        fields.id = metadata.docID ?? fields.id
        fields.category = metadata.category ?? fields.category
        fields.tags = metadata.keywords.isEmpty ? fields.tags : metadata.keywords
        fields.url = metadata.canonical ?? fields.url
        // Page titles often carry the site name ("Reset your password | Help Center"); the article's own
        // <h1> is the better title when the <title> merely contains it.
        let firstH1 = blocks.firstIndex { $0.kind == .heading(level: 1) }
        if metadata.title == nil, let title = fields.title { metadata.title = title }
        if let firstH1, metadata.title == nil || metadata.title!.value.contains(blocks[firstH1].text) {
            fields.title = Located(value: blocks[firstH1].text, location: SourceLocation(path: source.path, line: blocks[firstH1].lineStart))
            blocks.remove(at: firstH1)
        } else {
            fields.title = metadata.title
            if let firstH1, blocks[firstH1].text == metadata.title?.value { blocks.remove(at: firstH1) }
        }
        let assembler = DocumentAssembler(
            context: context, titleRemedy: "add a <title> or an <h1> to the page",
            categoryRemedy: "add <meta name=\"category\" content=\"...\"> with a value")
        return try assembler.assemble(fields: fields, blocks: blocks, fallbackTitle: nil,
                                      start: SourceLocation(path: source.path, line: 1, column: 1))
    }
}

/// libxml2 node helpers.
extension UnsafeMutablePointer where Pointee == xmlNode {
    var isElement: Bool { pointee.type == XML_ELEMENT_NODE }
    var isText: Bool { pointee.type == XML_TEXT_NODE || pointee.type == XML_CDATA_SECTION_NODE }

    /// The element name; libxml2's HTML parser already lower-cases it.
    var elementName: String {
        guard let name = pointee.name else { return "" }
        return String(cString: name)
    }

    func attribute(_ name: String) -> String? {
        guard let value = xmlGetProp(self, name) else { return nil }
        defer { xmlFree(value) }
        return String(cString: value)
    }

    var line: Int { Int(xmlGetLineNo(self)) }

    /// Children in document order.
    var childNodes: [UnsafeMutablePointer<xmlNode>] {
        var nodes: [UnsafeMutablePointer<xmlNode>] = []
        var child = pointee.children
        while let node = child {
            nodes.append(node)
            child = node.pointee.next
        }
        return nodes
    }
}

/// Page-level metadata from `<head>`.
struct HTMLMetadata {
    var title: Located<String>?
    var category: Located<String>?
    var docID: Located<String>?
    var canonical: Located<String>?
    var keywords: [String] = []

    mutating func collect(from node: UnsafeMutablePointer<xmlNode>, path: String) {
        for child in node.childNodes where child.isElement {
            let location = SourceLocation(path: path, line: child.line)
            switch child.elementName {
            case "title" where title == nil:
                var text = InlineTextBuffer()
                text.appendText(of: child)
                let value = text.string
                if !value.isEmpty { title = Located(value: value, location: location) }
            case "meta":
                guard let name = child.attribute("name")?.lowercased(), let content = child.attribute("content") else { continue }
                switch name {
                case "category": category = Located(value: content, location: location)
                case "doc-id": docID = Located(value: content, location: location)
                case "keywords": keywords = content.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                default: break
                }
            case "link":
                if child.attribute("rel")?.lowercased().split(separator: " ").contains("canonical") == true,
                   let href = child.attribute("href") {
                    canonical = Located(value: href, location: location)
                }
            case "body", "main", "article":
                continue
            default:
                collect(from: child, path: path)
            }
        }
    }

    /// `<main>`, else `<article>`, else an element with role="main", else `<body>`, else the root.
    static func findContentRoot(_ root: UnsafeMutablePointer<xmlNode>) -> UnsafeMutablePointer<xmlNode> {
        var article: UnsafeMutablePointer<xmlNode>?
        var roleMain: UnsafeMutablePointer<xmlNode>?
        var body: UnsafeMutablePointer<xmlNode>?
        var stack = [root]
        while let node = stack.popLast() {
            guard node.isElement else { continue }
            let name = node.elementName
            if name == "main" { return node }
            if name == "article", article == nil { article = node }
            if name == "body", body == nil { body = node }
            if roleMain == nil, node.attribute("role") == "main" { roleMain = node }
            if HTMLContentExtractor.droppedElements.contains(name) { continue }
            stack.append(contentsOf: node.childNodes.reversed())
        }
        return roleMain ?? article ?? body ?? root
    }
}

/// Collects inline text with whitespace collapsed.
struct InlineTextBuffer {
    private(set) var bytes: [UInt8] = []
    private var pendingSpace = false
    private(set) var lastLine = 0

    var isEmpty: Bool { bytes.isEmpty }

    mutating func appendRaw(_ pointer: UnsafePointer<xmlChar>) {
        var cursor = pointer
        while cursor.pointee != 0 {
            let byte = cursor.pointee
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                pendingSpace = true
            } else if byte == 0xC2, cursor.successor().pointee == 0xA0 {
                // A no-break space reads as a space.
                pendingSpace = true
                cursor = cursor.successor()
            } else {
                if pendingSpace, !bytes.isEmpty { bytes.append(0x20) }
                pendingSpace = false
                bytes.append(byte)
            }
            cursor = cursor.successor()
        }
    }

    mutating func appendSpace() { pendingSpace = true }

    mutating func appendNewline() {
        if !bytes.isEmpty { bytes.append(0x0A) }
        pendingSpace = false
    }

    /// Appends the text of `node` and its descendants, skipping dropped elements.
    mutating func appendText(of node: UnsafeMutablePointer<xmlNode>) {
        if node.isText {
            if let content = node.pointee.content { appendRaw(content) }
            lastLine = max(lastLine, node.line)
            return
        }
        guard node.isElement else { return }
        let name = node.elementName
        if HTMLContentExtractor.droppedElements.contains(name) { return }
        if name == "br" { appendSpace(); return }
        if name == "img", let alt = node.attribute("alt"), !alt.isEmpty {
            appendSpace()
            alt.withCString { $0.withMemoryRebound(to: xmlChar.self, capacity: alt.utf8.count + 1) { appendRaw($0) } }
            appendSpace()
            return
        }
        let isBlockish = HTMLContentExtractor.blockElements.contains(name)
        if isBlockish { appendSpace() }
        for child in node.childNodes { appendText(of: child) }
        if isBlockish { appendSpace() }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        pendingSpace = false
        lastLine = 0
    }
}

/// Walks the content root and emits blocks.
struct HTMLContentExtractor {
    static let droppedElements: Set<String> = [
        "nav", "header", "footer", "aside", "script", "style", "form", "noscript", "template", "button", "svg",
        "iframe", "select", "input", "textarea", "head", "canvas", "object", "embed",
    ]
    static let blockElements: Set<String> = [
        "p", "div", "section", "article", "main", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
        "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "details", "summary", "dl", "dt", "dd", "figure",
        "figcaption", "hr", "address", "center",
    ]

    private(set) var blocks: [Block] = []
    private var paragraph = InlineTextBuffer()
    private var paragraphLine = 0

    mutating func visitChildren(of node: UnsafeMutablePointer<xmlNode>) {
        for child in node.childNodes { visit(child) }
    }

    mutating func flushParagraph() {
        let text = paragraph.string
        if !text.isEmpty {
            let end = max(paragraph.lastLine, paragraphLine)
            blocks.append(Block(kind: .paragraph, text: text, lineStart: paragraphLine, lineEnd: end))
        }
        paragraph.reset()
    }

    private mutating func visit(_ node: UnsafeMutablePointer<xmlNode>) {
        if node.isText {
            if paragraph.isEmpty { paragraphLine = node.line }
            paragraph.appendText(of: node)
            return
        }
        guard node.isElement else { return }
        let name = node.elementName
        if Self.droppedElements.contains(name) { return }
        if node.attribute("hidden") != nil || node.attribute("aria-hidden") == "true" { return }
        guard Self.blockElements.contains(name) else {
            // Inline element: part of the running paragraph.
            if paragraph.isEmpty { paragraphLine = node.line }
            paragraph.appendText(of: node)
            return
        }
        flushParagraph()
        switch name {
        case "h1", "h2", "h3", "h4", "h5", "h6":
            visitHeading(node, level: Int(name.utf8.last! - 0x30))
        case "p", "dt", "dd", "figcaption", "address":
            emit(.paragraph, node)
        case "pre":
            var text = ""
            collectRawText(node, into: &text)
            let trimmed = text.trimmingCharacters(in: .newlines)
            if !trimmed.isEmpty {
                blocks.append(Block(kind: .code(language: nil), text: trimmed, lineStart: node.line, lineEnd: node.line + trimmed.count { $0 == "\n" }))
            }
        case "ul", "ol":
            var lines: [String] = []
            var itemLines: [Int] = []
            var lastLine = node.line
            collectList(node, depth: 0, into: &lines, itemLines: &itemLines, lastLine: &lastLine)
            if !lines.isEmpty {
                blocks.append(Block(kind: .list, text: lines.joined(separator: "\n"), lineStart: node.line, lineEnd: lastLine, partLines: itemLines))
            }
        case "table":
            visitTable(node)
        case "details":
            visitDetails(node)
        case "dl":
            visitDefinitionList(node)
        case "blockquote":
            emit(.quote, node)
        case "hr":
            break
        default:
            visitChildren(of: node)
            flushParagraph()
        }
    }

    private mutating func emit(_ kind: Block.Kind, _ node: UnsafeMutablePointer<xmlNode>) {
        var text = InlineTextBuffer()
        text.appendText(of: node)
        let value = text.string
        if !value.isEmpty {
            blocks.append(Block(kind: kind, text: value, lineStart: node.line, lineEnd: max(node.line, text.lastLine)))
        }
    }

    /// A heading; when libxml2's recovery nested block content inside an unclosed heading, only the
    /// heading's leading inline text is the heading and the nested blocks are content again.
    private mutating func visitHeading(_ node: UnsafeMutablePointer<xmlNode>, level: Int) {
        var text = InlineTextBuffer()
        var nested: [UnsafeMutablePointer<xmlNode>] = []
        for child in node.childNodes {
            if !nested.isEmpty || (child.isElement && Self.blockElements.contains(child.elementName)) {
                nested.append(child)
            } else {
                text.appendText(of: child)
            }
        }
        let value = text.string
        if !value.isEmpty {
            blocks.append(Block(kind: .heading(level: level), text: value, lineStart: node.line, lineEnd: max(node.line, text.lastLine)))
        }
        for child in nested { visit(child) }
        flushParagraph()
    }

    private func collectRawText(_ node: UnsafeMutablePointer<xmlNode>, into text: inout String) {
        for child in node.childNodes {
            if child.isText, let content = child.pointee.content {
                text += String(cString: content)
            } else if child.isElement {
                if child.elementName == "br" { text += "\n" } else { collectRawText(child, into: &text) }
            }
        }
    }

    private func collectList(_ node: UnsafeMutablePointer<xmlNode>, depth: Int, into lines: inout [String], itemLines: inout [Int], lastLine: inout Int) {
        let ordered = node.elementName == "ol"
        var ordinal = Int(node.attribute("start") ?? "") ?? 1
        for item in node.childNodes where item.isElement && item.elementName == "li" {
            var text = InlineTextBuffer()
            var nestedLists: [UnsafeMutablePointer<xmlNode>] = []
            for child in item.childNodes {
                if child.isElement, child.elementName == "ul" || child.elementName == "ol" {
                    nestedLists.append(child)
                } else {
                    text.appendText(of: child)
                }
            }
            let indent = String(repeating: "  ", count: depth)
            let marker = ordered ? "\(ordinal). " : "- "
            lines.append(indent + marker + text.string)
            itemLines.append(item.line)
            lastLine = max(lastLine, text.lastLine, item.line)
            ordinal += 1
            for nested in nestedLists { collectList(nested, depth: depth + 1, into: &lines, itemLines: &itemLines, lastLine: &lastLine) }
        }
    }

    private func cells(of row: UnsafeMutablePointer<xmlNode>) -> (texts: [String], allHeaders: Bool) {
        var texts: [String] = []
        var allHeaders = true
        for cell in row.childNodes where cell.isElement && (cell.elementName == "td" || cell.elementName == "th") {
            var text = InlineTextBuffer()
            text.appendText(of: cell)
            texts.append(text.string)
            if cell.elementName != "th" { allHeaders = false }
        }
        return (texts, allHeaders && !texts.isEmpty)
    }

    private mutating func visitTable(_ node: UnsafeMutablePointer<xmlNode>) {
        var rows: [UnsafeMutablePointer<xmlNode>] = []
        var headerRows: [UnsafeMutablePointer<xmlNode>] = []
        func gather(_ parent: UnsafeMutablePointer<xmlNode>, inHead: Bool) {
            for child in parent.childNodes where child.isElement {
                switch child.elementName {
                case "tr": if inHead { headerRows.append(child) } else { rows.append(child) }
                case "thead": gather(child, inHead: true)
                case "tbody", "tfoot": gather(child, inHead: false)
                default: break
                }
            }
        }
        gather(node, inHead: false)
        var header: [String] = []
        if let first = headerRows.first {
            header = cells(of: first).texts
        } else if let first = rows.first, cells(of: first).allHeaders {
            header = cells(of: first).texts
            rows.removeFirst()
        }
        var bodyRows: [String] = []
        var rowLines: [Int] = []
        var lastLine = node.line
        for row in rows {
            let rowCells = cells(of: row).texts
            if rowCells.allSatisfy(\.isEmpty) { continue }
            bodyRows.append(rowCells.joined(separator: " | "))
            rowLines.append(row.line)
            lastLine = max(lastLine, row.line)
        }
        if header.isEmpty && bodyRows.isEmpty { return }
        blocks.append(Block(kind: .table, text: header.joined(separator: " | "), rows: bodyRows, lineStart: node.line, lineEnd: lastLine, partLines: rowLines))
    }

    /// `<details><summary>Question</summary>answer…</details>` becomes one FAQ block.
    private mutating func visitDetails(_ node: UnsafeMutablePointer<xmlNode>) {
        var question = InlineTextBuffer()
        var answer = InlineTextBuffer()
        for child in node.childNodes {
            if child.isElement, child.elementName == "summary" {
                question.appendText(of: child)
            } else {
                answer.appendText(of: child)
            }
        }
        let text = [question.string, answer.string].filter { !$0.isEmpty }.joined(separator: "\n")
        if !text.isEmpty {
            blocks.append(Block(kind: .faq, text: text, lineStart: node.line, lineEnd: max(node.line, answer.lastLine, question.lastLine)))
        }
    }

    /// `<dl>`: each `<dt>` with the `<dd>`s after it becomes one FAQ block.
    private mutating func visitDefinitionList(_ node: UnsafeMutablePointer<xmlNode>) {
        var term = InlineTextBuffer()
        var definitions = InlineTextBuffer()
        var startLine = node.line
        func flush(_ blocks: inout [Block]) {
            let text = [term.string, definitions.string].filter { !$0.isEmpty }.joined(separator: "\n")
            if !text.isEmpty {
                blocks.append(Block(kind: .faq, text: text, lineStart: startLine, lineEnd: max(startLine, definitions.lastLine, term.lastLine)))
            }
            term.reset()
            definitions.reset()
        }
        for child in node.childNodes where child.isElement {
            switch child.elementName {
            case "dt":
                if !definitions.isEmpty { flush(&blocks) }
                if term.isEmpty { startLine = child.line } else { term.appendSpace() }
                term.appendText(of: child)
            case "dd":
                if !definitions.isEmpty { definitions.appendNewline() }
                definitions.appendText(of: child)
            case "div":
                // WHATWG allows <div> wrappers around dt/dd groups.
                for grandchild in child.childNodes where grandchild.isElement {
                    if grandchild.elementName == "dt" {
                        if !definitions.isEmpty { flush(&blocks) }
                        if term.isEmpty { startLine = grandchild.line }
                        term.appendText(of: grandchild)
                    } else if grandchild.elementName == "dd" {
                        definitions.appendText(of: grandchild)
                    }
                }
            default: break
            }
        }
        flush(&blocks)
    }
}
