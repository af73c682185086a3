"""Recording a run's accepted submissions in the archive, all in one transaction.

A file already recorded (same round, kind, unit and SHA-256) is left alone, so re-running the same
inputs changes nothing. A different file for the same round, kind and unit is a correction: it
becomes the current one and the earlier one is kept, marked as replaced.
"""

from datetime import datetime
import functools
import json
import sqlite3

from inspection.config import Config
from inspection.constants import KIND_DISPATCH, KIND_FOLLOWUP, KIND_PROGRESS, KIND_SCORING
from inspection.findings import Code, Finding, finding
from inspection.ingest import KIND_NAMES
from inspection.model import Hazard, InputFile, ProgressReturn, ScoringReturn, StatusUpdate
from inspection.reading.cells import squash
from inspection.values import plain_number



def match_key(h: Hazard) -> tuple[str, str, str]:
    """The same company and description in the same unit is the same hazard, whatever the round."""
    return (h.unit, squash(h.company), squash(h.description))


def carry_ids(conn: sqlite3.Connection, config: Config, hazards: list[Hazard]) -> None:
    """Give each hazard already assigned in another round its archived id (in place).

    A row whose 备注 quotes an archived id of its unit takes that id; otherwise a row with the same
    company and description as an archived hazard of its unit does. Anything else keeps its new id.
    """
    rows = conn.execute(
        "SELECT h.hazard_id, h.unit, h.company, h.description FROM hazard_rows h "
        "JOIN submissions s ON s.id = h.submission_id "
        "WHERE s.campaign = ? AND s.round <> ? AND s.replaced_at IS NULL ORDER BY s.round, h.rowid",
        (config.campaign, config.round)).fetchall()
    by_key: dict[tuple, str] = {}
    by_unit: dict[str, set[str]] = {}
    for hazard_id, unit, company, description in rows:
        by_key.setdefault((unit, squash(company or ""), squash(description or "")), hazard_id)
        by_unit.setdefault(unit, set()).add(hazard_id)
    taken: set[str] = set()
    for h in hazards:
        quoted = next((i for i in sorted(by_unit.get(h.unit, ())) if i in (h.remark or "")), None)
        archived = quoted or by_key.get(match_key(h))
        if archived and archived not in taken:
            h.id = archived
            taken.add(archived)


def record(conn: sqlite3.Connection, config: Config, submissions: list[tuple[InputFile, object]]) -> list[Finding]:
    """Record every accepted submission of this run in one transaction; returns A001 for corrections.

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
                                        round=config.round, kind=KIND_NAMES[info.kind], old_file=earlier[2],
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
            _WRITERS[kind](conn, batch)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return findings


_REPLACED_AT = 9  # in a submissions row as inserted above


def _text(value) -> str | None:
    """Dates as ISO text, Decimals exactly as they are ("0.5", never 0.49999)."""
    return None if value is None else str(value)


@functools.lru_cache(maxsize=4096)
def _points(value) -> str:
    """Exact and tidy: Decimal("98.0") → "98", Decimal("0.50") → "0.5". Cached: item scores take few
    values, and there are 200,000 of them at 3,000 units (equal Decimals give the same text)."""
    return plain_number(value)


def _write_scoring(conn, batch: list[tuple[int, ScoringReturn]]) -> None:
    conn.executemany("INSERT INTO scores VALUES (?, ?, ?, ?, ?)",
                     [(sid, _points(ret.total), ret.group, _text(ret.inspection_date), ret.inspectors)
                      for sid, ret in batch])
    conn.executemany("INSERT INTO item_scores VALUES (?, ?, ?)",
                     [(sid, item, _points(score)) for sid, ret in batch for item, score in ret.item_scores.items()])
    conn.executemany("INSERT INTO deductions VALUES (?, ?, ?, ?, ?, ?)",
                     [(sid, d.criterion_id, d.label, _points(d.amount), d.reason, d.cell)
                      for sid, ret in batch for d in ret.deductions])


def _write_dispatch(conn, batch: list[tuple[int, list[Hazard]]]) -> None:
    conn.executemany(
        "INSERT INTO hazard_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sid, h.id, h.unit, h.group, h.number, h.company, h.sector, h.level, h.description, h.requirement,
          _text(h.deadline), h.responsible, h.status, h.remark, h.file, h.cell, _text(h.listed_on))
         for sid, hazards in batch for h in hazards])


def _write_progress(conn, batch: list[tuple[int, ProgressReturn]]) -> None:
    conn.executemany("INSERT INTO progress_values VALUES (?, ?, ?)",
                     [(sid, key, _text(value)) for sid, ret in batch for key, value in ret.values.items()])


def _write_followup(conn, batch: list[tuple[int, list[StatusUpdate]]]) -> None:
    conn.executemany("INSERT INTO status_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(sid, u.hazard_id, u.unit, u.status, _text(u.on), u.note, u.file, u.cell)
                      for sid, updates in batch for u in updates])


_WRITERS = {KIND_SCORING: _write_scoring, KIND_DISPATCH: _write_dispatch, KIND_PROGRESS: _write_progress,
            KIND_FOLLOWUP: _write_followup}
