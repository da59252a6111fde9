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

    struct IngestSettings: Sendable, Hashable {
        var maxTokens = 200
        var overlapTokens = 32
        var maxFileMB = 10.0
        var batchSize = 256
        /// Seconds one document's chunking may take before it is skipped with an error.
        var chunkTimeLimit = 10.0
        /// Megabytes of chunk text one document may produce before it is skipped with an error.
        var chunkMemoryMB = 256
        var frontMatter = FrontMatterMapping()
        var include: [String] = []
        var exclude: [String] = []
    }

    static let knownIngestKeys: Set<String> = [
        "max_tokens", "overlap_tokens", "max_file_mb", "batch_size", "chunk_time_limit", "chunk_memory_mb", "front_matter",
        "include", "exclude",
    ]
    static let knownFrontMatterKeys: Set<String> = ["category_field", "category_aliases", "default_category", "skip_when"]

    /// The CLI's sections of the settings file; the `assistant:` and `eval:` sections are read by their modules.
    ///
    /// - Throws: `InputError` at `path:line:col` for unknown keys or values of the wrong type.
    init(_ file: SettingsFile) throws {
        let path = file.path
        if let value = file.section("categories") {
            guard let list = value.sequence, !list.isEmpty else {
                throw InputError(Self.location(value, path), field: "categories", problem: "expected a non-empty list of names",
                                 remedy: "write `categories: [account, orders, billing]`")
            }
            categories = CategorySet(try list.map { try Self.string($0, field: "categories", path) })
        }
        store = try file.section("store").map { try Self.string($0, field: "store", path) }
        embedder = try file.section("embedder").map { try Self.string($0, field: "embedder", path) }
        modelDir = try file.section("model_dir").map { try Self.string($0, field: "model_dir", path) }
        guard let value = file.section("ingest") else { return }
        guard let section = value.mapping else {
            throw InputError(Self.location(value, path), field: "ingest", problem: "expected a mapping", remedy: "indent the ingest settings under `ingest:`")
        }
        for (ingestKey, ingestValue) in section {
            let name = ingestKey.string ?? ""
            switch name {
            case "max_tokens": ingest.maxTokens = try Self.int(ingestValue, field: "ingest.max_tokens", range: 32...512, path)
            case "overlap_tokens": ingest.overlapTokens = try Self.int(ingestValue, field: "ingest.overlap_tokens", range: 0...128, path)
            case "batch_size": ingest.batchSize = try Self.int(ingestValue, field: "ingest.batch_size", range: 1...4096, path)
            case "max_file_mb":
                guard let number = ingestValue.float, number > 0 else {
                    throw InputError(Self.location(ingestValue, path), field: "ingest.max_file_mb", problem: "expected a positive number", remedy: "write e.g. `max_file_mb: 10`")
                }
                ingest.maxFileMB = number
            case "chunk_time_limit":
                guard let number = ingestValue.float, number > 0 else {
                    throw InputError(Self.location(ingestValue, path), field: "ingest.chunk_time_limit", problem: "expected a positive number of seconds",
                                     remedy: "write e.g. `chunk_time_limit: 10`")
                }
                ingest.chunkTimeLimit = number
            case "chunk_memory_mb": ingest.chunkMemoryMB = try Self.int(ingestValue, field: "ingest.chunk_memory_mb", range: 1...65_536, path)
            case "include": ingest.include = try Self.strings(ingestValue, field: "ingest.include", path)
            case "exclude": ingest.exclude = try Self.strings(ingestValue, field: "ingest.exclude", path)
            case "front_matter": ingest.frontMatter = try Self.frontMatter(ingestValue, categories: categories, path)
            default:
                throw InputError(Self.location(ingestKey, path), field: "ingest.\(name)", problem: "unknown setting",
                                 remedy: "expected one of \(Self.knownIngestKeys.sorted().joined(separator: ", "))")
            }
        }
    }

    /// `ingest.front_matter`: which field holds the category, aliases, a default, and unpublished markers.
    private static func frontMatter(_ node: Node, categories: CategorySet, _ path: String) throws -> FrontMatterMapping {
        guard let section = node.mapping else {
            throw InputError(location(node, path), field: "ingest.front_matter", problem: "expected a mapping",
                             remedy: "indent the front matter settings under `front_matter:`")
        }
        var mapping = FrontMatterMapping()
        for (keyNode, value) in section {
            let key = keyNode.string ?? ""
            let field = "ingest.front_matter.\(key)"
            switch key {
            case "category_field":
                mapping.categoryFields = value.sequence != nil ? try strings(value, field: field, path) : [try string(value, field: field, path)]
            case "category_aliases":
                guard let aliases = value.mapping else {
                    throw InputError(location(value, path), field: field, problem: "expected a mapping of name: category",
                                     remedy: "write e.g. `category_aliases: {Search Privacy: privacy}`")
                }
                for (aliasNode, targetNode) in aliases {
                    let alias = try string(aliasNode, field: field, path)
                    let target = try string(targetNode, field: "\(field).\(alias)", path)
                    guard categories.contains(target) else {
                        throw InputError(location(targetNode, path), field: "\(field).\(alias)", problem: "unknown category \"\(target)\"",
                                         remedy: "expected one of \(categories.listed)")
                    }
                    mapping.categoryAliases[alias] = target
                }
            case "default_category":
                let name = try string(value, field: field, path)
                guard categories.contains(name) else {
                    throw InputError(location(value, path), field: field, problem: "unknown category \"\(name)\"", remedy: "expected one of \(categories.listed)")
                }
                mapping.defaultCategory = name
            case "skip_when":
                guard let markers = value.mapping else {
                    throw InputError(location(value, path), field: field, problem: "expected a mapping of field: true/false",
                                     remedy: "write e.g. `skip_when: {draft: true, published: false}`")
                }
                mapping.skipWhen = [:]
                for (markerNode, flag) in markers {
                    let marker = try string(markerNode, field: field, path)
                    guard let bool = flag.bool else {
                        throw InputError(location(flag, path), field: "\(field).\(marker)", problem: "expected true or false", remedy: "write `\(marker): true`")
                    }
                    mapping.skipWhen[marker] = bool
                }
            default:
                throw InputError(location(keyNode, path), field: field, problem: "unknown setting",
                                 remedy: "expected one of \(knownFrontMatterKeys.sorted().joined(separator: ", "))")
            }
        }
        return mapping
    }

    private static func strings(_ node: Node, field: String, _ path: String) throws -> [String] {
        if node.scalar != nil { return [try string(node, field: field, path)] }
        guard let list = node.sequence else {
            throw InputError(location(node, path), field: field, problem: "expected a list of text values", remedy: "write `\(field.split(separator: ".").last ?? ""): [a, b]`")
        }
        return try list.map { try string($0, field: field, path) }
    }

    private static func location(_ node: Node, _ path: String) -> SourceLocation {
        SettingsFile.location(of: node, path: path)
    }

    private static func string(_ node: Node, field: String, _ path: String) throws -> String {
        guard let value = node.scalar?.string, !value.isEmpty else {
            throw InputError(location(node, path), field: field, problem: "expected a text value", remedy: "write `\(field): value`")
        }
        return value
    }

    private static func int(_ node: Node, field: String, range: ClosedRange<Int>, _ path: String) throws -> Int {
        guard let value = node.int, range.contains(value) else {
            throw InputError(location(node, path), field: field, problem: "expected a whole number from \(range.lowerBound) to \(range.upperBound)",
                             remedy: "fix the value")
        }
        return value
    }
}
