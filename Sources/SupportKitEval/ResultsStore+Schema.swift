import GRDB

extension ResultsStore {
    /// The results database's migrations. Never edit a shipped migration: add a new one, so existing
    /// `results.sqlite` files upgrade in place. The schema is documented in docs/results-schema.md.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, conversations, turns, metrics, gates") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL CHECK (status IN ('running', 'complete')),
                    suite_hash TEXT NOT NULL,
                    suite_paths TEXT NOT NULL,
                    conversation_count INTEGER NOT NULL,
                    turn_count INTEGER NOT NULL,
                    fingerprints TEXT NOT NULL,
                    embedder TEXT,
                    classifier TEXT,
                    corpus_hash TEXT,
                    git_commit TEXT,
                    tool_version TEXT,
                    seed INTEGER NOT NULL,
                    concurrency INTEGER NOT NULL,
                    turn_timeout REAL NOT NULL,
                    baseline_run TEXT
                );
                CREATE TABLE conversations (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    conversation_id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    customer_id TEXT NOT NULL,
                    source TEXT,
                    line INTEGER,
                    turn_count INTEGER NOT NULL,
                    PRIMARY KEY (run_id, conversation_id)
                );
                CREATE TABLE turns (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    conversation_id TEXT NOT NULL,
                    turn_index INTEGER NOT NULL,
                    user_text TEXT NOT NULL,
                    expected_intent TEXT,
                    expected_category TEXT,
                    expected_docs TEXT,
                    expected_escalate INTEGER,
                    status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'timeout')),
                    error TEXT,
                    predicted_intent TEXT,
                    confidence REAL,
                    predicted_category TEXT,
                    category_confidence REAL,
                    ranked_docs TEXT,
                    retrieved TEXT,
                    escalated INTEGER,
                    escalation_reasons TEXT,
                    ticket_id TEXT,
                    memory_recalled TEXT,
                    answer TEXT,
                    classifier TEXT,
                    latency_ms REAL NOT NULL,
                    classify_ms REAL,
                    memory_ms REAL,
                    retrieve_ms REAL,
                    respond_ms REAL,
                    completed_at TEXT NOT NULL,
                    PRIMARY KEY (run_id, conversation_id, turn_index)
                );
                CREATE TABLE metrics (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    value REAL,
                    ci_low REAL,
                    ci_high REAL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (run_id, name)
                );
                CREATE TABLE gates (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    rule TEXT NOT NULL,
                    passed INTEGER NOT NULL,
                    detail TEXT NOT NULL,
                    PRIMARY KEY (run_id, position)
                );
                CREATE INDEX runs_started ON runs(started_at);
                """)
        }
        migrator.registerMigration("v2: gates.skipped") { db in
            try db.execute(sql: "ALTER TABLE gates ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v3: turns.status unavailable") { db in
            // SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same columns.
            let columns = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'turns'") ?? ""
            let widened = columns
                .replacingOccurrences(of: "CREATE TABLE turns", with: "CREATE TABLE turns_v3")
                .replacingOccurrences(of: "status IN ('ok', 'error', 'timeout')", with: "status IN ('ok', 'error', 'timeout', 'unavailable')")
            try db.execute(sql: widened)
            try db.execute(sql: "INSERT INTO turns_v3 SELECT * FROM turns")
            try db.execute(sql: "DROP TABLE turns")
            try db.execute(sql: "ALTER TABLE turns_v3 RENAME TO turns")
        }
        migrator.registerMigration("v4: runs.knowledge, runs.slices, conversations.profile") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN knowledge TEXT")
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN slices TEXT")
            try db.execute(sql: "ALTER TABLE conversations ADD COLUMN profile TEXT")
        }
        migrator.registerMigration("v5: turns.answer_review") { db in
            // JSON of AnswerReview: groundedness, unsupported claims, leftover markup, unmet answer expectations.
            try db.execute(sql: "ALTER TABLE turns ADD COLUMN answer_review TEXT")
        }
        return migrator
    }
}
