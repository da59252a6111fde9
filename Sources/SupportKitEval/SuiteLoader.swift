import Foundation
import SupportKit
import Yams

/// Reads labeled conversations from YAML and JSONL files (or folders of them) and validates them.
///
/// Problems are collected, not thrown one at a time: every invalid conversation is reported at its file
/// and line and left out, and the valid ones are still returned, so one typo does not hide the rest.
public struct SuiteLoader: Sendable {
    /// What the labels and document ids are checked against.
    public struct Configuration: Sendable {
        /// Intent labels the classifier can produce.
        public var intents: [String]
        /// Categories the knowledge base uses.
        public var categories: CategorySet
        /// Ids of every ingested document; nil skips the check (no store at hand).
        public var knownDocIds: Set<String>?
        /// The intent classifier's training texts, to warn about evaluation messages that repeat them.
        public var trainingExamples: [String]
        /// Word-set Jaccard similarity from which a message counts as a near repeat of a training example.
        public var overlapThreshold: Double

        /// Checks against the default intents and categories, no store, no training texts.
        public init(
            intents: [String] = DefaultIntent.all, categories: CategorySet = .default,
            knownDocIds: Set<String>? = nil, trainingExamples: [String] = [], overlapThreshold: Double = 0.8
        ) {
            self.intents = intents
            self.categories = categories
            self.knownDocIds = knownDocIds
            self.trainingExamples = trainingExamples
            self.overlapThreshold = overlapThreshold
        }
    }

    /// File extensions read from folders.
    public static let suiteExtensions: Set<String> = ["yaml", "yml", "jsonl"]

    /// What labels and document ids are checked against.
    public var configuration: Configuration

