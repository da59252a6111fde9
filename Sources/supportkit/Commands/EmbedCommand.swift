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

    @Option(name: .long, help: "Embedder: minilm (default), lexical, or openai:MODEL.")
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
                try await runBenchmark(embedder, file: bench)
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
                    FileHandle.standardOutput.write(Data(output.utf8))
                    output = ""
                }
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }

    private func makeEmbedder() throws -> any Embedder {
        let name = embedder ?? EmbedderFactory.defaultName
        if name == "minilm", workers != nil || tokenBudget != nil {
            let explicit = modelDir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath, isDirectory: true) }
            return try MiniLMEmbedder(directory: try MiniLMModelLocation.require(explicit: explicit),
                                      tokenBudget: tokenBudget ?? 4096, workers: workers)
        }
        return try EmbedderFactory.make(name: name, modelDirectory: modelDir)
    }

    private struct BenchReport: Encodable {
        var engine: String
        var fingerprint: String
        var texts: Int
        var tokens: Int
        var seconds: Double
        /// User + system CPU time of the timed part: comparable across runs even when other work shares the cores.
        var cpuSeconds: Double
        var textsPerSecond: Double
        var tokensPerSecond: Double
        var peakRSSMegabytes: Double
        var workers: Int?
        var batchSize: Int
        /// OpenBLAS's kernel set (OPENBLAS_CORETYPE or its own detection).
        var blasCore: String
    }

    private func runBenchmark(_ embedder: any Embedder, file: String) async throws {
        let content: String
        do { content = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw SupportKitError(.invalidInput, "\(file): cannot read the benchmark texts")
        }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let texts = lines.last == "" ? Array(lines.dropLast()) : lines
        guard !texts.isEmpty else { throw SupportKitError(.invalidInput, "\(file): no texts") }
        // Tokens the model sees: with [CLS]/[SEP], truncated to the model's length, no padding.
        var tokens = 0
        if let minilm = embedder as? MiniLMEmbedder {
            tokens = texts.reduce(0) { $0 + minilm.tokenizer.encode($1).count }
        } else {
            tokens = texts.reduce(0) { $0 + embedder.tokenCounter.tokenCount($1) + 2 }
        }
        let batch = batchSize ?? embedder.preferredBatchSize
        _ = try await embedder.embed(Array(texts.prefix(32)))  // warm-up: page in weights, allocate buffers
        let started = DispatchTime.now().uptimeNanoseconds
        let cpuStarted = Self.cpuSeconds()
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let end = min(start + batch, texts.count)
            vectors += try await embedder.embed(Array(texts[start..<end]))
            start = end
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let cpuSeconds = Self.cpuSeconds() - cpuStarted
        if let saveVectors {
            try Self.writeRawFloat32(vectors, to: saveVectors)
        }
        let report = BenchReport(
            engine: "supportkit", fingerprint: embedder.fingerprint.description, texts: texts.count, tokens: tokens,
            seconds: seconds, cpuSeconds: cpuSeconds, textsPerSecond: Double(texts.count) / seconds, tokensPerSecond: Double(tokens) / seconds,
            peakRSSMegabytes: Self.peakRSSMegabytes(), workers: (embedder as? MiniLMEmbedder)?.model.workers,
            batchSize: batch, blasCore: MiniLMModel.blasCoreName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
    }

    /// Rows of little-endian float32, no header (numpy: `np.fromfile(path, "<f4").reshape(len(texts), -1)`).
    private static func writeRawFloat32(_ vectors: [[Float]], to path: String) throws {
        var data = Data(capacity: vectors.reduce(0) { $0 + $1.count } * MemoryLayout<Float>.size)
        for vector in vectors {
            for value in vector {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw SupportKitError(.invalidInput, "\(path): cannot write the vectors; check that its folder exists and is writable", underlying: error)
        }
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// VmHWM from /proc/self/status (Linux), else 0.
    static func peakRSSMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
            return (kilobytes ?? 0) / 1024
        }
        return 0
    }
}
