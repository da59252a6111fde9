import Foundation
import Yams

extension InputError {
    /// A YAML parser error as an input error at its line and column: the one mapping for every YAML file
    /// supportkit reads as settings or training examples.
    ///
    /// - Parameters:
    ///   - error: what `Yams.compose` threw.
    ///   - path: the file.
    ///   - text: the YAML text, to place a duplicate key at its second occurrence (Yams names the first).
    public init(yamlError error: any Error, path: String, text: String? = nil) {
        guard let yamlError = error as? YamlError else {
            self.init(SourceLocation(path: path), field: "yaml", problem: "\(error)", remedy: "fix the YAML syntax")
            return
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            self.init(SourceLocation(path: path, line: mark.line, column: mark.column), field: "yaml",
                      problem: "invalid YAML: " + (context.map { "\(problem) \($0.text)" } ?? problem), remedy: "fix the syntax at this place")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let place = text.flatMap { Self.duplicateKeyPlace(in: $0, key: duplicates.first ?? "", first: context.mark) }
            self.init(SourceLocation(path: path, line: place?.line ?? context.mark.line, column: place?.column ?? context.mark.column), field: "yaml",
                      problem: "duplicate key \(duplicates.joined(separator: ", "))", remedy: "keep one of them")
        default:
            self.init(SourceLocation(path: path), field: "yaml", problem: "invalid YAML: \(yamlError)", remedy: "fix the YAML syntax")
        }
    }

    /// Where `key` appears again as a key (`key:` at the same column) after its first place `first`, which is
    /// all Yams reports of a duplicate key; nil when it cannot be found.
    public static func duplicateKeyPlace(in text: String, key: String, first: Mark) -> (line: Int, column: Int)? {
        guard !key.isEmpty else { return nil }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 > first.line {
            let utf8 = Array(line.utf8)
            let column = first.column - 1
            guard column >= 0, utf8.count > column + key.utf8.count else { continue }
            for quote in ["", "\"", "'"] {
                let written = Array((quote + key + quote).utf8)
                guard utf8.count > column + written.count, Array(utf8[column..<(column + written.count)]) == written else { continue }
                var after = column + written.count
                while after < utf8.count, utf8[after] == 0x20 { after += 1 }
                if after < utf8.count, utf8[after] == 0x3A, utf8[..<column].allSatisfy({ $0 == 0x20 || $0 == 0x2D }) {
                    return (index + 1, first.column)
                }
            }
        }
        return nil
    }
}
