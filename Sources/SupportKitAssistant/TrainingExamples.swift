import Foundation
import SupportKit
import Yams

/// Labeled texts for training the local classifier, from YAML or JSONL (the formats in ARCHITECTURE.md).
///
/// YAML holds `intents:` and optionally `categories:`, each a mapping from label to a list of texts. JSONL
/// holds one `{"text", "intent", "category"}` object per line, either label optional.
public struct TrainingExamples: Sendable, Hashable {
    /// One labeled text and where it came from.
    public struct Example: Sendable, Hashable {
        public var text: String
        public var label: String
        public var location: SourceLocation

        /// An example `text` labeled `label`, found at `location`.
        public init(text: String, label: String, location: SourceLocation) {
            self.text = text
            self.label = label
            self.location = location
        }
    }

    /// Examples for the intent head.
    public var intents: [Example]
    /// Examples for the category head; empty when the file has none.
    public var categories: [Example]

    /// Examples for the intent head and, optionally, the category head.
    public init(intents: [Example], categories: [Example] = []) {
        self.intents = intents
        self.categories = categories
    }

    /// Loads a `.yaml`/`.yml` or `.jsonl`/`.json` examples file.
    /// - Throws: `InputError` at `path:line:col` for any malformed entry; `SupportKitError` when unreadable.
    public static func load(from path: String) throws -> TrainingExamples {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SupportKitError(.invalidInput, "cannot read training examples at \(path); check the path", underlying: error)
        }
        let lowered = path.lowercased()
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".json") || lowered.hasSuffix(".ndjson") {
            return try parseJSONLines(text, path: path)
        }
        return try parseYAML(text, path: path)
    }

    /// Parses the YAML format.
    public static func parseYAML(_ text: String, path: String) throws -> TrainingExamples {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw InputError(yamlError: error, path: path)
        }
        guard let root, let mapping = root.mapping else {
            throw InputError(SourceLocation(path: path), field: "intents", problem: "expected a mapping with `intents:` (and optionally `categories:`)", remedy: "see the training format in docs/assistant.md")
        }
        for key in mapping.keys where !["intents", "categories"].contains(key.string ?? "") {
            throw InputError(key.location(in: path), field: key.string ?? "?", problem: "unknown section", remedy: "expected intents or categories")
        }
        guard let intentsNode = mapping["intents"] else {
            throw InputError(root.location(in: path), field: "intents", problem: "missing", remedy: "add `intents:` mapping each intent to a list of example messages")
        }
        let intents = try labeledTexts(intentsNode, section: "intents", path: path)
        let categories = try mapping["categories"].map { try labeledTexts($0, section: "categories", path: path) } ?? []
        return TrainingExamples(intents: intents, categories: categories)
    }

    private static func labeledTexts(_ node: Node, section: String, path: String) throws -> [Example] {
        guard let mapping = node.mapping else {
            throw InputError(node.location(in: path), field: section, problem: "expected a mapping from label to a list of texts", remedy: "write `\(section):` then `  label: [\"text\", ...]`")
        }
        var examples: [Example] = []
        for (labelNode, textsNode) in mapping {
            guard let label = labelNode.string, !label.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw InputError(labelNode.location(in: path), field: section, problem: "empty label", remedy: "name the label")
            }
            guard let sequence = textsNode.sequence else {
                throw InputError(textsNode.location(in: path), field: "\(section).\(label)", problem: "expected a list of texts", remedy: "write the examples as a YAML list")
            }
            for (index, item) in sequence.enumerated() {
                let location = item.location(in: path)
                guard let text = item.scalar?.string, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw InputError(location, field: "\(section).\(label)[\(index)]", problem: "expected a non-empty text", remedy: "write the example as a quoted string or remove it")
                }
                examples.append(Example(text: text, label: label, location: location))
            }
        }
        return examples
    }

    /// Parses the JSONL format: one object per line, blank lines skipped.
    public static func parseJSONLines(_ text: String, path: String) throws -> TrainingExamples {
        var intents: [Example] = []
        var categories: [Example] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let location = SourceLocation(path: path, line: lineNumber, column: 1)
            let object: [String: Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                    throw InputError(location, field: "line", problem: "expected a JSON object", remedy: "write {\"text\": \"...\", \"intent\": \"...\"}")
                }
                object = parsed
            } catch let error as InputError {
                throw error
            } catch {
                throw InputError(location, field: "line", problem: "not valid JSON", remedy: "write one JSON object per line")
            }
            guard let text = object["text"] as? String, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw InputError(location, field: "text", problem: "missing or empty", remedy: "give each line a non-empty \"text\"")
            }
            let intent = try optionalLabel(object, "intent", location)
            let category = try optionalLabel(object, "category", location)
            if intent == nil, category == nil {
                throw InputError(location, field: "intent", problem: "the line has neither intent nor category", remedy: "add \"intent\" or \"category\"")
            }
            if let intent { intents.append(Example(text: text, label: intent, location: location)) }
            if let category { categories.append(Example(text: text, label: category, location: location)) }
        }
        if intents.isEmpty {
            throw InputError(SourceLocation(path: path), field: "intent", problem: "no line has an intent", remedy: "label at least two intents")
        }
        return TrainingExamples(intents: intents, categories: categories)
    }

    private static func optionalLabel(_ object: [String: Any], _ key: String, _ location: SourceLocation) throws -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let string = value as? String, !string.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InputError(location, field: key, problem: "expected a non-empty string", remedy: "write the label as a string or leave it out")
        }
        return string
    }
}

extension TrainingExamples {
    /// The category labels of the examples that are not among `configured`, each with how many examples carry it
    /// and where the first one is, sorted by label: a classifier trained on them returns categories the knowledge
    /// base never has, so its category filter hides every article.
    public func categoriesOutside(_ configured: CategorySet) -> [(label: String, count: Int, first: SourceLocation)] {
        var found: [String: (count: Int, first: SourceLocation)] = [:]
        for example in categories where !configured.contains(example.label) {
            found[example.label, default: (0, example.location)].count += 1
        }
        return found.keys.sorted().compactMap { label in found[label].map { (label, $0.count, $0.first) } }
    }
}
