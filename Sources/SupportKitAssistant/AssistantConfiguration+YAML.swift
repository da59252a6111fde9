import Foundation
import SupportKit
import Yams

extension AssistantConfiguration {
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
        self = try Self.decode(file)
    }

    private static func decode(_ file: SettingsFile) throws -> AssistantConfiguration {
        let path = file.path
        guard let section = file.section("assistant") else { return AssistantConfiguration() }
        guard let sectionMapping = section.mapping else {
            throw InputError(YAMLPlaces.location(of: section, path: path), field: "assistant", problem: "expected a mapping of settings", remedy: "see docs/assistant.md for the keys")
        }
        try checkKeys(sectionMapping, section: "", path: path)
        let configuration: AssistantConfiguration
        do {
            configuration = try YAMLDecoder().decode(AssistantConfiguration.self, from: section)
        } catch let error as DecodingError {
            throw YAMLPlaces.inputError(for: error, root: section, prefix: "assistant", path: path)
        }
        do {
            try configuration.validate()
        } catch let error as SupportKitError {
            throw InputError(YAMLPlaces.location(of: section, path: path), field: "assistant", problem: error.message, remedy: "see docs/assistant.md for allowed values")
        }
        return configuration
    }

    private static func checkKeys(_ mapping: Node.Mapping, section: String, path: String) throws {
        let known = knownKeys[section] ?? []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let field = section.isEmpty ? "assistant.\(key)" : "assistant.\(section).\(key)"
            guard known.contains(key) else {
                throw InputError(
                    YAMLPlaces.location(of: keyNode, path: path), field: field, problem: "unknown setting",
                    remedy: "expected one of \(known.sorted().joined(separator: ", "))")
            }
            if section.isEmpty {
                guard let nested = value.mapping else {
                    throw InputError(YAMLPlaces.location(of: value, path: path), field: field, problem: "expected a mapping", remedy: "indent the settings of \(key) under it")
                }
                try checkKeys(nested, section: key, path: path)
            }
        }
    }
}

/// Maps YAML nodes and decoding errors to places in the file.
enum YAMLPlaces {
    static func location(of node: Node, path: String) -> SourceLocation {
        SourceLocation(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// The node reached by a decoding error's coding path, for its line.
    static func inputError(for error: DecodingError, root: Node, prefix: String, path: String) -> InputError {
        let context: DecodingError.Context
        let problem: String
        switch error {
        case .typeMismatch(let type, let c): context = c; problem = "expected \(readable(type))"
        case .valueNotFound(let type, let c): context = c; problem = "expected \(readable(type))"
        case .keyNotFound(let key, let c): context = c; problem = "missing \(key.stringValue)"
        case .dataCorrupted(let c): context = c; problem = c.debugDescription
        @unknown default: return InputError(location(of: root, path: path), field: prefix, problem: "invalid", remedy: "see docs/assistant.md")
        }
        var node = root
        for key in context.codingPath {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let child = node.mapping?[key.stringValue] {
                node = child
            }
        }
        let field = ([prefix] + context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }).joined(separator: ".")
        return InputError(location(of: node, path: path), field: field, problem: problem, remedy: "see docs/assistant.md for the setting's type and default")
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type: "a number"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        case is [String].Type: "a list of strings"
        default: "\(type)"
        }
    }
}
