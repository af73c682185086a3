"""From accepted returns to the ranking: duplicates resolved, ties shared, missing units named."""

from dataclasses import dataclass
from decimal import Decimal
import hashlib

from inspection.config import Config
from inspection.findings import Code, Finding, finding
from inspection.ingest import Ingested, KIND_NAMES
from inspection.constants import KIND_DISPATCH, KIND_FOLLOWUP, KIND_PROGRESS, KIND_SCORING
from inspection.model import (
    IGNORED, MISSING, RANKED, REJECTED, UNIT_REJECTED, CommonProblem, Hazard, InputFile, ProgressReturn,
    RankRow, ScoringReturn, StatusUpdate,
)
from inspection.rubric import Rubric


@dataclass
class Accepted:
    """The one accepted return per unit (or department) of each kind."""

    scoring: dict[str, ScoringReturn]
    dispatch: dict[str, list[Hazard]]
    progress: dict[str, ProgressReturn]
    followup: dict[str, list[StatusUpdate]]


def resolve_duplicates(ingested: Ingested) -> tuple[Accepted, list[Finding]]:
    """One accepted file per unit and kind. Copies with the same content: the first is used and
    the rest only warn. Different contents for one unit: none is used, since nobody can tell
    which is right."""
    findings: list[Finding] = []
    accepted = Accepted(
        scoring=_choose(ingested.scoring, KIND_SCORING, _scoring_fingerprint, findings),
        dispatch=_choose(ingested.dispatch, KIND_DISPATCH, _dispatch_fingerprint, findings),
        progress=_choose(ingested.progress, KIND_PROGRESS, _progress_fingerprint, findings),
        followup=_choose(ingested.followup, KIND_FOLLOWUP, _followup_fingerprint, findings),
    )
    return accepted, findings


def _choose(entries, kind: str, fingerprint, findings: list[Finding]) -> dict:
    by_unit: dict[str, list] = {}
    for info, payload in entries:
        by_unit.setdefault(info.unit, []).append((info, payload))
    chosen = {}
    for unit, group in by_unit.items():
        first_info, first = group[0]
        if len({fingerprint(payload) for _, payload in group}) == 1:
            chosen[unit] = first
            for info, _ in group[1:]:
                info.status, info.reason = IGNORED, f"与 {first_info.path} 内容相同"
                findings.append(finding(Code.M010, file=info.path, unit=unit, other=first_info.path))
            continue
        files = "、".join(info.path for info, _ in group)
        for info, _ in group:
            info.status, info.reason = REJECTED, Code.M009.title
            findings.append(finding(Code.M009, file=info.path, unit=unit, name=unit, kind=KIND_NAMES[kind],
                                    files=files))
    return chosen


def _digest(parts) -> str:
    return hashlib.sha256("\n".join(str(p) for p in parts).encode()).hexdigest()


def _scoring_fingerprint(ret: ScoringReturn) -> str:
    """The content that matters, not the file's bytes: a re-saved copy is still the same return."""
    return _digest([(d.criterion_id, d.amount, d.reason) for d in ret.deductions]
                   + [ret.inspection_date, ret.inspectors])


def _dispatch_fingerprint(hazards: list[Hazard]) -> str:
    return _digest([(h.number, h.company, h.sector, h.level, h.description, h.requirement, h.deadline,
                     h.responsible, h.status, h.remark) for h in hazards])


def _progress_fingerprint(ret: ProgressReturn) -> str:
    return _digest(sorted(ret.values.items()))


def _followup_fingerprint(updates: list[StatusUpdate]) -> str:
    return _digest([(u.hazard_id, u.status, u.on, u.note) for u in updates])


def competition_ranks(totals) -> dict[Decimal, int]:
    """Score → rank, where a rank is 1 + how many scored higher (ties share it: 1, 1, 3)."""
    positions: dict[Decimal, int] = {}
    for n, total in enumerate(sorted(totals, reverse=True)):
        positions.setdefault(total, n + 1)
    return positions


