"""Rounds over months: what earlier rounds know, read from the archive once, and what it adds to a run
(rank changes, trends, hazards followed to closure, cumulative checks).

The archive is read before the files; this run's accepted returns are then laid over the round's
archived ones in memory — per kind and unit, this run's stands, as recording it will make it — so
nothing is read back after recording.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
import sqlite3

from inspection.archive import query
from inspection.spec.config import Config
from inspection.constants import KIND_SELF_SCORING, SHEET_DISPATCH, SHEET_FOLLOWUP, SHEET_PROGRESS, STATUS_FIXED
from inspection.findings import Code, Finding, finding
from inspection.spec.progress_form import ProgressForm
from inspection.model import Hazard, ProgressReturn, ScoringReturn, StatusUpdate, TrackedHazard
from inspection.reading.cells import squash
from inspection.archive.text import date_text
from inspection.values import plain_number

ARCHIVE_FILE = "归档.sqlite"


def competition_ranks(totals) -> dict[Decimal, int]:
    """Score → rank, where a rank is 1 + how many scored higher (ties share it: 1, 1, 3)."""
    positions: dict[Decimal, int] = {}
    for n, total in enumerate(sorted(totals, reverse=True)):
        positions.setdefault(total, n + 1)
    return positions


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


def hazard_key(unit: str, company: str | None, description: str | None) -> tuple[str, str, str]:
    """The same company and description in the same unit is the same hazard, whatever the round."""
    return unit, squash(company or ""), squash(description or "")


@dataclass
class Earlier:
    """What the archive holds for this campaign up to this run's round, read once."""

    round: str
    listings: list[tuple] = field(default_factory=list)  # 交办清单 rows, as query.hazard_listings
    updates: list[tuple] = field(default_factory=list)  # 隐患整改跟踪表 rows, as query.status_updates
    scores: list[tuple] = field(default_factory=list)  # (round, unit, total)
    progress: dict[str, tuple[str, dict]] = field(default_factory=dict)  # reporter → latest earlier figures
    own_scores: list[tuple] = field(default_factory=list)  # (round, unit, total) of the units' 自评表

    @classmethod
    def read(cls, conn: sqlite3.Connection, config: Config) -> "Earlier":
        campaign, round_ = config.campaign, config.round
        return cls(round_, query.hazard_listings(conn, campaign, round_), query.status_updates(conn, campaign, round_),
                   query.scores(conn, campaign, round_), query.progress_before(conn, campaign, round_),
                   query.scores(conn, campaign, round_, KIND_SELF_SCORING))

    def known_hazards(self) -> dict[str, str]:
        """Hazard id → its unit, for every hazard listed so far (a 隐患整改跟踪表 may name these)."""
        return {row[1]: row[2] for row in self.listings}

    def archived_ids(self) -> tuple[dict[tuple, str], dict[str, set[str]]]:
        """The hazards of other rounds: (unit, company, description) → id, and unit → its ids."""
        by_key: dict[tuple, str] = {}
        by_unit: dict[str, set[str]] = {}
        for row in self.listings:
            if row[0] != self.round:
                hazard_id, unit, company, description = row[1], row[2], row[5], row[8]
                by_key.setdefault(hazard_key(unit, company, description), hazard_id)
                by_unit.setdefault(unit, set()).add(hazard_id)
        return by_key, by_unit

    def with_run(self, scoring: dict[str, ScoringReturn], dispatch: dict[str, list[Hazard]],
                 followup: dict[str, list[StatusUpdate]], own: dict[str, ScoringReturn] | None = None) -> "Earlier":
        """The archive as it will be once this run is recorded: the round's archived returns of the
        units this run brings are replaced by this run's."""
        this = self.round
        listings = [r for r in self.listings if not (r[0] == this and r[2] in dispatch)]
        listings += [(this, h.id, h.unit, h.group, h.number, h.company, h.sector, h.level, h.description,
                      h.requirement, date_text(h.deadline), h.responsible, h.status, h.remark, h.file, h.cell,
                      date_text(h.listed_on)) for hazards in dispatch.values() for h in hazards]
        updates = [r for r in self.updates if not (r[0] == this and r[6] in followup)]
        updates += [(this, u.hazard_id, u.status, date_text(u.on), u.file, u.cell, u.unit)
                    for rows in followup.values() for u in rows]
        scores = [r for r in self.scores if not (r[0] == this and r[1] in scoring)]
        scores += [(this, unit, ret.total) for unit, ret in scoring.items()]
        own = own or {}
        own_scores = [r for r in self.own_scores if not (r[0] == this and r[1] in own)]
        own_scores += [(this, unit, ret.total) for unit, ret in own.items()]
        return Earlier(this, listings, updates, scores, self.progress, own_scores)

    def tracked(self) -> tuple[list[TrackedHazard], list[Conflict]]:
        """Every hazard assigned, with its first assignment, latest status and closing.

        Events (a 交办清单 row or a 隐患整改跟踪表 row) are taken in round order, then by date. The first
        已整改 closes a hazard for good: a later event saying otherwise is a Conflict, not a reopening.
        """
        events: dict[str, list[tuple]] = {}
        latest: dict[str, Hazard] = {}
        first: dict[str, tuple[str, date | None]] = {}
        for (round_, hid, unit, group, number, company, sector, level, description, requirement, deadline,
             responsible, status, remark, file, cell, listed_on) in self.listings:
            latest[hid] = Hazard(hid, unit, group, number, company or "", sector or "", level or "",
                                 description or "", requirement or "", _day(deadline), responsible or "",
                                 status or "", remark or "", file or "", cell or "", _day(listed_on))
            first.setdefault(hid, (round_, _day(listed_on)))
            events.setdefault(hid, []).append((round_, _day(listed_on), status or "", file, SHEET_DISPATCH, cell, unit))
        for round_, hid, status, on, file, cell, unit in self.updates:
            if hid in latest:
                events[hid].append((round_, _day(on), status, file, SHEET_FOLLOWUP, cell, unit))
        tracked, conflicts = [], []
        for hid, hazard in latest.items():
            entry = TrackedHazard(hazard, first[hid][0], first[hid][1], status="", status_on=None)
            # Stable sort: same round keeps recording order; undated events stay where they were.
            for round_, on, status, file, sheet, cell, unit in sorted(events[hid],
                                                                     key=lambda e: (e[0], e[1] or date.min)):
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

    def by_round(self, own: bool = False) -> dict[str, dict[str, Decimal]]:
        """round → unit → total: of the groups' 打分表, or (own) of the units' 自评表."""
        out: dict[str, dict[str, Decimal]] = {}
        for round_, unit, total in (self.own_scores if own else self.scores):
            out.setdefault(round_, {})[unit] = Decimal(total)
        return out


