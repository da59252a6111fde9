import ArgumentParser
import Foundation
import SupportKit

/// Options every command that touches the store or the embedder shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Settings file, read when it exists.")
    var config: String = "supportkit.yaml"

    @Option(name: .long, help: "Store URL: sqlite:PATH (default sqlite:.supportkit/store.sqlite) or vectorai://HOST:PORT.")
    var store: String?

    @Option(name: .long, help: "Embedder: minilm, minilm:bf16, minilm:int8, lexical, or openai:MODEL (default: embedder in the settings file, else the one the collection was built with, else minilm).")
    var embedder: String?

    @Option(name: .long, help: "Folder of the local embedding model (default: found by `supportkit models path`).")
    var modelDir: String?

    @Flag(name: .shortAndLong, help: "Log on stderr (info and debug lines); quiet by default.")
    var verbose = false
}

/// `--json`, for the commands that have a result to print (not `demo`, `serve` or `chat`).
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as one JSON object on stdout instead of human output.")
    var json = false
}

/// Where the store lives, from `--store`, `supportkit.yaml` or the default.
enum StoreLocation: Equatable {
    case sqlite(path: String)
    case vectorAI(host: String, port: Int)

    static let defaultSQLitePath = ".supportkit/store.sqlite"

    /// Parses `sqlite:PATH`, a bare path, or `vectorai://HOST[:PORT]`.
    init(_ url: String?) throws {
        guard let url, !url.isEmpty else {
            self = .sqlite(path: Self.defaultSQLitePath)
            return
        }
        if url.hasPrefix("vectorai://") {
            let rest = url.dropFirst("vectorai://".count).split(separator: "/").first.map(String.init) ?? ""
            let parts = rest.split(separator: ":")
            guard let host = parts.first, !host.isEmpty else {
                throw ValidationError("store URL \(url) names no host; write vectorai://HOST:PORT")
            }
            guard parts.count <= 2, let port = parts.count == 2 ? Int(parts[1]) : 50051, (1...65535).contains(port) else {
                throw ValidationError("store URL \(url) has an invalid port; write vectorai://HOST:PORT")
            }
            self = .vectorAI(host: String(host), port: port)
        } else if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ValidationError("store URL \(url) names no file; write sqlite:PATH") }
            self = .sqlite(path: path)
        } else if url.contains("://") {
            throw ValidationError("unknown store URL \(url); use sqlite:PATH or vectorai://HOST:PORT")
        } else {
            self = .sqlite(path: url)
        }
    }

    /// `VECTORAI_URL` as a store URL: `vectorai://HOST:PORT` as is, a bare `HOST:PORT` with the scheme added.
    static func vectorAIURL(_ value: String) -> String {
        value.contains("://") ? value : "vectorai://" + value
    }

    /// The local SQLite file for state that stays on this machine (manifest, embedding cache).
    var localStatePath: String {
        switch self {
        case .sqlite(let path): path
        case .vectorAI: ".supportkit/state.sqlite"
        }
    }

    /// The folder that holds local files beside the store (classifier, tickets).
    var stateFolder: String {
        let folder = (localStatePath as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}
