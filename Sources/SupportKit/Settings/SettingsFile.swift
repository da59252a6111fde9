import Foundation
import Yams

/// `supportkit.yaml`, read once per command: the one place that opens the settings file, parses its YAML, maps
/// YAML errors to `path:line:col`, and refuses unknown sections.
///
/// Each part of supportkit reads its own section from here: `ProjectSettings` (the CLI's `categories`, `store`,
/// `embedder`, `model_dir`, `ingest`), `AssistantConfiguration(settings:)` (`assistant`), `EvalSettings(settings:)`
/// (`eval`). A section's unknown keys are errors of that section's reader, at their line and column.
public struct SettingsFile {
    /// The sections a settings file may have.
    public static let sections = ["categories", "store", "embedder", "model_dir", "ingest", "assistant", "eval"]

    /// The file as given (`supportkit.yaml` or `--config FILE`).
    public let path: String
    /// Whether the file exists (a missing file means every default).
    public let exists: Bool
    private let mapping: Node.Mapping?

    /// Settings with every default, as for a missing file.
    public init(path: String = "supportkit.yaml") {
        self.path = path
        exists = false
        mapping = nil
    }

    /// Reads `path`; a file that does not exist gives every default.
    ///
    /// - Throws: `InputError` at `path:line:col` for unreadable text, invalid YAML, a top level that is not a
    ///   mapping, or an unknown section.
    public static func load(path: String) throws(InputError) -> SettingsFile {
        guard let data = FileManager.default.contents(atPath: path) else { return SettingsFile(path: path) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(SourceLocation(path: path), field: "file", problem: "not UTF-8 text", remedy: "save the settings file as UTF-8")
        }
        return try parse(yaml: text, path: path)
    }

    /// Parses settings text (see `load(path:)`).
    public static func parse(yaml text: String, path: String) throws(InputError) -> SettingsFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw InputError(yamlError: error, path: path, text: text)
        }
        guard let root else { return SettingsFile(path: path, mapping: nil) }
        guard let mapping = root.mapping else {
            throw InputError(root.location(in: path), field: "settings", problem: "expected `key: value` settings",
                             remedy: "see the README's Configuration section")
        }
        for (key, _) in mapping where !sections.contains(key.string ?? "") {
            throw InputError(key.location(in: path), field: key.string ?? "", problem: "unknown setting",
                             remedy: "expected one of \(sections.sorted().joined(separator: ", "))")
        }
        return SettingsFile(path: path, mapping: mapping)
    }

    private init(path: String, mapping: Node.Mapping?) {
        self.path = path
        exists = true
        self.mapping = mapping
    }

    /// The section's node, nil when the file does not have it.
    public func section(_ name: String) -> Node? {
        mapping?[name]
    }
}
