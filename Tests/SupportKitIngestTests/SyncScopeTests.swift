import Foundation
import GRDB
import SupportKit
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitIngest

/// What a run may delete: only documents of the roots (or parts of roots) it was given, whose files are gone.
@Suite struct SyncScopeTests {
    /// Ten articles: six in account/, four in billing/, ingested from the corpus root.
    static func ingestedCorpus() async throws -> (IngestHarness, [String: IngestManifest.Entry]) {
        let harness = try IngestHarness()
        for index in 1...6 { try harness.corpus.write(IngestHarness.article("Account \(index)", sections: 1), to: "account/a\(index).md") }
        for index in 1...4 { try harness.corpus.write(IngestHarness.article("Billing \(index)", sections: 1), to: "billing/b\(index).md") }
        let first = try await harness.run()
        #expect(first.documents.added == 10)
        return (harness, try await harness.manifestEntries())
    }

    /// A full dry run that would change nothing.
    static func expectInSync(_ harness: IngestHarness) async throws {
        let plan = try await harness.run(dryRun: true)
        #expect(plan.documents.added == 0 && plan.documents.changed == 0 && plan.documents.deleted == 0)
        #expect(plan.plan.isEmpty)
    }

    @Test func aMissingPathIsAnErrorAndDeletesNothing() async throws {
        let (harness, before) = try await Self.ingestedCorpus()
        defer { harness.remove() }
        let snapshot = try await harness.snapshot()
        let typo = harness.corpus.url.deletingLastPathComponent().appendingPathComponent("corpra-\(UUID().uuidString)")
        let summary = try await harness.run([typo])
        #expect(summary.errors.count == 1)
        #expect(summary.errors.first?.field == "path")
        #expect(summary.errors.first?.problem == "does not exist")
        #expect(summary.documents.deleted == 0 && summary.removed == 0)
        #expect(try await harness.manifestEntries() == before)
        #expect(try await harness.snapshot() == snapshot)
        // The other paths of the run are still processed.
        try harness.corpus.write(IngestHarness.article("Billing 5", sections: 1), to: "billing/b5.md")
        let mixed = try await harness.run([typo, harness.corpus.url])
        #expect(mixed.errors.count == 1)
        #expect(mixed.documents.added == 1 && mixed.documents.deleted == 0)
        try await Self.expectInSync(harness)
    }

    @Test func aSubfolderSyncsItsPartWithTheSameIDs() async throws {
        let (harness, before) = try await Self.ingestedCorpus()
        defer { harness.remove() }
        let summary = try await harness.run([harness.corpus.url.appendingPathComponent("account")])
        #expect(summary.errors.isEmpty)
        #expect(summary.documents.added == 0 && summary.documents.deleted == 0 && summary.documents.changed == 0)
        #expect(summary.documents.unchanged == 6)
        #expect(try await harness.manifestEntries() == before)
        try await Self.expectInSync(harness)

        // An edit under the subfolder keeps the document's id; a deleted file is still pruned.
        try harness.corpus.write(IngestHarness.article("Account 2", sections: 2), to: "account/a2.md")
        try FileManager.default.removeItem(at: harness.corpus.url.appendingPathComponent("account/a3.md"))
        let second = try await harness.run([harness.corpus.url.appendingPathComponent("account")])
        #expect(second.plan["changed"] == ["account/a2"])
        #expect(second.plan["deleted"] == ["account/a3"])
        #expect(second.documents.added == 0)
        let after = try await harness.manifestEntries()
        #expect(Set(after.keys) == Set(before.keys).subtracting(["account/a3"]))
        try await Self.expectInSync(harness)
    }

    @Test func aSingleFileSyncsOnlyThatFile() async throws {
        let (harness, before) = try await Self.ingestedCorpus()
        defer { harness.remove() }
        let file = harness.corpus.url.appendingPathComponent("billing/b2.md")
        let summary = try await harness.run([file])
        #expect(summary.documents.unchanged == 1)
        #expect(summary.documents.deleted == 0 && summary.documents.added == 0)
        #expect(try await harness.manifestEntries() == before)
        // Removing the file and naming it again is an error for that path, not a deletion.
        try FileManager.default.removeItem(at: file)
        let gone = try await harness.run([file])
        #expect(gone.errors.map(\.problem) == ["does not exist"])
        #expect(gone.documents.deleted == 0)
        // The whole root prunes it.
        let full = try await harness.run()
        #expect(full.plan["deleted"] == ["billing/b2"])
        try await Self.expectInSync(harness)
    }

