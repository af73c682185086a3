"""From accepted returns to the ranking: duplicates resolved, ties shared, missing units named."""

from dataclasses import dataclass
from decimal import Decimal
import hashlib

from inspection.config import Config
from inspection.findings import Code, Finding, finding
from inspection.ingest import Ingested, KIND_NAMES
from inspection.constants import KIND_DISPATCH, KIND_FOLLOWUP, KIND_PROGRESS, KIND_SCORING
from inspection.filekinds import MAYBE_RETURNS
from inspection.model import (
    IGNORED, MISSING, RANKED, REJECTED, UNIT_REJECTED, UNREAD, CommonProblem, Hazard, InputFile, ProgressReturn,
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
    unread = _unread(files, config)
    for row in rows:
        if row.status == MISSING:
            group = config.group_for_unit(row.unit)
            who = f"第 {group.number} 组（{group.name}）" if group else "检查组"
            why = f"{row.why}。" if row.why else _why_missing(row.unit, KIND_SCORING, unread, config)
            out.append(finding(Code.U001, unit=row.unit, name=row.unit, kind=KIND_NAMES[KIND_SCORING], who=who,
                               why=why))
    received = {f.kind for f in files if f.kind}
    tried = {(f.kind, f.unit) for f in files}
    expected = {KIND_DISPATCH: config.units, KIND_PROGRESS: (*config.units, *config.departments)}
    got = {KIND_DISPATCH: accepted.dispatch, KIND_PROGRESS: accepted.progress}
    for kind, names in expected.items():
        if kind not in received:
            continue
        for name in names:
            if name not in got[kind] and (kind, name) not in tried:
                out.append(finding(Code.U002, unit=name, name=name, kind=KIND_NAMES[kind],
                                   why=_why_missing(name, kind, unread, config)))
    return out


LISTED = 3  # unidentified files named in a unit's finding; the rest are counted


def _unread(files: list[InputFile], config: Config) -> list[InputFile]:
    """Files in input/ that may hold some unit's return and gave none: not read (a document, a
    format or an archive the tool cannot open, a link outside input/), or rejected before it was
    known whose they are."""
    known = set(config.units) | set(config.departments)
    return [f for f in files
            if f.status == UNREAD
            or (f.status == REJECTED and f.unit not in known)
            or (f.status == IGNORED and f.reason.startswith(MAYBE_RETURNS))]


def _why_missing(name: str, kind: str, unread: list[InputFile], config: Config) -> str:
    """What input/ holds that may be this missing return: the files whose name has the unit's name
    in it (and no other kind's name), else every file of no known unit, at most LISTED of them."""
    other_kinds = [k for key, k in KIND_NAMES.items() if key != kind]
    mine = [f for f in unread if _names(f.path, name) and not any(k in f.path for k in other_kinds)]
    if len(mine) == 1:
        f = mine[0]
        return (f"收到 {f.path}，但它{_state(f)}（{f.reason}），可能就是这份：请按“校验报告”中该文件的提示处理。")
    if mine:
        states = {_state(f) for f in mine}
        return (f"收到 {len(mine)} 个文件名含“{name}”的文件，但都{states.pop() if len(states) == 1 else '没有读取或未采用'}"
                f"（{_listed(mine)}），可能就是这份：请按“校验报告”中这些文件的提示处理。")
    others = set(config.units) | set(config.departments)
    nobody = [f for f in unread if not any(_names(f.path, other) for other in others)]
    if nobody:
        return (f"输入文件夹中另有 {len(nobody)} 个文件没有读取或未采用、不知道是哪个单位的（{_listed(nobody)}），"
                "其中可能有这份：请逐个核对“校验报告”中这些文件的提示。")
    return ""


def _names(path: str, name: str) -> bool:
    """Whether a file's path names the unit: in full, or without 县/区/市 (淮滨县 → 淮滨, 羊山新区 → 羊山)."""
    for suffix in ("新区", "县", "区", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)] in path
    return name in path


def _state(f: InputFile) -> str:
    return "未采用" if f.status == REJECTED else "没有读取"


def _listed(files: list[InputFile]) -> str:
    shown = "、".join(f.path for f in files[:LISTED])
    return shown if len(files) <= LISTED else f"{shown} 等 {len(files)} 个"


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
