import Foundation
import Yams

/// A section of `supportkit.yaml` (or a part of one) that decodes over its defaults: a key the file leaves out
/// keeps the value `init()` gives it. A setting is therefore declared once, as a property with its default and a
/// `CodingKeys` case; the synthesized `Decodable` reads it, ``SettingsFile/decode(_:section:)`` checks for
/// unknown keys, places errors at their line and column, and runs ``validate()``.
public protocol SettingsSection: Codable, Sendable {
    /// Every setting at its default.
    init()
    /// The keys the section accepts, by the dotted path of the mapping that holds them (`""` for the section
    /// itself, `retrieval` for `assistant.retrieval`). Mappings without an entry (free-form lists and maps) are
    /// not checked.
    static var knownKeys: [String: Set<String>] { get }
    /// Where a user reads about the section's settings (`docs/assistant.md`), for the errors' remedies.
    static var documentation: String { get }
    /// Checks values that decode fine but cannot work.
    ///
    /// - Throws: ``SettingProblem`` naming the setting, which the reader reports at the value's line.
    func validate() throws(SettingProblem)
}

extension SettingsSection {
    public func validate() throws(SettingProblem) {}
}

/// A value that decodes but cannot work, found by ``SettingsSection/validate()``.
public struct SettingProblem: Error, Sendable, Equatable {
    /// The setting's dotted path inside its section (`retrieval.k`).
    public var key: String
    /// What is wrong (`must be at least 1`).
    public var problem: String
    /// What to do, when the section's documentation is not the best answer (`write e.g. `concurrency: 1``).
    public var remedy: String?

    /// A problem with the setting at `key`.
    public init(_ key: String, _ problem: String, remedy: String? = nil) {
        self.key = key
        self.problem = problem
        self.remedy = remedy
    }
}

extension Node {
    /// The place of the node in the file at `path` (1-based line and column).
    public func location(in path: String) -> SourceLocation {
        SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// The node at `keys` below this one, or the deepest node on the way that exists (so an error about a setting
    /// the file leaves out points at its parent).
    public func descendant(_ keys: [String]) -> Node {
        var node = self
        for key in keys {
            if let index = Int(key), let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let child = node.mapping?[key] {
                node = child
            } else {
                break
            }
        }
        return node
    }
}

extension SettingsFile {
    /// The section `name` decoded over `Section()`'s defaults; the defaults when the file has no such section.
    ///
    /// - Throws: `InputError` at `path:line:col` for a section that is not a mapping, an unknown key, a value of the
    ///   wrong type, or a value ``SettingsSection/validate()`` refuses.
    public func decode<Section: SettingsSection>(_ type: Section.Type, section name: String) throws(InputError) -> Section {
        // A section with nothing under it (`eval:`) is the defaults, as a missing one is.
        guard let node = section(name), node.scalar.flatMap(NSNull.construct(from:)) == nil else { return Section() }
        return try Self.decode(type, from: node, field: name, path: path)
    }

    /// `node`, a mapping of `field` in the file at `path`, decoded over `Section()`'s defaults (see
    /// ``decode(_:section:)``).
    public static func decode<Section: SettingsSection>(
        _ type: Section.Type, from node: Node, field: String, path: String
    ) throws(InputError) -> Section {
        let docs = Section.documentation
        guard let mapping = node.mapping else {
            throw InputError(node.location(in: path), field: field, problem: "expected a mapping of settings", remedy: "see \(docs) for the keys")
        }
        try checkKeys(mapping, at: "", known: Section.knownKeys, field: field, path: path)
        let value: Section
        do {
            let defaults = try Yams.compose(yaml: try YAMLEncoder().encode(Section())) ?? Node.mapping(Node.Mapping([]))
            value = try YAMLDecoder().decode(Section.self, from: merge(node, over: defaults, at: "", known: Section.knownKeys))
        } catch let error as DecodingError {
            throw InputError(decoding: error, root: node, field: field, path: path, documentation: docs)
        } catch {
            throw InputError(node.location(in: path), field: field, problem: "\(error)", remedy: "see \(docs)")
        }
        do {
            try value.validate()
        } catch {
            let keys = error.key.split(separator: ".").map(String.init)
            throw InputError(
                node.descendant(keys).location(in: path), field: SettingsFile.field([field] + keys), problem: error.problem,
                remedy: error.remedy ?? "see \(docs) for allowed values")
        }
        return value
    }

    /// The file's mapping laid over the defaults: the section's own mappings (those with known keys) merge key by
    /// key; anything else the file gives, lists and free-form maps included, replaces the default whole.
    private static func merge(_ node: Node, over defaults: Node, at keyPath: String, known: [String: Set<String>]) -> Node {
        guard known[keyPath] != nil, let mapping = node.mapping, var merged = defaults.mapping else { return node }
        for (key, value) in mapping {
            let name = key.string ?? ""
            let nested = keyPath.isEmpty ? name : "\(keyPath).\(name)"
            merged[name] = merged[name].map { merge(value, over: $0, at: nested, known: known) } ?? value
        }
        return .mapping(merged)
    }

    private static func checkKeys(
        _ mapping: Node.Mapping, at keyPath: String, known: [String: Set<String>], field: String, path: String
    ) throws(InputError) {
        guard let accepted = known[keyPath] else { return }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let nested = keyPath.isEmpty ? key : "\(keyPath).\(key)"
            guard accepted.contains(key) else {
                throw InputError(
                    keyNode.location(in: path), field: "\(field).\(nested)", problem: "unknown setting",
                    remedy: "expected one of \(accepted.sorted().joined(separator: ", "))")
            }
            guard known[nested] != nil else { continue }
            guard let inner = value.mapping else {
                throw InputError(value.location(in: path), field: "\(field).\(nested)", problem: "expected a mapping", remedy: "indent the settings of \(key) under it")
            }
            try checkKeys(inner, at: nested, known: known, field: field, path: path)
        }
    }
}

extension SettingsFile {
    /// A setting's name for messages: keys joined by dots, list positions in brackets (`eval.slices[1]`).
    static func field(_ components: [String]) -> String {
        components.reduce(into: "") { name, component in
            if Int(component) != nil {
                name += "[\(component)]"
            } else {
                name += name.isEmpty ? component : "." + component
            }
        }
    }
}

extension InputError {
    /// A decoding error placed at the node its coding path reaches below `root` (the section `field`).
    public init(decoding error: DecodingError, root: Node, field: String, path: String, documentation: String) {
        let context: DecodingError.Context
        let problem: String
        switch error {
        case .typeMismatch(let type, let c): context = c; problem = "expected \(Self.readable(type))"
        case .valueNotFound(let type, let c): context = c; problem = "expected \(Self.readable(type))"
        case .keyNotFound(let key, let c):
            // Named as the setting it is (`eval.judge.model: missing`), placed at the mapping that lacks it.
            context = DecodingError.Context(codingPath: c.codingPath + [key], debugDescription: c.debugDescription)
            problem = "missing"
        case .dataCorrupted(let c): context = c; problem = c.debugDescription
        @unknown default:
            self.init(root.location(in: path), field: field, problem: "invalid", remedy: "see \(documentation)")
            return
        }
        let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
        let dotted = SettingsFile.field([field] + keys)
        self.init(
            root.descendant(keys).location(in: path), field: dotted, problem: problem,
            remedy: "see \(documentation) for the setting's type and default")
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