    @Test func moreThanHalfOfTheDocumentsIsNotDeletedWithoutTheFlag() async throws {
        let (harness, before) = try await Self.ingestedCorpus()
        defer { harness.remove() }
        for index in 1...6 { try FileManager.default.removeItem(at: harness.corpus.url.appendingPathComponent("account/a\(index).md")) }
        let snapshot = try await harness.snapshot()
        await #expect {
            _ = try await harness.run()
        } throws: { error in
            guard case IngestError.massDeletion(let summary) = error else { return false }
            return summary.massDeletion == IngestSummary.MassDeletion(documents: 6, of: 10, allowed: false)
        }
        #expect(try await harness.manifestEntries() == before)
        #expect(try await harness.snapshot() == snapshot)
        // The dry run shows the same.
        let plan = try await harness.run(dryRun: true)
        #expect(plan.massDeletion == IngestSummary.MassDeletion(documents: 6, of: 10, allowed: false))
        #expect(plan.documents.deleted == 6)
        // With the flag it goes ahead.
        let allowed = try await harness.run(allowMassDeletion: true)
        #expect(allowed.documents.deleted == 6)
        #expect(allowed.massDeletion?.allowed == true)
        #expect(Set(try await harness.manifestEntries().keys) == ["billing/b1", "billing/b2", "billing/b3", "billing/b4"])
    }

    @Test func aHandfulOfDeletionsNeedsNoFlag() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        for index in 1...4 { try harness.corpus.write(IngestHarness.article("Orders \(index)", sections: 1), to: "orders/o\(index).md") }
        _ = try await harness.run()
        for index in 1...3 { try FileManager.default.removeItem(at: harness.corpus.url.appendingPathComponent("orders/o\(index).md")) }
        let summary = try await harness.run()
        #expect(summary.documents.deleted == 3)
        #expect(summary.massDeletion == nil)
    }

    @Test func aStoreFromBeforeRootsIsTakenOverWithoutDeletions() async throws {
        let (harness, before) = try await Self.ingestedCorpus()
        defer { harness.remove() }
        // What a store written before the manifest recorded roots looks like after its migration.
        let database = try StoreDatabase(path: harness.storePath)
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE manifest SET root = ''")
            try db.execute(sql: "UPDATE manifest_files SET root = ''")
            try db.execute(sql: "DELETE FROM manifest_roots")
        }
        let summary = try await harness.run([harness.corpus.url.appendingPathComponent("account")])
        #expect(summary.documents.added == 0 && summary.documents.deleted == 0)
        #expect(summary.filesSkipped == 6)
        #expect(try await harness.manifestEntries() == before)
        try await Self.expectInSync(harness)
    }

    @Test func aMovedCorpusKeepsItsDocuments() async throws {
        let (harness, before) = try await Self.ingestedCorpus()
        defer { harness.remove() }
        let moved = harness.corpus.url.deletingLastPathComponent().appendingPathComponent("moved-\(UUID().uuidString)")
        try FileManager.default.moveItem(at: harness.corpus.url, to: moved)
        defer { try? FileManager.default.removeItem(at: moved) }
        let summary = try await harness.run([moved])
        #expect(summary.documents.added == 0 && summary.documents.deleted == 0)
        #expect(summary.documents.unchanged == 10)
        #expect(Set(try await harness.manifestEntries().keys) == Set(before.keys))
        let again = try await harness.run([moved], dryRun: true)
        #expect(again.plan.isEmpty)
    }

    @Test func anotherRootCannotTakeAKnownDocumentID() async throws {
        let (harness, before) = try await Self.ingestedCorpus()
        defer { harness.remove() }
        let other = try TemporaryDirectory(prefix: "other-corpus")
        defer { other.remove() }
        try other.write(IngestHarness.article("Impostor", sections: 1), to: "account/a1.md")
        try other.write(IngestHarness.article("Orders FAQ", sections: 1), to: "orders/faq.md")
        let summary = try await harness.run([other.url])
        #expect(summary.errors.map(\.field) == ["id"])
        #expect(summary.documents.added == 1 && summary.documents.deleted == 0)
        let after = try await harness.manifestEntries()
        #expect(after["account/a1"] == before["account/a1"])
        #expect(after["orders/faq"] != nil)
        // Each root keeps its own documents when the other is synced.
        try await Self.expectInSync(harness)
    }

    @Test func aFolderTakesInARootInsideIt() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        // The category is in the front matter: a file ingested on its own has no category folder.
        try harness.corpus.write("---\ntitle: Billing 1\ncategory: billing\n---\nHow billing works.\n", to: "billing/b1.md")
        try harness.corpus.write(IngestHarness.article("Orders 1", sections: 1), to: "orders/o1.md")
        let single = try await harness.run([harness.corpus.url.appendingPathComponent("billing/b1.md")])
        #expect(single.errors.isEmpty, "\(single.errors)")
        #expect(single.plan["added"] == ["b1"])
        let whole = try await harness.run(allowMassDeletion: false)
        #expect(whole.plan["added"] == ["billing/b1", "orders/o1"])
        #expect(whole.plan["deleted"] == ["b1"])
        #expect(Set(try await harness.manifestEntries().keys) == ["billing/b1", "orders/o1"])
        try await Self.expectInSync(harness)
    }
}
