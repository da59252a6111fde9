import Foundation
import SupportKit
import SupportKitParsing
import Yams

/// The sections of `supportkit.yaml` that the CLI itself reads (the assistant and eval sections are read by
/// their own modules). Flags win over the file; the file wins over these defaults.
struct ProjectSettings: Sendable {
    init() {}

    var categories = CategorySet.default
    var store: String?
    var embedder: String?
    var modelDir: String?
    var ingest = IngestSettings()

    /// `ingest:`, read through the shared settings reader (defaults for what the file leaves out, unknown keys
    /// and bad values reported at their line).
    struct IngestSettings: SettingsSection, Hashable {
        var maxTokens = 200
        var overlapTokens = 32
        var maxFileMB = 10.0
        var batchSize = 256
        /// Seconds one document's chunking may take before it is skipped with an error.
        var chunkTimeLimit = 10.0
        /// Megabytes of chunk text one document may produce before it is skipped with an error.
        var chunkMemoryMB = 256
        var frontMatterSettings = FrontMatterSettings()
        var include: TextList = []
        var exclude: TextList = []

        /// How front matter maps to a document's fields.
        var frontMatter: FrontMatterMapping { frontMatterSettings.mapping }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case include, exclude
            case maxTokens = "max_tokens", overlapTokens = "overlap_tokens", maxFileMB = "max_file_mb", batchSize = "batch_size"
            case chunkTimeLimit = "chunk_time_limit", chunkMemoryMB = "chunk_memory_mb", frontMatterSettings = "front_matter"
        }

        static let knownKeys: [String: Set<String>] = [
            "": Set(CodingKeys.allCases.map(\.rawValue)),
            "front_matter": Set(FrontMatterSettings.CodingKeys.allCases.map(\.rawValue)),
        ]
        static let documentation = "the README's Configuration section"

        func validate() throws(SettingProblem) {
            func wholeNumber(_ value: Int, _ key: String, _ range: ClosedRange<Int>) throws(SettingProblem) {
                guard range.contains(value) else {
                    throw SettingProblem(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
            }
            try wholeNumber(maxTokens, "max_tokens", 32...512)
            try wholeNumber(overlapTokens, "overlap_tokens", 0...128)
            try wholeNumber(batchSize, "batch_size", 1...4096)
            try wholeNumber(chunkMemoryMB, "chunk_memory_mb", 1...65_536)
            if maxFileMB <= 0 { throw SettingProblem("max_file_mb", "expected a positive number") }
            if chunkTimeLimit <= 0 { throw SettingProblem("chunk_time_limit", "expected a positive number of seconds") }
        }
    }

    /// `ingest.front_matter`: which field holds the category, aliases, a default, and unpublished markers.
    struct FrontMatterSettings: Codable, Sendable, Hashable {
        var categoryField = TextList(FrontMatterMapping.defaultCategoryFields)
        var categoryAliases: [String: String] = [:]
        var defaultCategory: String?
        var skipWhen = FrontMatterMapping.defaultSkipWhen

        enum CodingKeys: String, CodingKey, CaseIterable {
            case categoryField = "category_field", categoryAliases = "category_aliases", defaultCategory = "default_category"
            case skipWhen = "skip_when"
        }

        var mapping: FrontMatterMapping {
            FrontMatterMapping(
                categoryFields: categoryField.values, categoryAliases: categoryAliases, defaultCategory: defaultCategory, skipWhen: skipWhen)
        }
    }

    /// The CLI's sections of the settings file; the `assistant:` and `eval:` sections are read by their modules.
    ///
    /// - Throws: `InputError` at `path:line:col` for unknown keys or values of the wrong type.
    init(_ file: SettingsFile) throws {
        let path = file.path
        if let value = file.section("categories") {
            guard let list = value.sequence, !list.isEmpty else {
                throw InputError(value.location(in: path), field: "categories", problem: "expected a non-empty list of names",
                                 remedy: "write `categories: [account, orders, billing]`")
            }
            categories = CategorySet(try list.map { try Self.string($0, field: "categories", path) })
        }
        store = try file.section("store").map { try Self.string($0, field: "store", path) }
        embedder = try file.section("embedder").map { try Self.string($0, field: "embedder", path) }
        modelDir = try file.section("model_dir").map { try Self.string($0, field: "model_dir", path) }
        ingest = try file.decode(IngestSettings.self, section: "ingest")
        try checkCategories(file)
    }

    /// The front matter's default category and alias targets must be configured categories.
    private func checkCategories(_ file: SettingsFile) throws {
        let section = file.section("ingest")
        func place(_ keys: [String]) -> SourceLocation {
            (section?.descendant(["front_matter"] + keys) ?? section)?.location(in: file.path) ?? SourceLocation(path: file.path)
        }
        let frontMatter = ingest.frontMatterSettings
        for (alias, target) in frontMatter.categoryAliases.sorted(by: { $0.key < $1.key }) where !categories.contains(target) {
            throw InputError(place(["category_aliases", alias]), field: "ingest.front_matter.category_aliases.\(alias)", problem: "unknown category \"\(target)\"",
                             remedy: "expected one of \(categories.listed)")
        }
        if let name = frontMatter.defaultCategory, !categories.contains(name) {
            throw InputError(place(["default_category"]), field: "ingest.front_matter.default_category", problem: "unknown category \"\(name)\"",
                             remedy: "expected one of \(categories.listed)")
        }
    }

    private static func string(_ node: Node, field: String, _ path: String) throws -> String {
        guard let value = node.scalar?.string, !value.isEmpty else {
            throw InputError(node.location(in: path), field: field, problem: "expected a text value", remedy: "write `\(field): value`")
        }
        return value
    }
}
