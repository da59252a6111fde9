import Foundation
import SupportKit
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
    }

    static let knownIngestKeys: Set<String> = ["max_tokens", "overlap_tokens", "max_file_mb", "batch_size"]

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
            default:
                throw InputError(Self.location(ingestKey, path), field: "ingest.\(name)", problem: "unknown setting",
                                 remedy: "expected one of \(Self.knownIngestKeys.sorted().joined(separator: ", "))")
            }
        }
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