@dataclass
class RoundsView:
    """What earlier rounds add to this run's report."""

    tracked: list[TrackedHazard]
    previous_round: str
    previous: dict[str, tuple[Decimal, int]]  # unit → (score, rank) last round
    trend: dict[str, dict[str, Decimal]]  # unit → round → score
    findings: list[Finding]  # A002 and P008
    gaps: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # unit → round → 自评 − 复核


def view(after: Earlier, config: Config, progress: dict[str, ProgressReturn], forms: dict[str, ProgressForm]) -> RoundsView:
    """From the archive as it will be after this run (Earlier.with_run): hazards followed, the last
    round's ranks, each unit's scores over the rounds; and the warnings only earlier rounds can give."""
    findings: list[Finding] = []
    order = {unit: n for n, unit in enumerate(config.units)}
    tracked, conflicts = after.tracked()
    tracked.sort(key=lambda t: (order.get(t.hazard.unit, len(order)), t.first_round, t.hazard.group or 0,
                                t.hazard.number or 0, t.hazard.id))
    for c in conflicts:
        if c.round == config.round:
            findings.append(finding(Code.A002, file=c.file, unit=c.unit, sheet=c.sheet, cell=c.cell, hazard=c.hazard_id,
                                    closed_on=f"{c.closed_on:%Y-%m-%d}" if c.closed_on else "此前",
                                    closed_file=c.closed_file, status=c.status))
    by_round = after.by_round()
    trend = {unit: {r: scores[unit] for r, scores in by_round.items() if unit in scores} for unit in config.units}
    earlier = sorted(r for r in by_round if r < config.round)
    previous_round, previous = "", {}
    if earlier:
        previous_round = earlier[-1]
        totals = by_round[previous_round]
        positions = competition_ranks(totals.values())
        previous = {unit: (total, positions[total]) for unit, total in totals.items()}
    for reporter, ret in progress.items():
        findings += _fallen_figures(ret, forms[reporter], *after.progress.get(reporter, ("", {})))
    own = after.by_round(own=True)
    gaps = {unit: {r: own[r][unit] - scores[unit] for r, scores in by_round.items()
                   if unit in scores and unit in own.get(r, {})} for unit in config.units}
    return RoundsView(tracked, previous_round, previous, trend, findings, gaps)


def _fallen_figures(ret: ProgressReturn, form: ProgressForm, previous_round: str, previous: dict) -> list[Finding]:
    """调度表 counts are cumulative: a figure below the same reporter's previous round is suspicious."""
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


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def rank_change(rank: int | None, previous: tuple[Decimal, int] | None) -> str:
    """↑2 / ↓1 / 持平 / 新增 (no rank last round)."""
    if rank is None:
        return ""
    if previous is None:
        return "新增"
    delta = previous[1] - rank
    return "持平" if delta == 0 else (f"↑{delta}" if delta > 0 else f"↓{-delta}")
