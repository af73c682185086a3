"""Rounds over months: what the archive adds to a run (rank changes, trends, hazards, cumulative checks)."""

from decimal import Decimal, InvalidOperation
import sqlite3

from inspection.archive.query import previous_values, scores_by_round, tracked_hazards
from inspection.config import Config
from inspection.consolidate import competition_ranks
from inspection.findings import Code, Finding, finding
from inspection.forms import ProgressForm
from inspection.model import RunResult
from inspection.constants import SHEET_PROGRESS
from inspection.values import plain_number

ARCHIVE_FILE = "归档.sqlite"


def follow(conn: sqlite3.Connection, config: Config, result: RunResult,
           forms: dict[str, ProgressForm]) -> list[Finding]:
    """Fill result.tracked, .previous, .trend from the archive (this run already recorded in it);
    return the warnings only the archive can give: A002 and P008."""
    findings: list[Finding] = []
    order = {unit: n for n, unit in enumerate(config.units)}
    tracked, conflicts = tracked_hazards(conn, config.campaign, config.round)
    tracked.sort(key=lambda t: (order.get(t.hazard.unit, len(order)), t.first_round, t.hazard.group or 0,
                                t.hazard.number or 0, t.hazard.id))
    result.tracked = tracked
    for c in conflicts:
        if c.round == config.round:
            findings.append(finding(Code.A002, file=c.file, unit=c.unit, sheet=c.sheet, cell=c.cell, hazard=c.hazard_id,
                                    closed_on=f"{c.closed_on:%Y-%m-%d}" if c.closed_on else "此前",
                                    closed_file=c.closed_file, status=c.status))

    by_round = scores_by_round(conn, config.campaign, config.round)
    result.trend = {unit: {r: scores[unit] for r, scores in by_round.items() if unit in scores}
                    for unit in config.units}
    earlier = sorted(r for r in by_round if r < config.round)
    if earlier:
        result.previous_round = earlier[-1]
        totals = by_round[earlier[-1]]
        positions = competition_ranks(totals.values())
        result.previous = {unit: (total, positions[total]) for unit, total in totals.items()}

    for reporter, ret in result.progress.items():
        findings.extend(_fallen_figures(conn, config, ret, forms[reporter]))
    return findings


def _fallen_figures(conn, config: Config, ret, form: ProgressForm) -> list[Finding]:
    """调度表 counts are cumulative: a figure below the same reporter's previous round is suspicious."""
    previous_round, previous = previous_values(conn, config.campaign, config.round, ret.reporter)
    labels = {c.key: c.label for c in form.cells}
    out = []
    for key, value in ret.values.items():
        before = _decimal(previous.get(key))
        if isinstance(value, Decimal) and before is not None and value < before:
            out.append(finding(Code.P008, file=ret.file, unit=ret.reporter, sheet=SHEET_PROGRESS,
                               cell=ret.cells.get(key, ""), label=labels.get(key, key), value=plain_number(value),
                               previous_round=previous_round, previous=plain_number(before)))
    return out


def _decimal(text) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "", "是", "否") else None
    except InvalidOperation:
        return None


def rank_change(rank: int | None, previous: tuple[Decimal, int] | None) -> str:
    """↑2 / ↓1 / 持平 / 新增 (no rank last round)."""
    if rank is None:
        return ""
    if previous is None:
        return "新增"
    delta = previous[1] - rank
    return "持平" if delta == 0 else (f"↑{delta}" if delta > 0 else f"↓{-delta}")
