import Foundation
import SupportKit

/// `supportkit embed --bench FILE`: embeds every line of a file after a short warm-up and measures throughput,
/// CPU time and peak memory (scripts/bench-embeddings.sh reads the report).
public enum EmbeddingBenchmark {
    /// What one benchmark run measured (keys as the benchmark scripts read them).
    public struct Report: Encodable, Sendable {
        public var engine: String
        public var fingerprint: String
        public var texts: Int
        public var tokens: Int
        public var seconds: Double
        /// User + system CPU time of the timed part: comparable across runs even when other work shares the cores.
        public var cpuSeconds: Double
        public var textsPerSecond: Double
        public var tokensPerSecond: Double
        public var peakRSSMegabytes: Double
        public var workers: Int?
        public var batchSize: Int
        /// OpenBLAS's kernel set (OPENBLAS_CORETYPE or its own detection).
        public var blasCore: String
    }

    /// Embeds every line of `file` in batches of `batchSize` (default: the embedder's preferred size).
    ///
    /// - Parameter saveVectors: also write the vectors here as raw little-endian float32, one row per text.
    /// - Throws: `SupportKitError.invalidInput` when the file cannot be read or written; the embedder's errors.
    public static func run(_ embedder: any Embedder, file: String, batchSize: Int? = nil, saveVectors: String? = nil) async throws -> Report {
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
        return Report(
            engine: "supportkit", fingerprint: embedder.fingerprint.description, texts: texts.count, tokens: tokens,
            seconds: seconds, cpuSeconds: cpuSeconds, textsPerSecond: Double(texts.count) / seconds, tokensPerSecond: Double(tokens) / seconds,
            peakRSSMegabytes: Self.peakRSSMegabytes(), workers: (embedder as? MiniLMEmbedder)?.model.workers,
            batchSize: batch, blasCore: MiniLMModel.blasCoreName)
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
