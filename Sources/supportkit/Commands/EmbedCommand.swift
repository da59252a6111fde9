import ArgumentParser
import Foundation
import SupportKit
import SupportKitEmbedding

/// `supportkit embed`: vectors for texts, one JSON array per line; `--bench FILE` measures throughput instead.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding of each text as one JSON array per line.",
        discussion: """
            Texts come from the arguments, or one per line from standard input with `-` (or when there are no \
            arguments). --bench FILE embeds every line of FILE, after a short warm-up, and prints one JSON object \
            with texts/s, tokens/s and peak memory instead of vectors.
            """
    )

    @Argument(help: "Texts to embed; `-` reads one text per line from standard input.")
    var texts: [String] = []

    @Option(name: .long, help: "Embedder: minilm (default), minilm:bf16, minilm:int8, lexical, or openai:MODEL.")
    var embedder: String?

    @Option(name: .long, help: "Folder of the local embedding model (default: found as `supportkit models path` does).")
    var modelDir: String?

    @Option(name: .long, help: "Benchmark: embed every line of FILE and report texts/s, tokens/s and peak memory.")
    var bench: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --bench: also write the vectors to FILE as raw little-endian float32, one row per text.",
        visibility: .hidden))
    var saveVectors: String?

    @Option(name: .long, help: ArgumentHelp("Texts per embed call (default: the embedder's preferred batch size).", visibility: .hidden))
    var batchSize: Int?

    @Option(name: .long, help: ArgumentHelp("MiniLM worker threads (default: the number of cores).", visibility: .hidden))
    var workers: Int?

    @Option(name: .long, help: ArgumentHelp("MiniLM tokens per chunk of work.", visibility: .hidden))
    var tokenBudget: Int?

    func run() async throws {
        try await reportingModelErrors {
            let embedder = try makeEmbedder()
            if let bench {
                let report = try await EmbeddingBenchmark.run(embedder, file: bench, batchSize: batchSize, saveVectors: saveVectors)
                try Terminal.printJSON(report)
                return
            }
            var inputs = texts
            if inputs.isEmpty || inputs == ["-"] {
                inputs = []
                while let line = readLine(strippingNewline: true) { inputs.append(line) }
            }
            let vectors = try await embedder.embedAll(inputs)
            var output = ""
            for vector in vectors {
                output += "[" + vector.map { "\($0)" }.joined(separator: ",") + "]\n"
                if output.utf8.count > 1 << 16 {
                    Terminal.write(output)
                    output = ""
                }
            }
            Terminal.write(output)
        }
    }

    private func makeEmbedder() throws -> any Embedder {
        let name = embedder ?? EmbedderFactory.defaultName
        if let precision = MiniLMPrecision(embedderName: name), workers != nil || tokenBudget != nil {
            let explicit = modelDir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath, isDirectory: true) }
            return try MiniLMEmbedder(directory: try MiniLMModelLocation.require(explicit: explicit, environment: ProcessInfo.processInfo.environment),
                                      tokenBudget: tokenBudget ?? 4096, workers: workers, precision: precision)
        }
        return try EmbedderFactory.make(name: name, modelDirectory: modelDir, environment: ProcessInfo.processInfo.environment)
    }
}
