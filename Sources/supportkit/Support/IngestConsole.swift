import Foundation
import SupportKit
import SupportKitIngest

/// Human output of `ingest`, on stdout.
enum IngestConsole {
    /// The plan (dry run), the counts, and what was embedded and written.
    static func describe(_ summary: IngestSummary, embedder: String) -> String {
        let d = summary.documents, c = summary.chunks
        var lines: [String] = []
        if summary.dryRun {
            lines.append("Plan (dry run, nothing changed):")
            for action in ["added", "changed", "deleted"] {
                for id in summary.plan[action] ?? [] { lines.append("  \(action.padding(toLength: 8, withPad: " ", startingAt: 0)) \(id)") }
            }
        }
        if let mass = summary.massDeletion, summary.dryRun, !mass.allowed {
            lines.append("warning: without --allow-mass-delete this run stops before writing: " + mass.explanation)
        }
        let skipped = summary.documentsSkipped > 0 ? ", \(summary.documentsSkipped) skipped (draft/hidden)" : ""
        let excluded = summary.filesExcluded > 0 ? ", \(summary.filesExcluded) file(s) excluded" : ""
        lines.append("documents: \(d.added) added, \(d.changed) changed, \(d.unchanged) unchanged, \(d.deleted) deleted, \(d.failed) failed\(skipped)\(excluded)")
        lines.append("chunks:    \(c.added) added, \(c.changed) changed, \(c.unchanged) unchanged, \(c.deleted) deleted")
        if summary.markup.total > 0 {
            lines.append("markup:    " + summary.markup.parts.map { "\(grouped($0.count)) \($0.name)" }.joined(separator: ", ") + " removed")
        }
        if summary.chunksOversize > 0 {
            lines.append("oversize:  \(summary.chunksOversize) chunk(s) over the token budget (code blocks or Q&A kept whole)")
        }
        if summary.dryRun {
            lines.append("would embed at most \(c.added + c.changed) chunk text(s) with \(embedder)")
        } else if summary.isNoOp {
            lines.append("store already in sync: nothing embedded, nothing written (\(summary.files) files, \(summary.filesSkipped) unchanged by content hash) in \(String(format: "%.2f", summary.seconds)) s")
        } else {
            let facets = summary.facetsWritten > 0
                ? " (\(summary.written - summary.facetsWritten) chunks, \(summary.facetsWritten) title/tag facets)" : ""
            lines.append("embedded \(summary.embedded) text(s) with \(embedder), wrote \(summary.written) point(s)\(facets) and removed \(summary.removed) in \(String(format: "%.2f", summary.seconds)) s")
        }
        return lines.joined(separator: "\n")
    }

    /// `1203` as `1,203`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (number < 0 ? "-" : "") + result
    }

    /// The verification, the repair and the verification after it.
    static func printVerification(_ result: VerifyResult, collection: String) {
        let report = result.before
        var lines = ["verify \(collection): manifest \(report.manifestDocuments) document(s), \(report.manifestChunks) chunk(s); store \(report.storePoints) point(s)"]
        if !report.pendingDocuments.isEmpty {
            lines.append("\(report.pendingDocuments.count) document(s) were being written when a run stopped; the next ingest finishes them")
        }
        if report.isConsistent {
            lines.append("store and manifest agree")
        } else {
            lines.append("missing from the store: \(report.missing.count) chunk(s) in \(report.documentsWithMissingChunks.count) document(s)")
            for item in report.missing.prefix(20) { lines.append("  missing  \(item.docId)  \(item.chunkId.uuidString)") }
            if report.missing.count > 20 { lines.append("  ... and \(report.missing.count - 20) more") }
            lines.append("orphans in the store (not in the manifest): \(report.orphans.count)")
            for item in report.orphans.prefix(20) { lines.append("  orphan   \(item.docId.isEmpty ? "(no doc_id)" : item.docId)  \(item.chunkId.uuidString)") }
            if report.orphans.count > 20 { lines.append("  ... and \(report.orphans.count - 20) more") }
        }
        if !result.repairing, !report.isConsistent {
            lines.append("run `supportkit ingest PATH... --verify --repair` with the same paths and store to fix it")
        }
        if result.repairing, !report.isConsistent {
            let after = result.after
            lines.append("repair: deleted \(result.deleted) orphan point(s); re-ingested \(result.reingested.count) document(s)"
                + (result.summary.map { ", wrote \($0.written) point(s), embedded \($0.embedded) text(s)" } ?? ""))
            lines.append("after repair: " + (after.isConsistent ? "store and manifest agree" : "\(after.missing.count) missing, \(after.orphans.count) orphan(s) remain; "
                + "check that the paths given are the ones ingested before"))
        }
        Terminal.output(lines.joined(separator: "\n"))
        for error in result.summary?.errors ?? [] { Terminal.diagnostic("error: \(error)") }
    }
}
