import Foundation
import GRDB
import SupportKitStore
import SupportKit

/// Where conversation rows of a run point back to: the suite file and line of each conversation.
public struct ConversationInfo: Sendable, Hashable, Codable {
    /// The conversation id.
    public var conversationId: String
    /// Position in the suite.
    public var ordinal: Int
    /// The customer the conversation is with.
    public var customerId: String
    /// Where the conversation starts in its suite file.
    public var location: SourceLocation?
    /// Turns in the conversation.
    public var turnCount: Int
    /// The customer's profile facts (`plan: premium`), for slices.
    public var profile: [String: String] = [:]

    /// A conversation's row.
    public init(
        conversationId: String, ordinal: Int, customerId: String, location: SourceLocation?, turnCount: Int, profile: [String: String] = [:]
    ) {
        self.conversationId = conversationId
        self.ordinal = ordinal
        self.customerId = customerId
        self.location = location
        self.turnCount = turnCount
        self.profile = profile
    }
}

/// The results database (`reports/results.sqlite` by default): runs, their turns, metrics and gates.
///
/// Turns are written one at a time as they complete, so an interrupted run loses at most the turns in
/// flight and `--resume` can finish it. The file is a plain SQLite database in WAL mode; its schema is
/// documented in docs/results-schema.md for people who want to query it with `sqlite3`.
public final class ResultsStore: Sendable {
    private let writer: any DatabaseWriter
    /// The database's path, for errors (a full disk names it).
    private let file: String

