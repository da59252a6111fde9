import ArgumentParser
import Foundation
import SupportKit
import SupportKitGrounding

/// `supportkit groundedness PAIRS.jsonl`: the offline groundedness check on answers from any system.
struct GroundednessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groundedness",
        abstract: "Check whether answers are supported by their knowledge, offline (one JSON line per input line).",
        discussion: """
            Each input line is {"id", "response", "knowledge": TEXT or [TEXT...], "question": optional}. Each output \
            line, in input order, is {"id", "score", "supported", "unsupported": [{"text", "reason"}]}: score in \
            [0, 1], higher is better supported; supported is the verdict at --threshold (and no claim contradicts \
            a fact of the knowledge). A line that cannot be read is reported on stderr with its line number and \
            the others are still scored; the exit code is then 2.
            """)

    @Argument(help: "The pairs file (JSON Lines); `-` reads standard input.")
    var pairs: String

    @Option(name: .long, help: "The score an answer needs to be supported (default 0.75).")
    var threshold: Double?

    @Option(name: .long, help: "The support a claim needs not to be listed as unsupported (default 0.75).")
    var claimThreshold: Double?

    func validate() throws {
        for (name, value) in [("--threshold", threshold), ("--claim-threshold", claimThreshold)] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(name) must be between 0 and 1") }
        }
    }

    func run() throws {
        let contents: String
        if pairs == "-" {
            contents = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: pairs) else {
                Terminal.diagnostic("error: \(pairs): cannot read the file; check the path")
                throw ExitCode(2)
            }
            contents = String(decoding: data, as: UTF8.self)
        }
        var configuration = GroundednessChecker.Configuration()
        if let threshold { configuration.threshold = threshold }
        if let claimThreshold { configuration.claimThreshold = claimThreshold }
        var output = ""
        var failed = 0
        for line in GroundednessPairs.score(contents, path: pairs, checker: GroundednessChecker(configuration: configuration)) {
            switch line {
            case .success(let result): output += try ResultJSON.string(result) + "\n"
            case .failure(let error):
                Terminal.diagnostic("error: \(error.description)")
                failed += 1
            }
        }
        Terminal.write(output)
        if failed > 0 { throw ExitCode(2) }
    }
}
