import Foundation
import GRDB
import SupportKit
import SupportKitStore

/// Chat-completion responses in SQLite, keyed by a hash of the request (model, messages, settings and
/// base URL; never the API key), so a repeated evaluation run makes no calls.
public struct LLMResponseCache: Sendable {
    private let database: any DatabaseWriter

    /// Opens (creating when needed) the cache at `path`.
    /// - Throws: `SupportKitError.unavailable` when the file cannot be opened.
    public init(path: String) throws {
        database = try SQLiteFile.open(path, what: "the LLM response cache", migrator: Self.migrator)
    }

    /// A cache that lives as long as the process.
    public static func inMemory() throws -> LLMResponseCache {
        try LLMResponseCache(queue: DatabaseQueue())
    }

    private init(queue: DatabaseQueue) throws {
        try Self.migrator.migrate(queue)
        database = queue
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-responses") { db in
            try db.execute(sql: """
                CREATE TABLE responses (
                    key TEXT PRIMARY KEY,        -- SHA-256 of base URL + request body
                    model TEXT NOT NULL,
                    response TEXT NOT NULL,
                    created_at REAL NOT NULL
                )
                """)
        }
        return migrator
    }

    /// The cached response for `key`, or nil.
    public func response(for key: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT response FROM responses WHERE key = ?", arguments: [key])
        }
    }

    /// Stores `response` under `key`.
    public func store(_ response: String, for key: String, model: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO responses (key, model, response, created_at) VALUES (?, ?, ?, ?)",
                arguments: [key, model, response, Date().timeIntervalSince1970])
        }
    }

    /// How many responses are cached.
    public func count() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM responses") ?? 0 }
    }
}
