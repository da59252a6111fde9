import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitIngest

/// Folders that cannot be read keep their documents; symbolic links never make the walk go round.
@Suite struct WalkSafetyTests {
    /// Lists folders like the file system, except those whose path ends with one of `unreadable`, which fail with
    /// "permission denied" (the tests run as root, where `chmod 000` changes nothing).
    struct FailingFolders: CorpusFolders {
        var unreadable: [String]
        func contentsOfFolder(atPath path: String) throws -> [String] {
            if unreadable.contains(where: { path.hasSuffix("/" + $0) }) {
                throw CocoaError(.fileReadNoPermission, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))])
            }
            return try FileManager.default.contentsOfDirectory(atPath: path)
        }
    }

    static func corpus(_ harness: IngestHarness) throws {
        for name in ["refunds", "invoices", "duplicate-charges"] {
            try harness.corpus.write(IngestHarness.article(name), to: "billing/\(name).md")
        }
        try harness.corpus.write(IngestHarness.article("Nested"), to: "billing/cards/expired.md")
        for name in ["password", "email"] {
            try harness.corpus.write(IngestHarness.article(name), to: "account/\(name).md")
        }
    }

    @Test func anUnreadableFolderKeepsEveryDocumentUnderIt() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try Self.corpus(harness)
        let first = try await harness.run()
        #expect(first.documents.added == 6)
        let before = try await harness.snapshot()

        let summary = try await harness.run(folders: FailingFolders(unreadable: ["billing"]))
        #expect(summary.documents.deleted == 0)
        #expect(summary.chunks.deleted == 0)
        #expect(summary.removed == 0)
        let error = try #require(summary.errors.first)
        #expect(summary.errors.count == 1)
        #expect(error.location.path == "billing")
        #expect(error.field == "folder")
        #expect(error.problem.hasPrefix("unreadable (permission denied)"))
        #expect(error.problem.contains("kept"))
        #expect(try await harness.snapshot() == before)

        // Readable again: nothing to do, nothing was lost.
        let again = try await harness.run()
        #expect(again.documents.unchanged == 6)
        #expect(again.documents.deleted == 0)
    }

    @Test func anUnreadableRootOrSubfolderIsKeptToo() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try Self.corpus(harness)
        _ = try await harness.run()
        let before = try await harness.snapshot()
        let nested = try await harness.run(folders: FailingFolders(unreadable: ["billing/cards"]))
        #expect(nested.documents.deleted == 0)
        #expect(nested.errors.map(\.location.path) == ["billing/cards"])
        let root = try await harness.run(folders: FailingFolders(unreadable: [harness.corpus.url.lastPathComponent]))
        #expect(root.documents.deleted == 0)
        #expect(try await harness.snapshot() == before)
    }

    @Test func aLinkBackToAnAncestorIsSkippedAndNamed() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try Self.corpus(harness)
        let billing = harness.corpus.url.appendingPathComponent("billing")
        try FileManager.default.createSymbolicLink(atPath: billing.appendingPathComponent("loop").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: billing.appendingPathComponent("up").path, withDestinationPath: "..")
        let summary = try await harness.run()
        #expect(summary.documents.added == 6)
        #expect(summary.documents.failed == 0)
        #expect(Set(summary.errors.map(\.location.path)) == ["billing/loop", "billing/up"])
        #expect(summary.errors.allSatisfy { $0.problem.contains("already walked") })
        let ids = try await harness.manifestEntries().keys.sorted()
        #expect(ids.allSatisfy { !$0.contains("loop") && !$0.contains("up/") })
    }

    @Test func aLinkedFolderInsideTheRootIsWalkedOnceUnderItsRealPath() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try Self.corpus(harness)
        // "aaa" sorts before "billing": the real folder still wins.
        try FileManager.default.createSymbolicLink(
            atPath: harness.corpus.url.appendingPathComponent("aaa").path, withDestinationPath: "billing")
        let summary = try await harness.run()
        #expect(summary.documents.added == 6)
        let ids = try await harness.manifestEntries().keys
        #expect(ids.contains("billing/refunds"))
        #expect(!ids.contains { $0.hasPrefix("aaa/") })
        #expect(summary.errors.map(\.location.path) == ["aaa"])
    }
}