    /// A loader with `configuration`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Loads every suite file at `paths` (files, or folders searched recursively), in sorted order.
    public func load(paths: [String]) -> SuiteLoadResult {
        var errors: [InputError] = []
        var files: [String] = []
        for path in paths {
            switch Self.suiteFiles(at: path) {
            case .success(let found): files.append(contentsOf: found)
            case .failure(let error): errors.append(error)
            }
        }
        var seenFiles = Set<String>()
        files = files.filter { seenFiles.insert($0).inserted }
        var parsed: [(path: String, text: String)] = []
        for file in files {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                parsed.append((file, String(decoding: data, as: UTF8.self)))
            } catch {
                errors.append(InputError(SourceLocation(path: file), field: "file", problem: "cannot be read (\(error.localizedDescription))",
                                         remedy: "check that the file exists and is readable"))
            }
        }
        var result = load(sources: parsed)
        result.errors.insert(contentsOf: errors, at: 0)
        return result
    }

    /// Loads suites from in-memory texts; `path` decides the format (`.jsonl` is JSONL, anything else YAML).
    public func load(sources: [(path: String, text: String)]) -> SuiteLoadResult {
        var errors: [InputError] = []
        var warnings: [InputError] = []
        var conversations: [Conversation] = []
        var firstSeen: [String: SourceLocation] = [:]
        let overlap = configuration.trainingExamples.isEmpty
            ? nil : TrainingOverlapDetector(examples: configuration.trainingExamples, threshold: configuration.overlapThreshold)
        for source in sources {
            var nodes: [SuiteNode] = []
            if source.path.hasSuffix(".jsonl") {
                let parsed = Self.parseJSONL(source.text, path: source.path)
                nodes = parsed.nodes
                errors.append(contentsOf: parsed.errors)
            } else {
                do {
                    nodes = try Self.parseYAML(source.text, path: source.path)
                } catch {
                    errors.append(error)
                    continue
                }
            }
            for node in nodes {
                var problems: [InputError] = []
                // Ids are claimed before validation, so a duplicate is caught even when the first is invalid.
                if let id = node["id"]?.scalarText {
                    if let first = firstSeen[id] {
                        problems.append(InputError(
                            node["id"]?.location ?? node.location, field: "id",
                            problem: "duplicate conversation id \"\(id)\" (first at \(first))",
                            remedy: "give each conversation a unique id"))
                    } else {
                        firstSeen[id] = node.location
                    }
                }
                let conversation = validateConversation(node, problems: &problems)
                guard let conversation, problems.isEmpty else {
                    errors.append(contentsOf: problems.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
                    continue
                }
                if let overlap {
                    for (index, turn) in conversation.turns.enumerated() {
                        guard let match = overlap.match(turn.user) else { continue }
                        let how = match.isExact
                            ? "repeats" : String(format: "nearly repeats (word overlap %.2f)", match.similarity)
                        warnings.append(InputError(
                            turn.location ?? node.location, field: "turns[\(index)].user",
                            problem: "\(how) the classifier training example \"\(match.example)\"",
                            remedy: "rephrase the message or drop the example from training, or intent accuracy is inflated"))
                    }
                }
                warnings.append(contentsOf: missingDocWarnings(conversation, node: node))
                conversations.append(conversation)
            }
        }
        var result = SuiteLoadResult(
            suite: EvalSuite(conversations: conversations, files: sources.map(\.path)), errors: errors, warnings: warnings)
        if let known = configuration.knownDocIds {
            let expected = conversations.flatMap { $0.turns.flatMap { $0.expect.docs ?? [] } }
            result.missingDocIds = Array(Set(expected).subtracting(known)).sorted()
            result.missingDocExpectations = conversations.reduce(0) { count, conversation in
                count + conversation.turns.filter { ($0.expect.docs ?? []).contains { !known.contains($0) } }.count
            }
        }
        return result
    }

    /// A warning per expected document id the knowledge base lacks: the turn still counts, as a retrieval miss.
    private func missingDocWarnings(_ conversation: Conversation, node: SuiteNode) -> [InputError] {
        guard let known = configuration.knownDocIds else { return [] }
        var warnings: [InputError] = []
        for (index, turn) in conversation.turns.enumerated() {
            for id in turn.expect.docs ?? [] where !known.contains(id) {
                let suggestion = Self.closest(to: id, among: known).map { "did you mean \"\($0)\"? If not, " } ?? ""
                warnings.append(InputError(
                    turn.location ?? node.location, field: "turns[\(index)].expect.docs",
                    problem: "no ingested document has id \"\(id)\"; the turn is scored as a retrieval miss (kb_gap)",
                    remedy: "\(suggestion)ingest the article, or use an id that `supportkit search` shows"))
            }
        }
        return warnings
    }

    // MARK: - Files

    /// The suite files at `path`: the file itself, or the suite files under a folder, sorted by path.
    static func suiteFiles(at path: String) -> Result<[String], InputError> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(InputError(SourceLocation(path: path), field: "path", problem: "no such file or folder",
                                       remedy: "pass a suite file (.yaml, .yml, .jsonl) or a folder of them"))
        }
        guard isDirectory.boolValue else {
            let ext = (path as NSString).pathExtension.lowercased()
            guard suiteExtensions.contains(ext) else {
                return .failure(InputError(SourceLocation(path: path), field: "path",
                                           problem: "unsupported file type \".\(ext)\"",
                                           remedy: "use .yaml, .yml or .jsonl for conversation suites"))
            }
            return .success([path])
        }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return .success([]) }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            // Hidden files and folders (editor swap files, .git) are never suites.
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let ext = (relative as NSString).pathExtension.lowercased()
            guard suiteExtensions.contains(ext) else { continue }
            found.append(base + "/" + relative)
        }
        return .success(found.sorted())
    }

    // MARK: - Parsing

    static func parseYAML(_ text: String, path: String) throws(InputError) -> [SuiteNode] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.inputError(for: error, path: path)
        } catch {
            throw InputError(SourceLocation(path: path), field: "yaml", problem: "\(error)", remedy: "fix the YAML syntax")
        }
        guard let root else { return [] }
        let tree = try SuiteNode.make(yaml: root, path: path)
        switch tree {
        case .list(let items, _):
            return items
        case .map(_, let location) where tree["conversations"] != nil:
            guard case .list(let items, _)? = tree["conversations"] else {
                throw InputError(location, field: "conversations", problem: "not a list",
                                 remedy: "write conversations as a list of items starting with \"- id:\"")
            }
            return items
        default:
            throw InputError(tree.location, field: "suite", problem: "expected a list of conversations, found \(tree.kindName)",
                             remedy: "start each conversation with \"- id:\" at the top level")
        }
    }

    static func inputError(for error: YamlError, path: String) -> InputError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return InputError(SourceLocation(path: path, line: mark.line, column: mark.column), field: "yaml",
                              problem: detail, remedy: "fix the YAML syntax")
        default:
            return InputError(SourceLocation(path: path), field: "yaml", problem: "\(error)", remedy: "fix the YAML syntax")
        }
    }

    /// One node per non-blank line; a line that is not JSON is an error and the other lines still count.
    static func parseJSONL(_ text: String, path: String) -> (nodes: [SuiteNode], errors: [InputError]) {
        var nodes: [SuiteNode] = []
        var errors: [InputError] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            let location = SourceLocation(path: path, line: offset + 1, column: 1)
            do {
                let value = try JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
                nodes.append(SuiteNode.make(json: value, location: location))
            } catch {
                errors.append(InputError(location, field: "json", problem: "not valid JSON",
                                         remedy: "write one conversation object per line"))
            }
        }
        return (nodes, errors)
    }
}