def rank(returns: dict[str, ScoringReturn], config: Config, files: list[InputFile],
         findings: list[Finding] = ()) -> list[RankRow]:
    """Ranked units by score (ties share a rank, tied units in config order), then the others, each
    with why: its file held (and for what), a blank form received, or a form filled in for it on
    another unit's template (M011/M012 `about` it)."""
    order = {unit: n for n, unit in enumerate(config.units)}
    ranked = sorted(returns.values(), key=lambda r: (-r.total, order.get(r.unit, len(order))))
    positions = competition_ranks(r.total for r in ranked)
    rows = [RankRow(positions[ret.total], ret.unit, ret.total, RANKED, ret.group, ret.file) for ret in ranked]
    scoring = [f for f in files if f.kind == KIND_SCORING]
    for unit in config.units:
        if unit in returns:
            continue
        group = config.group_for_unit(unit)
        status, why, file = MISSING, "", ""
        held = next((f for f in scoring if f.unit == unit and f.status == REJECTED), None)
        blank = next((f for f in scoring if f.unit == unit and f.status == IGNORED and f.reason == Code.S008.title), None)
        elsewhere = next((f for f in findings if f.about == unit and f.code in (Code.M011, Code.M012)), None)
        if held:
            status, why, file = UNIT_REJECTED, f"{held.reason}（{held.path}）", held.path
        elif elsewhere:
            why, file = f"{elsewhere.file} 是为本单位填写的，但用了{elsewhere.unit}的模板，未采用", elsewhere.file
        elif blank:
            why, file = f"收到的 {blank.path} 是未填写的空白模板", blank.path
        rows.append(RankRow(None, unit, None, status, group.number if group else None, file, why))
    return rows


def missing_findings(rows: list[RankRow], accepted: Accepted, files: list[InputFile],
                     config: Config) -> list[Finding]:
    """Units without a scoring sheet are errors. A missing 交办清单 or 调度表 is a warning, and only
    once some have arrived: a run that collects scoring sheets alone is not nagged about them."""
    out = []
    for row in rows:
        if row.status == MISSING:
            group = config.group_for_unit(row.unit)
            who = f"第 {group.number} 组（{group.name}）" if group else "检查组"
            out.append(finding(Code.U001, unit=row.unit, name=row.unit, kind=KIND_NAMES[KIND_SCORING], who=who))
    received = {f.kind for f in files if f.kind}
    tried = {(f.kind, f.unit) for f in files}
    expected = {KIND_DISPATCH: config.units, KIND_PROGRESS: (*config.units, *config.departments)}
    got = {KIND_DISPATCH: accepted.dispatch, KIND_PROGRESS: accepted.progress}
    for kind, names in expected.items():
        if kind not in received:
            continue
        for name in names:
            if name not in got[kind] and (kind, name) not in tried:
                out.append(finding(Code.U002, unit=name, name=name, kind=KIND_NAMES[kind]))
    return out


def common_problems(returns: dict[str, ScoringReturn], rubric: Rubric, config: Config) -> list[CommonProblem]:
    """Criteria by how many units lost points on them, then by points lost in all."""
    order = {unit: n for n, unit in enumerate(config.units)}
    problems = {}
    for unit in sorted(returns, key=lambda u: order.get(u, len(order))):
        for d in returns[unit].deductions:
            entry = problems.setdefault(d.criterion_id, ([], Decimal(0)))
            entry[0].append(unit)
            problems[d.criterion_id] = (entry[0], entry[1] + d.amount)
    position = {c.id: n for n, c in enumerate(rubric.criteria)}
    by_id = {c.id: c for c in rubric.criteria}
    result = [
        CommonProblem(cid, by_id[cid].label, by_id[cid].text, units, points)
        for cid, (units, points) in problems.items()
    ]
    result.sort(key=lambda p: (-len(p.units), -p.points, position[p.criterion_id]))
    return result
