import Foundation

/// What `supportkit --version` prints and eval runs record.
enum BuildInfo {
    /// The release this source tree is; bump it with a release.
    static let version = "0.4.0"

    /// `supportkit 0.4.0 (commit 1a2b3c4d5e6f)`: the version and the commit of the checkout the binary was built
    /// in (found from the executable's folder, which `swift build` puts inside the checkout; `-dirty` when that
    /// tree has uncommitted changes), or `unknown commit` for a binary copied out of its checkout.
    static var versionLine: String {
        let folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path
        let commit = folder.flatMap { GitInfo.commit(in: $0) }.map { "commit " + $0 } ?? "unknown commit"
        return "supportkit \(version) (\(commit))"
    }
}

/// A working tree's commit, for `--version` and run fingerprints.
enum GitInfo {
    /// `git rev-parse HEAD`, with `-dirty` when the tree has changes; nil outside a repository or without git.
    ///
    /// - Parameter folder: where git looks for the repository (default: the working directory).
    static func commit(in folder: String? = nil) -> String? {
        let prefix = folder.map { ["-C", $0] } ?? []
        guard let head = run(prefix + ["rev-parse", "HEAD"]), !head.isEmpty else { return nil }
        let status = run(prefix + ["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? head : head + "-dirty"
    }

    private static func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
