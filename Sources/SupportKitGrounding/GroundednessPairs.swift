import Foundation

/// One line of a `supportkit groundedness` input file: an answer and the knowledge it should rest on.
public struct GroundednessPair: Sendable, Hashable {
    /// The line's `id`, echoed in the output (a string or a number, as given).
    public var id: GroundednessPairID
    /// The answer to check.
    public var response: String
    /// The passages the answer may rely on.
    public var knowledge: [String]
    /// The customer's question, when given (read and kept; the checker does not need it).
    public var question: String?

    /// - Parameters:
    ///   - id: the line's id.
    ///   - response: the answer.
    ///   - knowledge: the passages.
    ///   - question: the question, if any.
    public init(id: GroundednessPairID, response: String, knowledge: [String], question: String? = nil) {
        self.id = id
        self.response = response
        self.knowledge = knowledge
        self.question = question
    }
}

/// A pair's id: JSON strings and numbers are both accepted and written back as they came.
public enum GroundednessPairID: Sendable, Hashable, Encodable {
    case string(String)
    case number(Double)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let value) where value == value.rounded() && abs(value) < 1e15: try container.encode(Int64(value))
        case .number(let value): try container.encode(value)
        }
    }
}

/// A line of a pairs file that could not be read: its 1-based line number and what to fix.
public struct GroundednessInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as given on the command line.
    public var path: String
    /// 1-based line number.
    public var line: Int
    /// What is wrong and what to do.
    public var message: String

    public var description: String { "\(path):\(line):1: \(message)" }
}

/// One output line of `supportkit groundedness`: `{"id", "score", "supported", "unsupported": [{"text", "reason"}]}`.
public struct GroundednessResult: Sendable, Encodable {
    /// An unsupported claim and why.
    public struct Claim: Sendable, Encodable {
        public var text: String
        public var reason: String
    }

    public var id: GroundednessPairID
    /// The score rounded to 4 decimals (stable output).
    public var score: Double
    public var supported: Bool
    public var unsupported: [Claim]

    /// The output line for `pair` judged `verdict`.
    public init(id: GroundednessPairID, verdict: GroundednessVerdict) {
        self.id = id
        score = (verdict.score * 10_000).rounded() / 10_000
        supported = verdict.supported
        unsupported = verdict.unsupported.map { Claim(text: $0.text, reason: $0.reason ?? "") }
    }
}

/// Reads a pairs file (JSON Lines) and scores it.
public enum GroundednessPairs {
    /// Scores every line of a pairs file: the result of each readable line, the error of each other one, in order.
    ///
    /// - Parameters:
    ///   - contents: the file's text.
    ///   - path: the file's name, for error messages.
    ///   - checker: the checker and its thresholds.
    public static func score(_ contents: String, path: String,
                             checker: GroundednessChecker) -> [Result<GroundednessResult, GroundednessInputError>] {
        parse(contents, path: path).map { line in
            line.map { pair in
                GroundednessResult(id: pair.id, verdict: checker.check(response: pair.response, sources: pair.knowledge))
            }
        }
    }

    /// The pairs of `contents`, line by line: each a pair or the error of that line. Blank lines are skipped.
    ///
    /// - Parameters:
    ///   - contents: the file's text.
    ///   - path: the file's name, for error messages.
    /// - Returns: one entry per non-blank line, in order.
    public static func parse(_ contents: String, path: String) -> [Result<GroundednessPair, GroundednessInputError>] {
        var results: [Result<GroundednessPair, GroundednessInputError>] = []
        var lineNumber = 0
        for line in contents.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            results.append(parse(line: line, number: lineNumber, path: path))
        }
        return results
    }

    private static func parse(line: Substring, number: Int,
                              path: String) -> Result<GroundednessPair, GroundednessInputError> {
        func failure(_ message: String) -> Result<GroundednessPair, GroundednessInputError> {
            .failure(GroundednessInputError(path: path, line: number, message: message))
        }
        let fields: PairFields
        do {
            fields = try JSONDecoder().decode(PairFields.self, from: Data(line.utf8))
        } catch {
            return failure("not a JSON object; write one object per line: {\"id\": ..., \"response\": ..., \"knowledge\": ...}")
        }
        if let problem = fields.problem { return failure(problem) }
        guard let id = fields.id, let response = fields.response, let knowledge = fields.knowledge else {
            return failure("expected a JSON object {\"id\", \"response\", \"knowledge\"}")
        }
        let question = fields.question
        return .success(GroundednessPair(id: id, response: response, knowledge: knowledge, question: question))
    }
}

/// The fields of one line, each checked for its type; the first problem found is kept with its remedy. Other
/// fields are ignored (a file may carry labels or metadata).
private struct PairFields: Decodable {
    var id: GroundednessPairID?
    var response: String?
    var knowledge: [String]?
    var question: String?
    var problem: String?

    private enum Key: String, CodingKey { case id, response, knowledge, question }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        func present(_ key: Key) -> Bool { container.contains(key) && (try? container.decodeNil(forKey: key)) == false }
        if !present(.id) {
            problem = "id: missing; give each line an \"id\" (a string or a number)"
        } else if let text = try? container.decode(String.self, forKey: .id) {
            id = .string(text)
        } else if (try? container.decode(Bool.self, forKey: .id)) == nil, let number = try? container.decode(Double.self, forKey: .id) {
            id = .number(number)
        } else {
            problem = "id: expected a string or a number"
        }
        guard problem == nil else { return }
        if !present(.response) {
            problem = "response: missing; give the answer to check as \"response\""
        } else if let text = try? container.decode(String.self, forKey: .response) {
            response = text
        } else {
            problem = "response: expected a string"
        }
        guard problem == nil else { return }
        if !present(.knowledge) {
            problem = "knowledge: missing; give the passages as \"knowledge\" (a string or a list of strings)"
        } else if let text = try? container.decode(String.self, forKey: .knowledge) {
            knowledge = [text]
        } else if let texts = try? container.decode([String].self, forKey: .knowledge) {
            knowledge = texts
        } else {
            problem = "knowledge: expected a string or a list of strings"
        }
        guard problem == nil else { return }
        if present(.question) {
            if let text = try? container.decode(String.self, forKey: .question) {
                question = text
            } else {
                problem = "question: expected a string"
            }
        }
    }
}