    /// Opens (creating when missing) the database at `path` and brings its schema up to date.
    ///
    /// - Throws: `SupportKitError.unavailable` when the file cannot be opened or migrated.
    public init(path: String) throws(SupportKitError) {
        file = path
        var configuration = Configuration()
        // Two evals may share one results database: a writer waits for the other's (short, per-turn)
        // transaction instead of failing with "database is locked".
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            // WAL without a sync per commit: one small transaction per turn stays cheap, and a crash
            // loses at most the last turns, which --resume redoes.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        writer = try SQLiteFile.open(path, what: "the results database", migrator: Self.migrator) {
            try DatabasePool(path: $0, configuration: configuration)
        }
    }

    /// An in-memory database, for tests and previews.
    public init() throws(SupportKitError) {
        file = "the in-memory results database"
        writer = try SQLiteFile.inMemory(what: "results database", migrator: Self.migrator)
    }

    // MARK: - Writing

    /// Records a new run and the conversations it will evaluate.
    public func createRun(_ run: RunInfo, conversations: [Conversation]) async throws {
        try await writer.write(file: file) { db in
            try Self.insert(run, db: db)
            for (ordinal, conversation) in conversations.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO conversations (run_id, conversation_id, ordinal, customer_id, source, line, turn_count, profile)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [run.id, conversation.id, ordinal, conversation.customer.id, conversation.location?.path,
                                conversation.location?.line, conversation.turns.count,
                                conversation.customer.profile.isEmpty ? nil : Self.json(conversation.customer.profile)])
            }
        }
    }

    /// Writes (or replaces) one turn's result.
    public func record(_ turn: TurnRecord, runId: String, completedAt: Date = Date()) async throws {
        try await writer.write(file: file) { db in try Self.insert(turn, runId: runId, completedAt: completedAt, db: db) }
    }

    /// Deletes the recorded turns of one conversation (before replaying it from its first turn).
    public func deleteTurns(runId: String, conversationId: String) async throws {
        try await writer.write(file: file) { db in
            try db.execute(sql: "DELETE FROM turns WHERE run_id = ? AND conversation_id = ?", arguments: [runId, conversationId])
        }
    }

    /// Stores a finished run's metrics and gate results and marks it complete, or, with `complete: false`
    /// (some turns could not reach the assistant), stores them and leaves the run for `--resume` to finish.
    public func finishRun(
        id: String, metrics: [String: MetricValue], gates: [GateResult], baselineRun: String?, at date: Date = Date(),
        complete: Bool = true
    ) async throws {
        try await writer.write(file: file) { db in
            try db.execute(sql: "DELETE FROM metrics WHERE run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM gates WHERE run_id = ?", arguments: [id])
            for name in metrics.keys.sorted() {
                guard let metric = metrics[name] else { continue }
                try db.execute(
                    sql: "INSERT INTO metrics (run_id, name, value, ci_low, ci_high, n) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [id, name, metric.value, metric.ciLow, metric.ciHigh, metric.n])
            }
            for (position, gate) in gates.enumerated() {
                try db.execute(
                    sql: "INSERT INTO gates (run_id, position, rule, passed, detail, skipped) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [id, position, gate.rule, gate.passed, gate.detail, gate.skipped])
            }
            try db.execute(
                sql: "UPDATE runs SET status = ?, finished_at = ?, baseline_run = ? WHERE id = ?",
                arguments: [complete ? RunInfo.Status.complete.rawValue : RunInfo.Status.running.rawValue,
                            complete ? Self.timestamp(date) : nil, baselineRun, id])
        }
    }

    /// Inserts a whole run at once (imports, tests and benchmarks).
    public func importRun(_ run: RunInfo, turns: [TurnRecord], metrics: [String: MetricValue], gates: [GateResult] = []) async throws {
        try await writer.write(file: file) { db in
            try Self.insert(run, db: db)
            // Conversation rows keep the turns' order, which is the order reports list them in.
            var order: [String] = []
            var counts: [String: Int] = [:]
            for turn in turns {
                if counts[turn.conversationId] == nil { order.append(turn.conversationId) }
                counts[turn.conversationId, default: 0] += 1
            }
            for (ordinal, id) in order.enumerated() {
                try db.execute(
                    sql: "INSERT INTO conversations (run_id, conversation_id, ordinal, customer_id, turn_count) VALUES (?, ?, ?, ?, ?)",
                    arguments: [run.id, id, ordinal, "", counts[id] ?? 0])
            }
            for turn in turns { try Self.insert(turn, runId: run.id, completedAt: run.startedAt, db: db) }
        }
        if run.status == .complete {
            try await finishRun(id: run.id, metrics: metrics, gates: gates, baselineRun: run.baselineRun,
                                at: run.finishedAt ?? run.startedAt)
        }
    }

    // MARK: - Reading

    /// Every run, newest first.
    public func runs() throws -> [RunInfo] {
        try writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC, id DESC").compactMap(Self.run) }
    }

    /// The run with `id`, or nil.
    public func run(id: String) throws -> RunInfo? {
        try writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).flatMap(Self.run) }
    }

    /// The baseline a new run compares with: `resolveRun`, except that `latest` with no earlier complete run is
    /// nil (a first CI run on a fresh results database has nothing to compare with, which is not an error).
    ///
    /// - Throws: `SupportKitError.invalidInput` for a named run that does not exist or an ambiguous prefix.
    public func resolveBaseline(_ reference: String, excluding: String? = nil) throws -> RunInfo? {
        if reference == "latest", try !runs().contains(where: { $0.status == .complete && $0.id != excluding }) {
            return nil
        }
        return try resolveRun(reference, excluding: excluding)
    }

    /// Resolves what a person typed: an exact id, `latest` (the newest complete run, skipping
    /// `excluding`), or a unique prefix of an id.
    ///
    /// - Throws: `SupportKitError.invalidInput` saying which runs exist when nothing or several match.
    public func resolveRun(_ reference: String, excluding: String? = nil) throws -> RunInfo {
        let all = try runs().filter { $0.id != excluding }
        if reference == "latest" {
            guard let run = all.first(where: { $0.status == .complete }) else {
                throw SupportKitError(.invalidInput, "no complete run to use as \"latest\" yet; run `supportkit eval` first")
            }
            return run
        }
        if let exact = all.first(where: { $0.id == reference }) { return exact }
        let matches = all.filter { $0.id.hasPrefix(reference) }
        if matches.count == 1, let match = matches.first { return match }
        if matches.isEmpty {
            throw SupportKitError(.invalidInput, "no run \"\(reference)\"; `supportkit runs list` shows the runs")
        }
        throw SupportKitError(.invalidInput, "\"\(reference)\" matches \(matches.count) runs (\(matches.prefix(5).map(\.id).joined(separator: ", "))); type more of the id")
    }

    /// The run's recorded turns, in suite order.
    ///
    /// A large run has thousands of turns, each with several JSON columns: the rows are read in one
    /// transaction in key order (sorting wide rows in SQL cost more than the read), and their JSON is decoded
    /// on a second thread while the read goes on; the records are put in suite order at the end.
    public func turns(runId: String) throws -> [TurnRecord] {
        let decoding = BackgroundBatchMap<StoredTurn, TurnRecord> { $0.record() }
        let ordinals: [String: Int]
        do {
            ordinals = try writer.read { db in
                let ordinals = try Dictionary(
                    Row.fetchAll(db, sql: "SELECT conversation_id, ordinal FROM conversations WHERE run_id = ?", arguments: [runId])
                        .map { (row: Row) -> (String, Int) in (row[0], row[1]) },
                    uniquingKeysWith: { first, _ in first })
                let cursor = try Row.fetchCursor(db, sql: "SELECT \(StoredTurn.columns) FROM turns t WHERE t.run_id = ?", arguments: [runId])
                var batch: [StoredTurn] = []
                while let row = try cursor.next() {
                    batch.append(StoredTurn(row))
                    if batch.count == Self.decodingBatch {
                        decoding.submit(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                decoding.submit(batch)
                return ordinals
            }
        } catch {
            _ = decoding.finish()   // the helper thread ends with the work already handed to it
            throw error
        }
        let records = decoding.finish()
        // Conversations the run did not list (imported turns) go last, by id.
        let keys = records.map { (ordinals[$0.conversationId] ?? Int.max, $0.conversationId, $0.turnIndex) }
        return records.indices.sorted { keys[$0] < keys[$1] }.map { records[$0] }
    }

    /// Rows handed to the decoding thread at a time: enough to keep the hand-off cheap, few enough that decoding
    /// starts early and the last batch, decoded after the read, is short.
    static let decodingBatch = 200

    /// The run's conversations, in suite order.
    public func conversations(runId: String) throws -> [ConversationInfo] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conversations WHERE run_id = ? ORDER BY ordinal", arguments: [runId]).map { row in
                let source: String? = row["source"]
                let line: Int? = row["line"]
                return ConversationInfo(
                    conversationId: row["conversation_id"], ordinal: row["ordinal"], customerId: row["customer_id"],
                    location: source.map { SourceLocation(path: $0, line: line ?? 1) }, turnCount: row["turn_count"],
                    profile: Self.decode([String: String].self, row["profile"]) ?? [:])
            }
        }
    }

    /// The run's stored metrics.
    public func metrics(runId: String) throws -> [String: MetricValue] {
        try writer.read { db in
            var result: [String: MetricValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM metrics WHERE run_id = ?", arguments: [runId]) {
                result[row["name"]] = MetricValue(value: row["value"], ciLow: row["ci_low"], ciHigh: row["ci_high"], n: row["n"])
            }
            return result
        }
    }

    /// The run's gate results, in the order given.
    public func gates(runId: String) throws -> [GateResult] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM gates WHERE run_id = ? ORDER BY position", arguments: [runId]).map {
                GateResult(rule: $0["rule"], passed: $0["passed"], detail: $0["detail"], skipped: $0["skipped"])
            }
        }
    }

    // MARK: - Rows

    private static func insert(_ run: RunInfo, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO runs (id, started_at, finished_at, status, suite_hash, suite_paths, conversation_count,
                    turn_count, fingerprints, embedder, classifier, corpus_hash, git_commit, tool_version, seed,
                    concurrency, turn_timeout, baseline_run, knowledge, slices)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.id, timestamp(run.startedAt), run.finishedAt.map(timestamp), run.status.rawValue, run.suiteHash,
                json(run.suitePaths), run.conversationCount, run.turnCount, json(run.fingerprints),
                run.fingerprints[FingerprintKey.embedder], run.fingerprints[FingerprintKey.classifier],
                run.fingerprints[FingerprintKey.corpusHash], run.fingerprints[FingerprintKey.gitCommit],
                run.fingerprints[FingerprintKey.toolVersion], Int64(bitPattern: run.seed), run.concurrency,
                run.turnTimeout, run.baselineRun, run.knowledge.map(json), run.slices.isEmpty ? nil : json(run.slices),
            ])
    }

    private static func insert(_ turn: TurnRecord, runId: String, completedAt: Date, db: Database) throws {
        let p = turn.prediction
        // One insert per turn: a cached statement skips compiling it each time.
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO turns (run_id, conversation_id, turn_index, user_text, expected_intent,
                    expected_category, expected_docs, expected_escalate, status, error, predicted_intent, confidence,
                    predicted_category, category_confidence, ranked_docs, retrieved, escalated, escalation_reasons,
                    ticket_id, memory_recalled, answer, classifier, latency_ms, classify_ms, memory_ms, retrieve_ms,
                    respond_ms, completed_at, answer_review)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                runId, turn.conversationId, turn.turnIndex, turn.user, turn.expected.intent, turn.expected.category,
                turn.expected.docs.map(json), turn.expected.escalate, turn.status.rawValue, turn.error, p?.intent,
                p?.confidence, p?.category, p?.categoryConfidence, p.map { json($0.rankedDocIds) },
                p.map { json($0.retrieved) }, p?.escalated, p.map { json($0.escalationReasons) }, p?.ticketId,
                p.map { json($0.memoryRecalled) }, p?.answer, p?.classifier, turn.latencyMs, p?.timings.classify,
                p?.timings.memory, p?.timings.retrieve, p?.timings.respond, timestamp(completedAt),
                p?.answerReview.map(json),
            ])
    }

    private static func run(_ row: Row) -> RunInfo? {
        guard let started = date(row["started_at"]) else { return nil }
        let seed: Int64 = row["seed"]
        return RunInfo(
            id: row["id"], startedAt: started, finishedAt: date(row["finished_at"]),
            status: RunInfo.Status(rawValue: row["status"]) ?? .running, suiteHash: row["suite_hash"],
            suitePaths: decode([String].self, row["suite_paths"]) ?? [],
            conversationCount: row["conversation_count"], turnCount: row["turn_count"],
            fingerprints: decode([String: String].self, row["fingerprints"]) ?? [:], seed: UInt64(bitPattern: seed),
            concurrency: row["concurrency"], turnTimeout: row["turn_timeout"], baselineRun: row["baseline_run"],
            knowledge: decode(KnowledgeFacts.self, row["knowledge"]), slices: decode([String].self, row["slices"]) ?? [])
    }

    // MARK: - Encoding

    static func json<T: Encodable>(_ value: T) -> String {
        (try? ResultJSON.string(value)) ?? "null"
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// ISO 8601 with milliseconds in UTC: sorts as text and reads well in sqlite3.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
