"""Recording a run's accepted submissions in the archive, all in one transaction.

A file already recorded (same round, kind, unit and SHA-256) is left alone, so re-running the same
inputs changes nothing. A different file for the same round, kind and unit is a correction: it
becomes the current one and the earlier one is kept, marked as replaced.
"""

from datetime import datetime
import json
import sqlite3

from inspection.config import Config
from inspection.constants import KIND_DISPATCH, KIND_FOLLOWUP, KIND_PROGRESS, KIND_SCORING
from inspection.findings import Code, Finding, finding
from inspection.ingest import KIND_NAMES
from inspection.model import Hazard, InputFile, ProgressReturn, ScoringReturn, StatusUpdate
from inspection.reading.scoring_sheet import squash



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
    """Record every accepted submission of this run in one transaction; returns A001 for corrections."""
    findings: list[Finding] = []
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for info, payload in submissions:
            current = conn.execute(
                "SELECT id, sha256, file, recorded_at FROM submissions "
                "WHERE campaign = ? AND round = ? AND kind = ? AND unit = ? AND replaced_at IS NULL",
                (config.campaign, config.round, info.kind, info.unit)).fetchone()
            if current and current[1] == info.sha256:
                continue
            if current:
                conn.execute("UPDATE submissions SET replaced_at = ? WHERE id = ?", (now, current[0]))
            new_id = conn.execute(
                "INSERT INTO submissions (campaign, round, kind, unit, sha256, file, meta, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (config.campaign, config.round, info.kind, info.unit, info.sha256, info.path,
                 json.dumps(info.meta, ensure_ascii=False, sort_keys=True), now)).lastrowid
            if current:
                conn.execute("UPDATE submissions SET replaced_by = ? WHERE id = ?", (new_id, current[0]))
                findings.append(finding(Code.A001, file=info.path, unit=info.unit, name=info.unit,
                                        round=config.round, kind=KIND_NAMES[info.kind], old_file=current[2],
                                        old_time=current[3][:16].replace("T", " ")))
            _WRITERS[info.kind](conn, new_id, payload)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return findings


def _text(value) -> str | None:
    """Dates as ISO text, Decimals exactly as they are ("0.5", never 0.49999)."""
    return None if value is None else str(value)


def _points(value) -> str:
    """Exact and tidy: Decimal("98.0") → "98", Decimal("0.50") → "0.5"."""
    return format(value.normalize(), "f")


def _write_scoring(conn, sid: int, ret: ScoringReturn) -> None:
    conn.execute("INSERT INTO scores VALUES (?, ?, ?, ?, ?)",
                 (sid, _points(ret.total), ret.group, _text(ret.inspection_date), ret.inspectors))
    conn.executemany("INSERT INTO item_scores VALUES (?, ?, ?)",
                     [(sid, item, _points(score)) for item, score in ret.item_scores.items()])
    conn.executemany("INSERT INTO deductions VALUES (?, ?, ?, ?, ?, ?)",
                     [(sid, d.criterion_id, d.label, _points(d.amount), d.reason, d.cell) for d in ret.deductions])


def _write_dispatch(conn, sid: int, hazards: list[Hazard]) -> None:
    conn.executemany(
        "INSERT INTO hazard_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sid, h.id, h.unit, h.group, h.number, h.company, h.sector, h.level, h.description, h.requirement,
          _text(h.deadline), h.responsible, h.status, h.remark, h.file, h.cell, _text(h.listed_on))
         for h in hazards])


def _write_progress(conn, sid: int, ret: ProgressReturn) -> None:
    conn.executemany("INSERT INTO progress_values VALUES (?, ?, ?)",
                     [(sid, key, _text(value)) for key, value in ret.values.items()])


def _write_followup(conn, sid: int, updates: list[StatusUpdate]) -> None:
    conn.executemany("INSERT INTO status_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(sid, u.hazard_id, u.unit, u.status, _text(u.on), u.note, u.file, u.cell) for u in updates])


_WRITERS = {KIND_SCORING: _write_scoring, KIND_DISPATCH: _write_dispatch, KIND_PROGRESS: _write_progress,
            KIND_FOLLOWUP: _write_followup}
