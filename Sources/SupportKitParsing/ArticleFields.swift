import SupportKit

/// The metadata fields every source format provides, each with where it was found.
struct ArticleFields: Equatable {
    var id: Located<String>?
    var title: Located<String>?
    var category: Located<String>?
    var tags: [String] = []
    var url: Located<String>?
}

/// A value with the place it came from, so validation errors can point at it.
struct Located<Value> {
    var value: Value
    var location: SourceLocation
}

extension Located: Equatable where Value: Equatable {}

/// What the parser knows about a file besides its bytes.
public struct ParseContext: Sendable {
    /// Path relative to the corpus root, with `/` separators (`billing/refunds.md`).
    public var relativePath: String
    /// The configured categories.
    public var categories: CategorySet

    public init(relativePath: String, categories: CategorySet = .default) {
        self.relativePath = relativePath
        self.categories = categories
    }

    /// The default document id: the relative path without its extension.
    var pathDerivedID: String {
        guard let dot = relativePath.lastIndex(of: "."), !relativePath[dot...].contains("/") else { return relativePath }
        return String(relativePath[..<dot])
    }

    /// The first folder under the corpus root, when the file is in one.
    var firstFolder: String? {
        let parts = relativePath.split(separator: "/")
        return parts.count > 1 ? String(parts[0]) : nil
    }
}

/// Turns validated fields and content blocks into a `Document`, or explains what is wrong.
struct DocumentAssembler {
    let context: ParseContext
    /// How the format spells the title, for the remedy ("add a `title` to the front matter ...").
    let titleRemedy: String
    let categoryRemedy: String

    func assemble(fields: ArticleFields, blocks: [Block], fallbackTitle: String?, start: SourceLocation, idSuffix: String? = nil) throws -> Document {
        let categories = context.categories
        let category: String
        if let given = fields.category {
            let name = given.value.trimmingWhitespace()
            guard categories.contains(name) else {
                throw InputError(
                    given.location, field: "category", problem: "unknown category \"\(name)\"",
                    remedy: "expected one of \(categories.listed) (or add it to `categories` in supportkit.yaml)")
            }
            category = name
        } else if let folder = context.firstFolder, categories.contains(folder) {
            category = folder
        } else {
            let folderNote = context.firstFolder.map { ", and the folder \"\($0)\" is not a category" } ?? " and the file is in no category folder"
            throw InputError(
                start, field: "category", problem: "missing\(folderNote)",
                remedy: "\(categoryRemedy) to one of \(categories.listed)")
        }

        let title = (fields.title?.value ?? fallbackTitle ?? "").trimmingWhitespace(includingNewlines: true)
        guard !title.isEmpty else {
            throw InputError(fields.title?.location ?? start, field: "title", problem: "missing", remedy: titleRemedy)
        }
        let hasContent = blocks.contains { !$0.isHeading && !$0.text.allSatisfy(\.isWhitespace) }
        guard hasContent else {
            throw InputError(start, field: "content", problem: "empty", remedy: "add the article's text, or remove the file")
        }
        let id: String
        if let given = fields.id?.value.trimmingWhitespace(), !given.isEmpty {
            id = given
        } else if let idSuffix {
            id = context.pathDerivedID + "/" + idSuffix
        } else {
            id = context.pathDerivedID
        }
        let tags = fields.tags.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        return Document(
            id: id, title: title, category: category, tags: tags,
            url: fields.url?.value.trimmingWhitespace(),
            sourcePath: context.relativePath, blocks: blocks)
    }
}
