import Foundation
import SupportKit
import SupportKitParsing
import Yams

/// The sections of `supportkit.yaml` that the CLI itself reads (the assistant and eval sections are read by
/// their own modules). Flags win over the file; the file wins over these defaults.
struct ProjectSettings: Sendable {
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

    static let knownSections: Set<String> = ["categories", "store", "embedder", "model_dir", "ingest", "assistant", "eval", "server"]
    static let knownIngestKeys: Set<String> = ["max_tokens", "overlap_tokens", "max_file_mb", "batch_size"]

    /// Reads `path`; defaults when the file does not exist.
    ///
    /// - Throws: `InputError` at `path:line:col` for unknown keys or values of the wrong type.
    static func load(path: String) throws -> ProjectSettings {
        var settings = ProjectSettings()
        guard FileManager.default.fileExists(atPath: path) else { return settings }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError(SourceLocation(path: path), field: "file", problem: "unreadable or not UTF-8", remedy: "check the settings file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let (mark, problem) = error.markAndProblem
            throw InputError(SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1), field: "yaml",
                             problem: "invalid YAML: \(problem)", remedy: "fix the syntax at this place")
        }
        guard let root else { return settings }
        guard let mapping = root.mapping else {
            throw InputError(location(root, path), field: "settings", problem: "expected `key: value` settings", remedy: "see the README's Configuration section")
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "categories":
                guard let list = value.sequence, !list.isEmpty else {
                    throw InputError(location(value, path), field: "categories", problem: "expected a non-empty list of names",
                                     remedy: "write `categories: [account, orders, billing]`")
                }
                settings.categories = CategorySet(try list.map { try string($0, field: "categories", path) })
            case "store": settings.store = try string(value, field: "store", path)
            case "embedder": settings.embedder = try string(value, field: "embedder", path)
            case "model_dir": settings.modelDir = try string(value, field: "model_dir", path)
            case "ingest":
                guard let section = value.mapping else {
                    throw InputError(location(value, path), field: "ingest", problem: "expected a mapping", remedy: "indent the ingest settings under `ingest:`")
                }
                for (ingestKey, ingestValue) in section {
                    let name = ingestKey.string ?? ""
                    switch name {
                    case "max_tokens": settings.ingest.maxTokens = try int(ingestValue, field: "ingest.max_tokens", range: 32...512, path)
                    case "overlap_tokens": settings.ingest.overlapTokens = try int(ingestValue, field: "ingest.overlap_tokens", range: 0...128, path)
                    case "batch_size": settings.ingest.batchSize = try int(ingestValue, field: "ingest.batch_size", range: 1...4096, path)
                    case "max_file_mb":
                        guard let number = ingestValue.float, number > 0 else {
                            throw InputError(location(ingestValue, path), field: "ingest.max_file_mb", problem: "expected a positive number", remedy: "write e.g. `max_file_mb: 10`")
                        }
                        settings.ingest.maxFileMB = number
                    default:
                        throw InputError(location(ingestKey, path), field: "ingest.\(name)", problem: "unknown setting",
                                         remedy: "expected one of \(knownIngestKeys.sorted().joined(separator: ", "))")
                    }
                }
            default:
                guard knownSections.contains(key) else {
                    throw InputError(location(keyNode, path), field: key, problem: "unknown setting",
                                     remedy: "expected one of \(knownSections.sorted().joined(separator: ", "))")
                }
            }
        }
        return settings
    }

    private static func location(_ node: Node, _ path: String) -> SourceLocation {
        SourceLocation(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
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
