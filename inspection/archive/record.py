"""Recording a run's accepted submissions in the archive, all in one transaction.

A file already recorded (same round, kind, unit and SHA-256) is left alone, so re-running the same
inputs changes nothing. A different file for the same round, kind and unit is a correction: it
becomes the current one and the earlier one is kept, marked as replaced. What the archive keeps of
each kind is the kind's own (its `archive`).
"""

from datetime import datetime
import json
import sqlite3

from inspection.spec.config import Config
from inspection.findings import Code, Finding, finding
from inspection.kinds import BY_KEY, NAMES
from inspection.model import InputFile


def record(conn: sqlite3.Connection, config: Config, submissions: list[tuple[InputFile, object]],
           read: list[InputFile] = ()) -> list[Finding]:
    """Record every accepted submission of this run in one transaction; returns A001 for corrections.
    Every workbook `read` (whatever became of it) is remembered with when it first came.

    Statements are batched (one executemany per table), not issued per file: at 3,000 files the
    per-file round trips took most of the time. Ids are handed out here, under the write lock."""
    findings: list[Finding] = []
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = {(kind, unit): (sid, sha256, file, recorded_at) for sid, kind, unit, sha256, file, recorded_at in
                   conn.execute("SELECT id, kind, unit, sha256, file, recorded_at FROM submissions "
                                "WHERE campaign = ? AND round = ? AND replaced_at IS NULL",
                                (config.campaign, config.round))}
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM submissions").fetchone()[0]
        new_rows: dict[int, list] = {}  # id → the submissions row, inserted at the end
        replaced: list[tuple[int, int]] = []  # (new id, the id of the row it takes the place of)
        payloads: dict[str, list[tuple[int, object]]] = {}
        for info, payload in submissions:
            key = (info.kind, info.unit)
            earlier = current.get(key)
            if earlier and earlier[1] == info.sha256:
                continue
            sid, next_id = next_id, next_id + 1
            new_rows[sid] = [sid, config.campaign, config.round, info.kind, info.unit, info.sha256, info.path,
                             json.dumps(info.meta, ensure_ascii=False, sort_keys=True), now, None, None]
            if earlier:
                replaced.append((sid, earlier[0]))
                if earlier[0] in new_rows:  # two files of one unit in this run: the later one stands
                    new_rows[earlier[0]][_REPLACED_AT] = now
                findings.append(finding(Code.A001, file=info.path, unit=info.unit, name=info.unit,
                                        round=config.round, kind=NAMES[info.kind], old_file=earlier[2],
                                        old_time=earlier[3][:16].replace("T", " ")))
            current[key] = (sid, info.sha256, info.path, now)
            payloads.setdefault(info.kind, []).append((sid, payload))
        # Out of the unique index of current rows first; pointed at their successors once those exist.
        conn.executemany("UPDATE submissions SET replaced_at = ? WHERE id = ?",
                         [(now, old) for _, old in replaced if old not in new_rows])
        conn.executemany("INSERT INTO submissions (id, campaign, round, kind, unit, sha256, file, meta, recorded_at, "
                         "replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new_rows.values())
        conn.executemany("UPDATE submissions SET replaced_by = ? WHERE id = ?",
                         replaced)
        for kind, batch in payloads.items():
            BY_KEY[kind].archive(conn, batch)
        conn.executemany("INSERT OR IGNORE INTO received VALUES (?, ?, ?, ?, ?)",
                         [(config.campaign, info.sha256, config.round, info.path, now) for info in read if info.sha256])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return findings


_REPLACED_AT = 9  # in a submissions row as inserted above
