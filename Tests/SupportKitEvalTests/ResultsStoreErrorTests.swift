import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitEval

/// A damaged results database gets a short error that names the file, never a SQL statement.
@Suite struct ResultsStoreErrorTests {
    @Test func aCorruptResultsDatabaseNamesTheFileWithoutSQL() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write(String(repeating: "this is not a database\n", count: 400), to: "results.sqlite").path
        do {
            _ = try ResultsStore(path: path)
            Issue.record("a corrupt file opened")
        } catch {
            #expect(error.message.contains(path))
            #expect(!error.description.contains("while executing"))
            #expect(!error.description.contains("SELECT"))
            #expect(error.description.contains("not a database"))
        }
    }

    @Test func renderDropsTheStatement() {
        struct Fake: Error, CustomStringConvertible {
            var description: String { "SQLite error 13: database or disk is full - while executing `INSERT INTO points VALUES (?)`" }
        }
        #expect(SupportKitError.render(Fake()) == "SQLite error 13: database or disk is full")
    }
}
