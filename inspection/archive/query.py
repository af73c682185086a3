"""Reading the archive: what earlier runs recorded, as plain rows for rounds.Earlier to work with.

Only current submissions count (a replaced one is kept but no longer speaks). Rounds are compared as
text, which orders "2023-08" before "2023-09" as the config's round format requires.
"""

import sqlite3

from inspection.kinds import DISPATCH, PROGRESS, SCORING

CURRENT = "s.campaign = ? AND s.replaced_at IS NULL"


def scores(conn: sqlite3.Connection, campaign: str, up_to: str, kind: str = SCORING.key) -> list[tuple[str, str, str]]:
    """(round, unit, total as text) for every current 打分表 (or, with kind, 自评表) up to and including
    round `up_to`."""
    return conn.execute(
        f"SELECT s.round, s.unit, c.total FROM submissions s JOIN scores c ON c.submission_id = s.id "
        f"WHERE {CURRENT} AND s.kind = ? AND s.round <= ? ORDER BY s.round, s.id",
        (campaign, kind, up_to)).fetchall()


def hazard_listings(conn: sqlite3.Connection, campaign: str, up_to: str) -> list[tuple]:
    """Every 交办清单 row up to round `up_to`, in recording order: (round, hazard_id, unit, group_no,
    number, company, sector, level, description, requirement, deadline, responsible, status, remark,
    file, cell, listed_on)."""
    return conn.execute(
        f"SELECT s.round, h.hazard_id, h.unit, h.group_no, h.number, h.company, h.sector, h.level, h.description, "
        f"h.requirement, h.deadline, h.responsible, h.status, h.remark, h.file, h.cell, h.listed_on "
        f"FROM hazard_rows h JOIN submissions s ON s.id = h.submission_id "
        f"WHERE {CURRENT} AND s.kind = ? AND s.round <= ? ORDER BY s.round, h.rowid",
        (campaign, DISPATCH.key, up_to)).fetchall()


def status_updates(conn: sqlite3.Connection, campaign: str, up_to: str) -> list[tuple]:
    """Every 隐患整改跟踪表 row up to round `up_to`: (round, hazard_id, status, on_date, file, cell, unit)."""
    return conn.execute(
        f"SELECT s.round, u.hazard_id, u.status, u.on_date, u.file, u.cell, u.unit FROM status_updates u "
        f"JOIN submissions s ON s.id = u.submission_id WHERE {CURRENT} AND s.round <= ? "
        f"ORDER BY s.round, u.rowid", (campaign, up_to)).fetchall()


def progress_before(conn: sqlite3.Connection, campaign: str, round_: str) -> dict[str, tuple[str, dict]]:
    """Reporter → (round, {key: value as text}) of its latest 调度表 in a round before `round_`."""
    latest: dict[str, tuple[str, int]] = {}
    for sid, reporter, round_found in conn.execute(
            f"SELECT s.id, s.unit, s.round FROM submissions s WHERE {CURRENT} AND s.kind = ? AND s.round < ? "
            f"ORDER BY s.round, s.id", (campaign, PROGRESS.key, round_)):
        latest[reporter] = (round_found, sid)
    by_submission = {sid: (reporter, round_found) for reporter, (round_found, sid) in latest.items()}
    out: dict[str, tuple[str, dict]] = {reporter: (round_found, {}) for reporter, (round_found, _) in latest.items()}
    if by_submission:
        for sid, key, value in conn.execute(
                "SELECT v.submission_id, v.key, v.value FROM progress_values v JOIN submissions s "
                f"ON s.id = v.submission_id WHERE {CURRENT} AND s.kind = ? AND s.round < ?",
                (campaign, PROGRESS.key, round_)):
            if sid in by_submission:
                out[by_submission[sid][0]][1][key] = value
    return out


def history(conn: sqlite3.Connection) -> list[tuple]:
    """(campaign, round, kind, unit, file, sha256, recorded_at, replaced_at) for every submission."""
    return conn.execute(
        "SELECT campaign, round, kind, unit, file, sha256, recorded_at, replaced_at FROM submissions "
        "ORDER BY campaign, round, kind, unit, id").fetchall()


def received(conn: sqlite3.Connection, campaign: str) -> dict[str, tuple[str, str]]:
    """SHA-256 → (when it first came, the round of that run) for every workbook read so far."""
    return {sha: (first_seen, round_) for sha, first_seen, round_ in conn.execute(
        "SELECT sha256, first_seen, round FROM received WHERE campaign = ?", (campaign,))}


def sent_back(conn: sqlite3.Connection, campaign: str) -> set[str]:
    """The SHA-256 of every copy and 修改说明 the tool sent back."""
    return {sha for (sha,) in conn.execute("SELECT sha256 FROM sent_back WHERE campaign = ?", (campaign,))}


def recorded(conn: sqlite3.Connection, campaign: str) -> tuple[dict[str, str], set[tuple[str, str, str]]]:
    """The files recorded as returns (SHA-256 → round, replaced ones too) and the (round, kind, unit)
    that have a current return."""
    shas: dict[str, str] = {}
    current: set[tuple[str, str, str]] = set()
    for sha, round_, kind, unit, replaced in conn.execute(
            "SELECT sha256, round, kind, unit, replaced_at FROM submissions WHERE campaign = ?", (campaign,)):
        shas[sha] = round_
        if replaced is None:
            current.add((round_, kind, unit))
    return shas, current
