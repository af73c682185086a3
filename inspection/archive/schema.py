"""The archive's SQLite schema, created and migrated by the tool itself.

Every accepted submission is kept, also after a corrected file replaces it (replaced_at is then
set): nothing recorded is ever deleted. Points and dates are stored as text ("80.1", "2023-08-15")
so they come back exactly as they went in.
"""

from pathlib import Path
import sqlite3

from inspection.errors import SetupError

# Migration N brings a version N-1 archive to version N; each runs in its own transaction.
MIGRATIONS = {
    1: """
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        campaign TEXT NOT NULL,
        round TEXT NOT NULL,
        kind TEXT NOT NULL,            -- scoring / dispatch / progress / followup
        unit TEXT NOT NULL,            -- the unit or department the file is for
        sha256 TEXT NOT NULL,
        file TEXT NOT NULL,            -- path relative to input/ when recorded
        meta TEXT NOT NULL,            -- the workbook's _meta as JSON
        recorded_at TEXT NOT NULL,
        replaced_at TEXT,              -- set when a corrected file took its place
        replaced_by INTEGER REFERENCES submissions(id)
    );
    CREATE UNIQUE INDEX current_submission ON submissions(campaign, round, kind, unit)
        WHERE replaced_at IS NULL;
    CREATE TABLE scores (
        submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),
        total TEXT NOT NULL,
        group_no INTEGER,
        inspection_date TEXT,
        inspectors TEXT
    );
    CREATE TABLE item_scores (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        item_id TEXT NOT NULL,
        score TEXT NOT NULL,
        PRIMARY KEY (submission_id, item_id)
    );
    CREATE TABLE deductions (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        criterion_id TEXT NOT NULL,
        label TEXT NOT NULL,
        amount TEXT NOT NULL,
        reason TEXT NOT NULL,
        cell TEXT NOT NULL
    );
    CREATE TABLE hazard_rows (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        hazard_id TEXT NOT NULL,
        unit TEXT NOT NULL,
        group_no INTEGER,
        number INTEGER,
        company TEXT, sector TEXT, level TEXT, description TEXT, requirement TEXT,
        deadline TEXT, responsible TEXT, status TEXT, remark TEXT,
        file TEXT, cell TEXT, listed_on TEXT
    );
    CREATE INDEX hazard_rows_by_id ON hazard_rows(hazard_id);
    CREATE TABLE status_updates (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        hazard_id TEXT NOT NULL,
        unit TEXT NOT NULL,
        status TEXT NOT NULL,
        on_date TEXT,
        note TEXT,
        file TEXT, cell TEXT
    );
    CREATE TABLE progress_values (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        key TEXT NOT NULL,
        value TEXT,
        PRIMARY KEY (submission_id, key)
    );
    """,
    # Rows by their submission: without these, a join over a year of rounds scans every hazard row
    # once per submission (12 rounds of 11 units: 3.8 s for the last round instead of 0.4 s).
    2: """
    CREATE INDEX hazard_rows_by_submission ON hazard_rows(submission_id);
    CREATE INDEX status_updates_by_submission ON status_updates(submission_id);
    CREATE INDEX deductions_by_submission ON deductions(submission_id);
    """,
    # A season of runs: every workbook read is remembered with when it first came (of two versions
    # of one return, the one that came later is the correction), and every copy sent back marked
    # up, so that one dropped back into input/ unchanged is known as the tool's own.
    3: """
    CREATE TABLE received (
        campaign TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        round TEXT NOT NULL,           -- the round of the run that first read it
        file TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (campaign, sha256)
    );
    CREATE TABLE sent_back (
        campaign TEXT NOT NULL,
        sha256 TEXT NOT NULL,          -- of the copy (or 修改说明 workbook) written
        round TEXT NOT NULL,
        original TEXT NOT NULL,        -- the SHA-256 of the return it was made for
        path TEXT NOT NULL,
        made_at TEXT NOT NULL,
        PRIMARY KEY (campaign, sha256)
    );
    """,
}
SCHEMA_VERSION = max(MIGRATIONS)


def open_archive(path: Path) -> sqlite3.Connection:
    """Open (creating if need be) and migrate the archive; a one-line Chinese error if it is not one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None)  # transactions are explicit: BEGIN … COMMIT
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")  # a commit is on disk before the run goes on
        _migrate(conn)
    except sqlite3.DatabaseError as err:
        raise SetupError(f"归档文件 {path} 无法打开（{err}）。它可能不是本工具的归档，或已损坏；"
                         "请用 --archive 指定另一个文件") from err
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    version = row[0] if row else 0
    if version > SCHEMA_VERSION:
        raise SetupError(f"归档文件的结构版本为 {version}，本工具只认识到 {SCHEMA_VERSION}；请升级本工具")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[target].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (target,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
