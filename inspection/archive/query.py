"""Reading the archive back: scores by round, hazards followed to closure, earlier progress figures.

Only current submissions count (a replaced one is kept but no longer speaks). Rounds are compared as
text, which orders "2023-08" before "2023-09" as the config's round format requires.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
import sqlite3

from inspection.constants import KIND_SCORING, SHEET_DISPATCH, SHEET_FOLLOWUP, STATUS_FIXED
from inspection.model import Hazard, TrackedHazard

CURRENT = "s.campaign = ? AND s.replaced_at IS NULL"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def scores_by_round(conn: sqlite3.Connection, campaign: str, up_to: str) -> dict[str, dict[str, Decimal]]:
    """round → unit → total, for every round up to and including `up_to`."""
    out: dict[str, dict[str, Decimal]] = {}
    for round_, unit, total in conn.execute(
            f"SELECT s.round, s.unit, c.total FROM submissions s JOIN scores c ON c.submission_id = s.id "
            f"WHERE {CURRENT} AND s.kind = ? AND s.round <= ? ORDER BY s.round", (campaign, KIND_SCORING, up_to)):
        out.setdefault(round_, {})[unit] = Decimal(total)
    return out


def hazard_units(conn: sqlite3.Connection, campaign: str, up_to: str) -> dict[str, str]:
    """Hazard id → its unit, for every hazard listed up to round `up_to` (one query, no replay)."""
    return dict(conn.execute(
        f"SELECT DISTINCT h.hazard_id, h.unit FROM hazard_rows h JOIN submissions s ON s.id = h.submission_id "
        f"WHERE {CURRENT} AND s.round <= ?", (campaign, up_to)))


def previous_values(conn: sqlite3.Connection, campaign: str, round_: str,
                    reporter: str) -> tuple[str, dict[str, str | None]]:
    """The reporter's 调度表 figures from the latest earlier round that has one, as stored text."""
    row = conn.execute(
        f"SELECT s.id, s.round FROM submissions s WHERE {CURRENT} AND s.kind = 'progress' AND s.unit = ? "
        f"AND s.round < ? ORDER BY s.round DESC LIMIT 1", (campaign, reporter, round_)).fetchone()
    if row is None:
        return "", {}
    values = dict(conn.execute("SELECT key, value FROM progress_values WHERE submission_id = ?", (row[0],)))
    return row[1], values


@dataclass(frozen=True)
class Conflict:
    """A later file calling a closed (销号) hazard not fixed: the closing stands, the file is warned."""

    hazard_id: str
    round: str
    status: str
    file: str
    sheet: str
    cell: str
    unit: str
    closed_on: date | None
    closed_file: str


def tracked_hazards(conn: sqlite3.Connection, campaign: str, up_to: str) -> tuple[list[TrackedHazard], list[Conflict]]:
    """Every hazard assigned up to round `up_to`, with its first assignment, latest status and closing.

    Events (a 交办清单 row or a 隐患整改跟踪表 row) are taken in round order, then by date. The first
    已整改 closes a hazard for good: a later event saying otherwise is a Conflict, not a reopening.
    """
    listings = conn.execute(
        f"SELECT s.round, h.hazard_id, h.unit, h.group_no, h.number, h.company, h.sector, h.level, h.description, "
        f"h.requirement, h.deadline, h.responsible, h.status, h.remark, h.file, h.cell, h.listed_on "
        f"FROM hazard_rows h JOIN submissions s ON s.id = h.submission_id "
        f"WHERE {CURRENT} AND s.round <= ? ORDER BY s.round, h.rowid", (campaign, up_to)).fetchall()
    updates = conn.execute(
        f"SELECT s.round, u.hazard_id, u.status, u.on_date, u.file, u.cell, u.unit FROM status_updates u "
        f"JOIN submissions s ON s.id = u.submission_id WHERE {CURRENT} AND s.round <= ? "
        f"ORDER BY s.round, u.rowid", (campaign, up_to)).fetchall()

    events: dict[str, list[tuple]] = {}
    latest: dict[str, Hazard] = {}
    first: dict[str, tuple[str, date | None]] = {}
    for (round_, hid, unit, group, number, company, sector, level, description, requirement, deadline,
         responsible, status, remark, file, cell, listed_on) in listings:
        latest[hid] = Hazard(hid, unit, group, number, company or "", sector or "", level or "", description or "",
                             requirement or "", _day(deadline), responsible or "", status or "", remark or "",
                             file or "", cell or "", _day(listed_on))
        first.setdefault(hid, (round_, _day(listed_on)))
        events.setdefault(hid, []).append((round_, _day(listed_on), status or "", file, SHEET_DISPATCH, cell, unit))
    for round_, hid, status, on, file, cell, unit in updates:
        if hid in latest:
            events[hid].append((round_, _day(on), status, file, SHEET_FOLLOWUP, cell, unit))

    tracked, conflicts = [], []
    for hid, hazard in latest.items():
        entry = TrackedHazard(hazard, first[hid][0], first[hid][1], status="", status_on=None)
        # Stable sort: same round keeps recording order; undated events stay where they were.
        for round_, on, status, file, sheet, cell, unit in sorted(events[hid], key=lambda e: (e[0], e[1] or date.min)):
            if entry.closed_round:
                if status != STATUS_FIXED and status:
                    conflicts.append(Conflict(hid, round_, status, file, sheet, cell, unit, entry.closed_on,
                                              entry.status_file))
                continue
            if status:
                entry.status, entry.status_on, entry.status_file = status, on, file
            if status == STATUS_FIXED:
                entry.closed_on, entry.closed_round = on, round_
        tracked.append(entry)
    return tracked, conflicts


def history(conn: sqlite3.Connection) -> list[tuple]:
    """(campaign, round, kind, unit, file, sha256, recorded_at, replaced_at) for every submission."""
    return conn.execute(
        "SELECT campaign, round, kind, unit, file, sha256, recorded_at, replaced_at FROM submissions "
        "ORDER BY campaign, round, kind, unit, id").fetchall()
