import Foundation
import SupportKit
import Yams

extension AssistantConfiguration: SettingsSection {
    /// Where the `assistant:` settings are described.
    public static let documentation = "docs/assistant.md"

    /// Reads the `assistant:` section of a `supportkit.yaml`; defaults when the file or the section is absent.
    ///
    /// Other sections belong to other parts of supportkit and are ignored here.
    /// - Parameter path: the settings file (usually `supportkit.yaml` in the working directory).
    /// - Returns: the configuration, validated.
    /// - Throws: `InputError` at `path:line:col` for unknown keys, wrong types or values out of range.
    public static func load(from path: String) throws -> AssistantConfiguration {
        try AssistantConfiguration(settings: try SettingsFile.load(path: path))
    }

    /// Parses the `assistant:` section of settings text (see `load(from:)`).
    public static func parse(yaml text: String, path: String) throws -> AssistantConfiguration {
        try AssistantConfiguration(settings: try SettingsFile.parse(yaml: text, path: path))
    }

    /// Reads the `assistant:` section of a settings file; defaults without one.
    ///
    /// - Throws: `InputError` at `path:line:col` for unknown keys, wrong types or values out of range.
    public init(settings file: SettingsFile) throws {
        self = try file.decode(AssistantConfiguration.self, section: "assistant")
    }
}
