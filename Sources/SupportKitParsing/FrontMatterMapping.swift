import SupportKit

/// How a help center's front matter maps to a document's fields (`ingest.front_matter` in supportkit.yaml).
///
/// The category comes from the first of `categoryFields` the front matter has (a list's first item counts, as
/// Jekyll writes `categories: [billing]`), then from the first folder under the corpus root when that folder
/// is a category, then from `defaultCategory`. Front matter wins over the folder whenever it names one. A
/// name that is not a configured category is looked up in `categoryAliases` (`Search Privacy: privacy`),
/// then compared with the categories ignoring case.
public struct FrontMatterMapping: Sendable, Hashable, Codable {
    /// Fields that hold the category, in the order they are tried.
    public var categoryFields: [String]
    /// Names teams use for a category, each mapped to a configured category.
    public var categoryAliases: [String: String]
    /// The category of documents that name none and are in no category folder; nil makes those an error.
    public var defaultCategory: String?
    /// A page whose front matter has one of these field values is skipped and counted, not an error
    /// (`published: false`, `hidden: true`, `draft: true`).
    public var skipWhen: [String: Bool]

    public static let defaultCategoryFields = ["category", "categories"]
    public static let defaultSkipWhen: [String: Bool] = ["published": false, "hidden": true, "draft": true]

    public init(
        categoryFields: [String] = Self.defaultCategoryFields, categoryAliases: [String: String] = [:],
        defaultCategory: String? = nil, skipWhen: [String: Bool] = Self.defaultSkipWhen
    ) {
        self.categoryFields = categoryFields
        self.categoryAliases = categoryAliases
        self.defaultCategory = defaultCategory
        self.skipWhen = skipWhen
    }

    /// Whether `key` in front matter is read at all (a category field or a skip marker).
    func reads(_ key: String) -> Bool {
        categoryFields.contains(key) || skipWhen[key] != nil
    }

    /// The configured category that `name` stands for: itself, an alias, or a category spelled in another case.
    func resolve(_ name: String, in categories: CategorySet) -> String? {
        if categories.contains(name) { return name }
        let folded = name.lowercased()
        if let alias = categoryAliases.first(where: { $0.key.lowercased() == folded })?.value, categories.contains(alias) { return alias }
        return categories.names.first { $0.lowercased() == folded }
    }

    /// The skip marker `key: value` matches, as `published: false`; nil when the value does not mark a skip.
    func skipReason(key: String, value: String) -> String? {
        guard let marker = skipWhen[key] else { return nil }
        let folded = value.lowercased()
        let truth: Bool
        switch folded {
        case "true", "yes", "on": truth = true
        case "false", "no", "off": truth = false
        default: return nil
        }
        return truth == marker ? "\(key): \(folded)" : nil
    }
}

/// A page the front matter marks as not published (draft, hidden): skipped and counted, not an error.
public struct SkippedDocument: Error, Sendable, Hashable, Codable {
    /// The file, relative to the corpus root.
    public var path: String
    /// What marked it, as written: `draft: true`.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
