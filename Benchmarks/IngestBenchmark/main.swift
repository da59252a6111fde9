// Ingest benchmark: parse+chunk throughput of one corpus folder, in process, on one thread.
//
// Every file is read into memory first (not timed); then each repetition times exactly what the ingest
// pipeline does per file between reading and planning: `DocumentParser.parse` and `Chunker.chunks(of:)`
// with the `ApproximateTokenCounter` the lexical (and OpenAI) embedders use. Both wall-clock time and the
// thread's CPU time are measured, so a busy machine shows up as a gap between the two rather than as a
// slower figure. `--hashes` also times the plan's document and chunk content hashes. `--digest` prints one
// SHA-256 over every document's and chunk's content hash and chunk id (computed after timing), so a change
// meant to be output-neutral can be checked on the whole corpus.
//
// Usage: IngestBenchmark FOLDER [--format md|html|json] [--repetitions N] [--hashes] [--digest] [--json]
import Foundation
import SupportKit
import SupportKitIngest
import SupportKitParsing

struct Arguments {
    var folder = ""
    /// Only files with these extensions; every supported one when nil.
    var extensions: Set<String>?
    var repetitions = 5
    var includeHashes = false
    var printsDigest = false
    var json = false

    init(_ arguments: [String]) throws {
        var remaining = arguments.dropFirst()
        func value(of flag: String) throws -> String {
            guard let value = remaining.popFirst() else { throw SupportKitError(.invalidInput, "\(flag) needs a value") }
            return value
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--format":
                switch try value(of: argument) {
                case "md", "markdown": extensions = ["md", "markdown"]
                case "html", "htm": extensions = ["html", "htm"]
                case "json": extensions = ["json", "jsonl"]
                case let other: throw SupportKitError(.invalidInput, "unknown format \(other); expected md, html or json")
                }
            case "--repetitions":
                let text = try value(of: argument)
                guard let count = Int(text), count > 0 else {
                    throw SupportKitError(.invalidInput, "--repetitions needs a positive number, not \(text)")
                }
                repetitions = count
            case "--hashes": includeHashes = true
            case "--digest": printsDigest = true
            case "--json": json = true
            case _ where argument.hasPrefix("-"): throw SupportKitError(.invalidInput, "unknown option \(argument)")
            default: folder = argument
            }
        }
        guard !folder.isEmpty else {
            throw SupportKitError(.invalidInput, "usage: IngestBenchmark FOLDER [--format md|html|json] [--repetitions N] [--hashes] [--digest] [--json]")
        }
    }
}

/// One file's bytes with the corpus-relative path the pipeline would give it.
struct LoadedFile {
    var relativePath: String
    var data: Data
}

