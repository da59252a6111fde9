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
        let parts = HTMLReport(input).renderParts()
        let file = folder.appendingPathComponent("\(input.run.id).html")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try replace(file, with: parts)
            if updateLatest { try replaceLatest(in: folder, with: file, parts: parts) }
        } catch {
            throw SupportKitError(.unavailable, "cannot write the report to \(directory); check that the folder is writable", underlying: error)
        }
        return file
    }

    /// Points `latest.html` at the run's report: a hard link renamed over the old file (no second copy of a
    /// report that can be tens of megabytes, and a reader never sees a half-written file), or, where the file
    /// system has no hard links, a second copy written the same way as the first.
    private static func replaceLatest(in folder: URL, with file: URL, parts: [HTMLBytes]) throws {
        let latest = folder.appendingPathComponent("latest.html")
        let staging = folder.appendingPathComponent(".latest.html.\(getpid())")
        unlink(staging.path)
        if link(file.path, staging.path) == 0 {
            if rename(staging.path, latest.path) == 0 { return }
            unlink(staging.path)
        }
        try replace(latest, with: parts)
    }

    /// Writes `parts`, in order, to a temporary file in the same folder and renames it over `file`: a reader
    /// sees the old report or the new one, never part of one.
    ///
    /// There is no fsync: a report is derived from the results database, and `supportkit runs report` writes
    /// it again, so a run does not wait on the disk for it.
    private static func replace(_ file: URL, with parts: [HTMLBytes]) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(getpid()).tmp")
        unlink(temporary.path)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var failure: POSIXErrorCode?
        for part in parts where failure == nil {
            part.bytes.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        failure = POSIXErrorCode(rawValue: errno) ?? .EIO
                        return
                    }
                    offset += written
                }
            }
        }
        if close(descriptor) != 0, failure == nil { failure = POSIXErrorCode(rawValue: errno) ?? .EIO }
        if failure == nil, rename(temporary.path, file.path) != 0 { failure = POSIXErrorCode(rawValue: errno) ?? .EIO }
        if let failure {
            unlink(temporary.path)
            throw POSIXError(failure)
        }
    }
}
