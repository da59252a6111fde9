import Foundation
import GRDB
import SupportKit
import SupportKitStore

/// Hand-off tickets in SQLite (`.supportkit/assistant.sqlite` by default), or in memory for evaluation
/// runs and tests, which must not leave tickets behind.
///
/// Ids are sequential (`T-00042`) so that a person can read one out over the phone.
public struct TicketStore: Sendable {
    private let database: any DatabaseWriter
    /// Where the tickets live (`:memory:` for an in-memory store).
    public let location: String

    /// Opens (creating when needed) the ticket database at `path`.
    /// - Throws: `SupportKitError.unavailable` when the file cannot be opened or migrated.
    public init(path: String) throws {
        database = try SQLiteFile.open(path, what: "the ticket database", migrator: Self.migrator)
        location = path
    }

    /// A store that lives only as long as the process.
    public static func inMemory() throws -> TicketStore {
        try TicketStore(memory: ())
    }

    private init(memory: Void) throws {
        database = try SQLiteFile.inMemory(what: "ticket database", migrator: Self.migrator)
        location = ":memory:"
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tickets") { db in
            try db.execute(sql: """
                CREATE TABLE tickets (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    customer_id TEXT NOT NULL,
                    opened_at REAL NOT NULL,
                    priority TEXT NOT NULL,
                    reasons TEXT NOT NULL,       -- JSON array of strings
                    summary TEXT NOT NULL,
                    transcript TEXT NOT NULL     -- JSON array of "customer: ..." / "assistant: ..." lines
                );
                CREATE INDEX tickets_customer ON tickets(customer_id, opened_at);
                """)
        }
        migrator.registerMigration("v2-one-ticket-per-conversation") { db in
            // The database, not the timing of turns, guarantees one hand-off per conversation.
            try db.execute(sql: """
                ALTER TABLE tickets ADD COLUMN conversation_id TEXT;
                CREATE UNIQUE INDEX tickets_conversation ON tickets(customer_id, conversation_id) WHERE conversation_id IS NOT NULL;
                """)
        }
        return migrator
    }

    /// Opens a ticket and returns it with its new id; for a conversation that already has one, returns that one.
    ///
    /// - Parameter conversationId: the conversation the hand-off is for; at most one ticket is opened per
    ///   conversation of a customer, whatever the timing of its turns. Nil for a ticket that belongs to no conversation.
    public func open(
        customerId: String, conversationId: String? = nil, priority: Ticket.Priority, reasons: [String], summary: String,
        transcript: [String], at time: Date = Date()
    ) async throws -> Ticket {
        let reasonsJSON = try Self.json(reasons)
        let transcriptJSON = try Self.json(transcript)
        return try await write { db in
            if let conversationId,
               let existing = try Row.fetchOne(
                   db, sql: "SELECT * FROM tickets WHERE customer_id = ? AND conversation_id = ?", arguments: [customerId, conversationId]) {
                return try Self.ticket(from: existing)
            }
            // AUTOINCREMENT remembers the highest number ever used, so an erased customer's ticket ids are not reused.
            let next = (try Int.fetchOne(db, sql: """
                SELECT MAX(COALESCE((SELECT MAX(seq) FROM tickets), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'tickets'), 0)) + 1
                """) ?? 1)
            let id = String(format: "T-%05d", next)
            try db.execute(
                sql: """
                    INSERT INTO tickets (seq, id, customer_id, conversation_id, opened_at, priority, reasons, summary, transcript)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [next, id, customerId, conversationId, time.timeIntervalSince1970, priority.rawValue, reasonsJSON, summary, transcriptJSON])
            return Ticket(id: id, customerId: customerId, openedAt: time, priority: priority, reasons: reasons, summary: summary, transcript: transcript)
        }
    }

    /// Tickets, newest first, optionally only one customer's.
    public func list(customerId: String? = nil, limit: Int = 100) async throws -> [Ticket] {
        try await read { db in
            let rows: [Row]
            if let customerId {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM tickets WHERE customer_id = ? ORDER BY seq DESC LIMIT ?", arguments: [customerId, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM tickets ORDER BY seq DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map(Self.ticket(from:))
        }
    }

    /// Deletes every ticket of `customerId` (a customer being erased).
    ///
    /// - Returns: How many tickets were deleted.
    @discardableResult
    public func deleteTickets(customerId: String) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM tickets WHERE customer_id = ?", arguments: [customerId])
            return db.changesCount
        }
    }

    /// The ticket with `id`, or nil.
    public func ticket(id: String) async throws -> Ticket? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tickets WHERE id = ?", arguments: [id]).map(Self.ticket(from:))
        }
    }

    private static func ticket(from row: Row) throws -> Ticket {
        let id: String = row["id"]
        func strings(_ column: String) throws -> [String] {
            let text: String = row[column]
            guard let decoded = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
                throw SupportKitError(.corrupt, "ticket \(id): column \(column) is not a JSON list of strings; the ticket database is damaged")
            }
            return decoded
        }
        let priorityName: String = row["priority"]
        return Ticket(
            id: id, customerId: row["customer_id"], openedAt: Date(timeIntervalSince1970: row["opened_at"]),
            priority: Ticket.Priority(rawValue: priorityName) ?? .normal, reasons: try strings("reasons"),
            summary: row["summary"], transcript: try strings("transcript"))
    }

    private static func json(_ strings: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(strings), as: UTF8.self)
    }

    private func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await database.write(file: location, body)
        } catch let error as SupportKitError {
            throw error
        } catch {
            throw SupportKitError(.unavailable, "cannot write to the ticket database at \(location)", underlying: error)
        }
    }

    private func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as SupportKitError {
            throw error
        } catch {
            throw SupportKitError(.unavailable, "cannot read the ticket database at \(location)", underlying: error)
        }
    }
}
