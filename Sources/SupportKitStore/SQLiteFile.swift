import Foundation
import GRDB
import SupportKit

/// The one way supportkit opens a SQLite file of its own (store, results, tickets, LLM cache): make its folder,
/// open it, bring its schema up to date, and on failure say which file and what to do.
public enum SQLiteFile {
    /// Opens (creating when needed) the database at `path` with `connect` and migrates it.
    ///
    /// - Parameters:
    ///   - path: The file, as the user gave it.
    ///   - what: What it is, for the error (`the ticket database`).
    ///   - migrator: The file's schema.
    ///   - remedy: What to check when it cannot be opened.
    ///   - connect: Opens the path: a `DatabaseQueue` for small files, a `DatabasePool` (WAL with concurrent
    ///     readers) for the store and the results, with their configuration.
    /// - Throws: `SupportKitError.unavailable` naming the file.
    public static func open<Writer: DatabaseWriter>(
        _ path: String, what: String, migrator: DatabaseMigrator, remedy: String = "check that the folder is writable",
        connect: (String) throws -> Writer = { try DatabaseQueue(path: $0) }
    ) throws(SupportKitError) -> Writer {
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let writer = try connect(path)
            try migrator.migrate(writer)
            return writer
        } catch {
            throw SupportKitError(.unavailable, "cannot open \(what) at \(path); \(remedy)", underlying: error)
        }
    }

    /// An in-memory database with `migrator`'s schema, for tests and previews.
    public static func inMemory(what: String, migrator: DatabaseMigrator) throws(SupportKitError) -> DatabaseQueue {
        do {
            let queue = try DatabaseQueue()
            try migrator.migrate(queue)
            return queue
        } catch {
            throw SupportKitError(.unavailable, "cannot create an in-memory \(what)", underlying: error)
        }
    }
}
