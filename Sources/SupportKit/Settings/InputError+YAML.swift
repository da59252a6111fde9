import Foundation
import Yams

extension InputError {
    /// A YAML parser error as an input error at its line and column: the one mapping for every YAML file
    /// supportkit reads as settings or training examples.
    ///
    /// - Parameters:
    ///   - error: what `Yams.compose` threw.
    ///   - path: the file.
    public init(yamlError error: any Error, path: String) {
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
            self.init(SourceLocation(path: path, line: context.mark.line, column: context.mark.column), field: "yaml",
                      problem: "duplicate key \(duplicates.joined(separator: ", "))", remedy: "keep one of them")
        default:
            self.init(SourceLocation(path: path), field: "yaml", problem: "invalid YAML: \(yamlError)", remedy: "fix the YAML syntax")
        }
    }
}
