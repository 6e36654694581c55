namespace Vigil.Sqlite.Schema;

/// <summary>The Vigil schema in a SQLite file, and the marker that tells a Vigil database from any other.</summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this build writes and understands.</summary>
    public const int Version = 1;

    /// <summary>The value of the <c>marker</c> row in <c>vigil_meta</c>.</summary>
    public const string Marker = "vigil";

    /// <summary>Task states as stored (the <see cref="Tasks.TaskState"/> values).</summary>
    public const long Scheduled = 0, Queued = 1, Running = 2, Succeeded = 3, Retrying = 4, Dead = 5, Cancelled = 6;

    /// <summary>
    /// The tables. Times are unix milliseconds; durations in <c>vigil_stats</c> are ticks.
    /// <c>available_at</c> is the one column a claim looks at: when a waiting task is (or becomes) ready, when a running
    /// task's lease expires (it may be taken over then), and NULL for a terminal task, so a single index range answers
    /// "what may be claimed now" oldest first.
    /// </summary>
    public const string Create = """
        CREATE TABLE vigil_meta (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE vigil_tasks (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            queue TEXT NOT NULL,
            payload TEXT NOT NULL,
            state INTEGER NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            budget INTEGER NOT NULL,
            timeout_ms INTEGER,
            created_at INTEGER NOT NULL,
            due_at INTEGER,
            available_at INTEGER,
            finished_at INTEGER,
            idempotency_key TEXT,
            result TEXT,
            error_type TEXT,
            error_message TEXT,
            error_stack TEXT,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            trace_parent TEXT,
            trace_state TEXT
        );
        CREATE INDEX ix_vigil_tasks_ready ON vigil_tasks (queue, available_at) WHERE available_at IS NOT NULL;
        CREATE INDEX ix_vigil_tasks_queue_state ON vigil_tasks (queue, state);
        CREATE INDEX ix_vigil_tasks_state ON vigil_tasks (state);
        CREATE INDEX ix_vigil_tasks_finished ON vigil_tasks (finished_at) WHERE finished_at IS NOT NULL;
        CREATE INDEX ix_vigil_tasks_key ON vigil_tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;

        CREATE TABLE vigil_attempts (
            task_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            worker_id TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            outcome TEXT,
            error_type TEXT,
            error_message TEXT,
            error_stack TEXT,
            PRIMARY KEY (task_id, number)
        ) WITHOUT ROWID;

        CREATE TABLE vigil_stats (
            minute INTEGER NOT NULL,
            queue TEXT NOT NULL,
            type TEXT NOT NULL,
            enqueued INTEGER NOT NULL DEFAULT 0,
            succeeded INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            retried INTEGER NOT NULL DEFAULT 0,
            timed_out INTEGER NOT NULL DEFAULT 0,
            dead INTEGER NOT NULL DEFAULT 0,
            run_count INTEGER NOT NULL DEFAULT 0,
            run_ticks INTEGER NOT NULL DEFAULT 0,
            run_max_ticks INTEGER NOT NULL DEFAULT 0,
            wait_count INTEGER NOT NULL DEFAULT 0,
            wait_ticks INTEGER NOT NULL DEFAULT 0,
            wait_max_ticks INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (minute, queue, type)
        ) WITHOUT ROWID;

        CREATE TABLE vigil_queues (
            name TEXT NOT NULL PRIMARY KEY,
            last_succeeded_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE vigil_workers (
            worker_id TEXT NOT NULL PRIMARY KEY,
            heartbeat_at INTEGER NOT NULL,
            record TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE vigil_locks (
            name TEXT NOT NULL PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE vigil_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            task_id TEXT,
            grp TEXT,
            data TEXT,
            at INTEGER NOT NULL
        );
        CREATE INDEX ix_vigil_events_at ON vigil_events (at);

        CREATE TABLE vigil_probe (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        """;
}
