import SupportKit

/// The metadata fields every source format provides, each with where it was found.
struct ArticleFields: Equatable {
    var id: Located<String>?
    var title: Located<String>?
    var category: Located<String>?
    var tags: [String] = []
    var url: Located<String>?
    /// The front-matter marker that says the page is not published (`draft: true`), when there is one.
    var skip: String?
    /// A front-matter key that looks like a category (`categories`, `category_name`) but is not a configured
    /// category field: named in the error when no category is found.
    var unmappedCategoryKey: String?
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
    /// How front matter names the category and marks unpublished pages.
    public var frontMatter: FrontMatterMapping

    public init(relativePath: String, categories: CategorySet = .default, frontMatter: FrontMatterMapping = FrontMatterMapping()) {
        self.relativePath = relativePath
        self.categories = categories
        self.frontMatter = frontMatter
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
        if let skip = fields.skip {
            throw SkippedDocument(path: context.relativePath, reason: skip)
        }
        let categories = context.categories
        let mapping = context.frontMatter
        let category: String
        // Precedence: the document's own field, then its folder, then the configured default.
        if let given = fields.category {
            let name = given.value.trimmingWhitespace()
            guard let resolved = mapping.resolve(name, in: categories) else {
                throw InputError(
                    given.location, field: "category", problem: "unknown category \"\(name)\"",
                    remedy: "expected one of \(categories.listed) (or add it to `categories`, or map it in `ingest.front_matter.category_aliases`, in supportkit.yaml)")
            }
            category = resolved
        } else if let folder = context.firstFolder, let resolved = mapping.resolve(folder, in: categories) {
            category = resolved
        } else if let fallback = mapping.defaultCategory {
            category = fallback
        } else {
            let folderNote = context.firstFolder.map { ", and the folder \"\($0)\" is not a category" } ?? " and the file is in no category folder"
            let hint = fields.unmappedCategoryKey.map {
                "; the front matter has `\($0)`: to read it, set `ingest.front_matter.category_field: \($0)` in supportkit.yaml"
            } ?? ""
            throw InputError(
                start, field: "category", problem: "missing\(folderNote)\(hint)",
                remedy: "\(categoryRemedy) to one of \(categories.listed), or set `ingest.front_matter.default_category`")
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
