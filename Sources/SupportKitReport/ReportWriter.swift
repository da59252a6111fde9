import Foundation
import SupportKit

/// Writes a run's HTML report to a folder: `<run>.html`, and `latest.html` for the newest run.
public enum ReportWriter {
    /// Renders `input` and writes it.
    ///
    /// - Parameters:
    ///   - input: the run to report.
    ///   - directory: the reports folder (created when missing).
    ///   - updateLatest: also write `latest.html` (false when re-rendering an older run).
    /// - Returns: the run's report file.
    /// - Throws: `SupportKitError.unavailable` when the folder or file cannot be written.
    @discardableResult
    public static func write(_ input: ReportInput, to directory: String, updateLatest: Bool = true) throws -> URL {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let page = HTMLReport(input).renderBytes()
        let file = folder.appendingPathComponent("\(input.run.id).html")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // Written from the page's own bytes: no second copy of a report that can be tens of megabytes.
            try page.withUnsafeBytes { bytes in
                let html = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count,
                                deallocator: .none)
                try html.write(to: file, options: .atomic)
                if updateLatest { try replaceLatest(in: folder, with: file, contents: html) }
            }
        } catch {
            throw SupportKitError(.unavailable, "cannot write the report to \(directory); check that the folder is writable", underlying: error)
        }
        return file
    }

    /// Points `latest.html` at the run's report: a hard link renamed over the old file (no second copy of a
    /// report that can be tens of megabytes, and a reader never sees a half-written file), or, where the file
    /// system has no hard links, a second atomic write.
    private static func replaceLatest(in folder: URL, with file: URL, contents: Data) throws {
        let latest = folder.appendingPathComponent("latest.html")
        let staging = folder.appendingPathComponent(".latest.html.\(ProcessInfo.processInfo.processIdentifier)")
        unlink(staging.path)
        if link(file.path, staging.path) == 0 {
            if rename(staging.path, latest.path) == 0 { return }
            unlink(staging.path)
        }
        try contents.write(to: latest, options: .atomic)
    }
}
