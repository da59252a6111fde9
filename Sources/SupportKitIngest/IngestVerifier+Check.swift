import Foundation
import SupportKit

/// What `ingest --verify [--repair]` found and did.
public struct VerifyResult: Sendable {
    /// The first verification.
    public var before: IngestVerifier.Report
    /// The verification after a repair (the first one without `--repair`).
    public var after: IngestVerifier.Report
    /// Whether a repair was asked for.
    public var repairing: Bool
    /// Orphan points deleted.
    public var deleted = 0
    /// Documents re-ingested.
    public var reingested: [String] = []
    /// The re-ingest, when documents had missing chunks.
    public var summary: IngestSummary?

    /// The `--json` result.
    public var output: VerifyOutput {
        VerifyOutput(before: before, after: repairing ? after : nil, deleted: deleted, reingested: reingested)
    }
}

extension IngestVerifier {
    /// Verifies; with `repair`, deletes orphans, re-ingests the documents with missing chunks, and verifies again.
    ///
    /// - Parameters:
    ///   - repair: whether to repair what the first verification found.
    ///   - reingest: runs an ingest of the same paths (called only when documents have missing chunks).
    /// - Returns: both verifications and what the repair did.
    /// - Throws: store, manifest and ingest errors.
    public func check(repair: Bool, reingest: () async throws -> IngestSummary) async throws -> VerifyResult {
        let before = try await verify()
        var result = VerifyResult(before: before, after: before, repairing: repair)
        guard repair, !before.isConsistent else { return result }
        (result.deleted, result.reingested) = try await self.repair(before)
        if !result.reingested.isEmpty { result.summary = try await reingest() }
        result.after = try await verify()
        return result
    }
}