/// Reads every supported file under `folder`, sorted by relative path like the corpus walker.
func loadCorpus(_ folder: String, extensions: Set<String>?) throws -> [LoadedFile] {
    let root = URL(fileURLWithPath: folder).standardizedFileURL
    guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else {
        throw SupportKitError(.invalidInput, "\(folder) is not a readable folder")
    }
    var files: [LoadedFile] = []
    let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
    for case let url as URL in enumerator {
        let fileExtension = url.pathExtension.lowercased()
        guard (extensions ?? DocumentParser.supportedExtensions).contains(fileExtension),
              (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
        let path = url.standardizedFileURL.path
        let relativePath = path.hasPrefix(rootPath) ? String(path.dropFirst(rootPath.count)) : url.lastPathComponent
        files.append(LoadedFile(relativePath: relativePath, data: try Data(contentsOf: url)))
    }
    return files.sorted { $0.relativePath < $1.relativePath }
}

/// CPU time consumed by the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// What one pass produced; compared across repetitions so that every pass provably did the same work.
struct PassOutput: Equatable {
    var documents = 0
    var chunks = 0
    var errors = 0
    /// UTF-8 bytes of all chunk texts: depends on every chunk, so none can be optimized away.
    var chunkTextBytes = 0
    /// Hashes computed (with `--hashes`), and the bytes of their hex digests.
    var hashes = 0
}

struct Timing {
    var wall: Double
    var cpu: Double
}

func runPass(_ files: [LoadedFile], parser: DocumentParser, chunker: Chunker, includeHashes: Bool) -> (PassOutput, Timing) {
    var output = PassOutput()
    let wallStart = ContinuousClock.now
    let cpuStart = threadCPUSeconds()
    for file in files {
        let result = parser.parse(file.data, relativePath: file.relativePath)
        output.errors += result.errors.count
        for document in result.documents {
            output.documents += 1
            let chunks = chunker.chunks(of: document)
            output.chunks += chunks.count
            for chunk in chunks { output.chunkTextBytes += chunk.text.utf8.count }
            if includeHashes {
                output.hashes += document.contentHash.isEmpty ? 0 : 1
                for chunk in chunks { output.hashes += chunk.contentHash.isEmpty ? 0 : 1 }
            }
        }
    }
    let cpu = threadCPUSeconds() - cpuStart
    let elapsed = (ContinuousClock.now - wallStart).components
    let wall = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    return (output, Timing(wall: wall, cpu: cpu))
}

/// One hash over everything parse+chunk produced for the corpus, errors included.
func outputDigest(_ files: [LoadedFile], parser: DocumentParser, chunker: Chunker) -> String {
    var hasher = ContentHasher()
    for file in files {
        let result = parser.parse(file.data, relativePath: file.relativePath)
        for error in result.errors { hasher.combine(error.description) }
        for document in result.documents {
            hasher.combine(document.contentHash)
            for chunk in chunker.chunks(of: document) {
                hasher.combine(chunk.id.uuidString)
                hasher.combine(chunk.contentHash)
            }
        }
    }
    return hasher.finalize()
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

do {
    let arguments = try Arguments(CommandLine.arguments)
    let files = try loadCorpus(arguments.folder, extensions: arguments.extensions)
    guard !files.isEmpty else { throw SupportKitError(.invalidInput, "no supported files under \(arguments.folder)") }
    let megabytes = Double(files.reduce(0) { $0 + $1.data.count }) / 1_048_576
    // The pipeline's parser and chunker with their default settings; the lexical embedder's token counter.
    let parser = DocumentParser()
    let chunker = Chunker(tokenCounter: ApproximateTokenCounter())

    var first: PassOutput?
    var timings: [Timing] = []
    for _ in 0..<arguments.repetitions {
        let (output, timing) = runPass(files, parser: parser, chunker: chunker, includeHashes: arguments.includeHashes)
        if let first, first != output {
            throw SupportKitError(.invalidInput, "repetitions disagree: \(first) vs \(output)")
        }
        first = output
        timings.append(timing)
    }
    guard let output = first else { exit(2) }
    let cpuRates = timings.map { megabytes / $0.cpu }
    let wallRates = timings.map { megabytes / $0.wall }
    let what = arguments.includeHashes ? "parse+chunk+hash" : "parse+chunk"
    if arguments.json {
        print(String(format: """
            {"measures": "%@", "files": %d, "megabytes": %.3f, "repetitions": %d, "documents": %d, "chunks": %d, \
            "errors": %d, "cpu_mb_per_s_best": %.2f, "cpu_mb_per_s_median": %.2f, "wall_mb_per_s_best": %.2f, \
            "wall_mb_per_s_median": %.2f, "cpu_seconds_best": %.4f, "wall_seconds_best": %.4f}
            """, what, files.count, megabytes, timings.count, output.documents, output.chunks, output.errors,
            cpuRates.max() ?? 0, median(cpuRates), wallRates.max() ?? 0, median(wallRates),
            timings.map(\.cpu).min() ?? 0, timings.map(\.wall).min() ?? 0))
    } else {
        print("\(files.count) files, \(String(format: "%.1f", megabytes)) MB -> \(output.documents) documents, "
              + "\(output.chunks) chunks (\(output.chunkTextBytes) bytes of chunk text), \(output.errors) errors")
        print(String(format: "%@ on one thread, %d repetitions: CPU %.1f MB/s best, %.1f median; wall %.1f MB/s best, %.1f median",
                     what, timings.count, cpuRates.max() ?? 0, median(cpuRates), wallRates.max() ?? 0, median(wallRates)))
    }
    if arguments.printsDigest {
        print("output digest: \(outputDigest(files, parser: parser, chunker: chunker))")
    }
} catch {
    FileHandle.standardError.write(Data("IngestBenchmark: \(error)\n".utf8))
    exit(2)
}
