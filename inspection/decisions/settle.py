"""The run's decisions, each taken once and here: which files are used (settle), the hazard ids they
get, which 隐患整改跟踪表 rows count, the ranking, and who has sent nothing (findings, and the 催报清单).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
import re

from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.intake.filekinds import MAYBE_RETURNS
from inspection.findings import Code, Finding, finding
from inspection.intake.ingest import Ingested, Read
from inspection.kinds import BY_KEY, DISPATCH, FOLLOWUP, KINDS, NAMES, SCORING
from inspection.kinds.dispatch.reader import hazard_id, place_of_unit
from inspection.model import (
    ACCEPTED, BLANK_RECEIVED, IGNORED, MISSING, NOT_ACCEPTED, NOT_RECEIVED, RANKED, REJECTED, SUPERSEDED, UNIT_REJECTED,
    UNREAD,
    CommonProblem, Hazard, InputFile, RankRow, Reminder, ScoringReturn, TrackedHazard,
)
from inspection.decisions.rounds import Earlier, competition_ranks, hazard_key
from inspection.spec.rubric import Rubric
from inspection.decisions.season import Seen, later


@dataclass
class Accepted:
    """The one accepted return per unit (or department) of each kind: kind key → name → payload."""

    by_kind: dict[str, dict[str, object]] = field(default_factory=dict)
    files: dict[str, dict[str, InputFile]] = field(default_factory=dict)  # kind key → name → its file

    def of(self, kind) -> dict:
        return self.by_kind.get(kind.key, {})


def settle(ingested: Ingested, seen: Seen | None = None) -> tuple[Accepted, list[Finding]]:
    """The status of every file read, decided here and nowhere else, with every finding about the
    files.

    Set aside first, each in one line: a copy the tool sent back that came back unchanged, a report
    or 修改说明 the tool wrote, a return of an earlier round (quietly when the archive holds it, with
    a warning when not). The versions of one return (same kind and unit) are then put in order: one
    made from the copy of another sent back, one that came in a later run, or one whose name says it
    is corrected supersedes the other, which is listed as 已被更正 and says nothing more. Of what is
    left, a file whose reader could use it and found no error is a candidate; candidates with the
    same content are one return (the first is used, the rest ignored with M010) and different
    contents are none (M009, naming where they differ: nothing says which is meant)."""
    seen = seen or Seen()
    findings = list(ingested.findings)
    versions: dict[tuple[str, str], list[tuple[InputFile, Read]]] = {}
    for n, read in ingested.reads.items():
        info = ingested.files[n]
        aside = _set_aside(info, read, seen)
        if aside is not None:
            info.status, info.reason = IGNORED, aside[0]
            findings += aside[1]
        elif read.blank:
            info.status, info.reason = IGNORED, Code.S008.title
            findings += read.findings
        elif info.kind and info.unit and not any(f.is_error and f.code.name.startswith("M") for f in read.findings):
            versions.setdefault((info.kind, info.unit), []).append((info, read))  # whose it is is known
        else:
            _reject(info, read.findings)
            findings += read.findings
    accepted = Accepted({k.key: {} for k in KINDS}, {k.key: {} for k in KINDS})
    for (kind, unit), group in versions.items():
        current = _latest(group, seen)
        candidates = []
        for info, read in current:
            findings += read.findings
            if read.payload is None or any(f.is_error for f in read.findings):
                _reject(info, read.findings)
            else:
                candidates.append((info, read.payload))
        if candidates:
            findings += _one_of(kind, unit, candidates, accepted)
    return accepted, findings


def _reject(info: InputFile, found: list[Finding]) -> None:
    errors = [f for f in found if f.is_error]
    info.status, info.reason = REJECTED, errors[0].code.title if errors else "未通过校验"


def _set_aside(info: InputFile, read: Read, seen: Seen) -> tuple[str, list[Finding]] | None:
    """(why, findings) for a file read that is no return of this round, else None."""
    if info.sha256 in seen.sent_back:
        return "本工具退回修改时写的副本，没有改过，不是报回的表格", []
    if read.ours:
        return read.ours, []
    earlier = next((f for f in read.findings if f.code == Code.M016), None)
    if earlier is None:
        return None
    round_, expected = dict(earlier.values)["value"], dict(earlier.values)["expected"]
    if seen.archived(info, round_):
        return f"上一轮（{round_}）的表格，已归档", []
    return f"上一轮（{round_}）的表格，归档中没有", [finding(Code.M017, file=info.path, unit=info.unit, value=round_,
                                                      expected=expected)]


def _latest(group: list[tuple[InputFile, Read]], seen: Seen) -> list[tuple[InputFile, Read]]:
    """The versions of one return that no other corrects; the others are marked 已被更正."""
    by: dict[int, tuple[int, str]] = {}  # index of a version → (the index of one correcting it, why)
    for i, (a, _) in enumerate(group):
        for j, (b, _) in enumerate(group):
            why = later(a, b, seen) if i != j else ""
            if why and j not in by:
                by[j] = (i, why)
    for j, (info, _) in enumerate(group):
        k, why, steps = j, "", 0
        while k in by and steps <= len(group):  # the latest in the chain (a cycle stops at its length)
            k, why, steps = by[k][0], why or by[k][1], steps + 1
        if k != j and k not in by:
            info.status, info.reason = SUPERSEDED, f"以 {group[k][0].path} 为准（{why}）"
    return [(info, read) for info, read in group if info.status != SUPERSEDED]


def _one_of(kind: str, unit: str, candidates: list[tuple[InputFile, object]], accepted: Accepted) -> list[Finding]:
    """The one accepted return of a unit and kind among `candidates` (copies with the same content
    are one), or none when their contents differ (M009)."""
    first_info, first = candidates[0]
    fingerprint = BY_KEY[kind].fingerprint
    if len({fingerprint(payload) for _, payload in candidates}) == 1:
        first_info.status = ACCEPTED
        accepted.by_kind[kind][unit], accepted.files[kind][unit] = first, first_info
        out = []
        for info, _ in candidates[1:]:
            info.status, info.reason = IGNORED, f"与 {first_info.path} 内容相同"
            out.append(finding(Code.M010, file=info.path, unit=unit, other=first_info.path))
        return out
    files = "、".join(info.path for info, _ in candidates)
    differ = BY_KEY[kind].differences(candidates[0][1], candidates[1][1])
    differences = f"两份不同之处：{'；'.join(differ[:5])}{'等' if len(differ) > 5 else ''}。" if differ else ""
    out = []
    for info, _ in candidates:
        info.status, info.reason = REJECTED, Code.M009.title
        out.append(finding(Code.M009, file=info.path, unit=unit, name=unit, kind=NAMES[kind], files=files,
                           differences=differences))
    return out


def hazard_ids(accepted: Accepted, campaign: Campaign, earlier: Earlier) -> list[Finding]:
    """Give every accepted hazard its id, once: the id an earlier round gave it (a 备注 quoting an
    archived id of its unit, or the same company and description in the same unit), else a new one
    from its place in its list. A 备注 quoting an id another row already carries is H010 there."""
    config = campaign.config
    by_key, by_unit = earlier.archived_ids()
    taken: dict[str, Hazard] = {}
    findings = []
    for unit in config.units:
        for h in accepted.of(DISPATCH).get(unit, ()):
            quoted = _quoted_id(h.remark, by_unit.get(h.unit, ()))
            archived = quoted or by_key.get(match_key(h))
            if archived and archived not in taken:
                h.id = archived
                taken[archived] = h
                continue
            h.id = hazard_id(config.campaign, config.round, place_of_unit(config, h.unit), h.place)
            if quoted:
                findings.append(finding(Code.H010, file=h.file, unit=unit, sheet=DISPATCH.sheet, cell=h.cell,
                                        hazard=quoted, other=taken[quoted].cell, new=h.id))
    return findings


def _quoted_id(remark: str, ids) -> str | None:
    """The archived id a 备注 quotes, as a whole word (…-100 is not in …-1000)."""
    if not remark:
        return None
    return next((i for i in sorted(ids) if re.search(rf"(?<![0-9A-Za-z]){re.escape(i)}(?![0-9A-Za-z])", remark)), None)


def match_key(h: Hazard) -> tuple[str, str, str]:
    return hazard_key(h.unit, h.company, h.description)


def check_updates(accepted: Accepted, earlier: Earlier) -> list[Finding]:
    """Keep the 隐患整改跟踪表 rows that name a hazard the archive knows, as the sender's own, and
    whose status could be read; the others are warned (K001, K005, or the row's own K002) and
    dropped: the hazard stays as it was."""
    known = earlier.known_hazards()
    findings = []
    for unit, updates in accepted.of(FOLLOWUP).items():
        kept = []
        for u in updates:
            if u.hazard_id not in known:
                findings.append(finding(Code.K001, file=u.file, unit=unit, sheet=FOLLOWUP.sheet, cell=u.id_cell,
                                        value=u.hazard_id[:40] or "（空）"))
            elif known[u.hazard_id] != unit:
                findings.append(finding(Code.K005, file=u.file, unit=unit, sheet=FOLLOWUP.sheet, cell=u.id_cell,
                                        hazard=u.hazard_id, owner=known[u.hazard_id], name=unit))
            else:
                findings += u.problems
                if u.status:
                    kept.append(u)
        updates[:] = kept
    return findings


def rank(returns: dict[str, ScoringReturn], config: Config, files: list[InputFile],
         findings: list[Finding] = ()) -> list[RankRow]:
    """Ranked units by score (ties share a rank, tied units in config order), then the others, each
    with why: its file held (and for what), a blank form received, or a form filled in for it on
    another unit's template (M011/M012 `about` it)."""
    order = {unit: n for n, unit in enumerate(config.units)}
    ranked = sorted(returns.values(), key=lambda r: (-r.total, order.get(r.unit, len(order))))
    positions = competition_ranks(r.total for r in ranked)
    rows = [RankRow(positions[ret.total], ret.unit, ret.total, RANKED, ret.group, ret.file) for ret in ranked]
    scoring = [f for f in files if f.kind == SCORING.key]
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


def missing_findings(rows: list[RankRow], accepted: Accepted, files: list[InputFile], config: Config,
                     unread: "Unread") -> list[Finding]:
    """Units without a scoring sheet are errors (U001). A missing return of another kind is a warning
    (U002), and only once some of that kind have arrived: a run that collects scoring sheets alone is
    not nagged about the others."""
    out = []
    for row in rows:
        if row.status == MISSING:
            group = config.group_for_unit(row.unit)
            who = group.label if group else row.unit
            why = f"{row.why}。" if row.why else unread.why_missing(row.unit, SCORING.key)
            out.append(finding(Code.U001, unit=row.unit, name=row.unit, kind=SCORING.name, who=who, why=why))
    received = {f.kind for f in files if f.kind}
    tried = {(f.kind, f.unit) for f in files}
    for kind in KINDS:
        if kind is SCORING or kind.key not in received:
            continue
        for name in kind.senders(config):
            if name not in accepted.of(kind) and (kind.key, name) not in tried:
                out.append(finding(Code.U002, unit=name, name=name, kind=kind.name,
                                   why=unread.why_missing(name, kind.key)))
    return out


def owed(rows: list[RankRow], accepted: Accepted, files: list[InputFile], config: Config,
         tracked: list[TrackedHazard], unread: "Unread") -> list[Reminder]:
    """The 催报清单: every return the campaign expects and did not get in usable form, by who sends it
    (the groups in their order, then the units, then the departments) and form. Expected are the
    打分表 of every unit, the other forms the campaign uses from their senders, and a 隐患整改跟踪表 from
    every unit with a hazard still open when the round began."""
    received = defaultdict(list)  # (kind, unit) → the files read for that return
    for f in files:
        received[f.kind, f.unit].append(f)
    why_scoring = {row.unit: row.why for row in rows}
    open_units = {t.hazard.unit for t in tracked
                  if t.first_round < config.round and (not t.closed_round or t.closed_round >= config.round)}
    order = {name: n for n, name in enumerate((*config.units, *config.departments))}
    out = []
    for k, kind in enumerate(KINDS):
        if kind is FOLLOWUP:
            names = [u for u in config.units if u in open_units] if kind.used(config) else []
        else:
            names = kind.senders(config)
        for name in names:
            if name in accepted.of(kind):
                continue
            state, detail = _owed_state(received[kind.key, name], why_scoring.get(name, "") if kind is SCORING else "")
            if state == NOT_RECEIVED and not detail:
                detail = unread.why_missing(name, kind.key)
            group = config.group_for_unit(name) if kind.grouped else None
            sender = group.label if group else name
            key = (0, group.number, order[name], k) if group else (1, order[name], k)
            out.append((key, Reminder(name, kind.name, sender, group.leader if group else "",
                                      group.phone if group else "", state, detail)))
    return [r for _, r in sorted(out, key=lambda pair: pair[0])]


def _owed_state(mine: list[InputFile], why: str) -> tuple[str, str]:
    """What became of the files received for one return, none of them accepted."""
    rejected = [f for f in mine if f.status == REJECTED]
    if rejected:
        return NOT_ACCEPTED, "；".join(f"{f.path}：{f.reason}" for f in rejected) + "。请修改后重新报送"
    blank = [f for f in mine if f.status == IGNORED and f.reason == Code.S008.title]
    if blank:
        return BLANK_RECEIVED, f"收到的 {blank[0].path} 是未填写的空白模板，请填写后报送"
    if why:  # filled in on another unit's template (M011, M012)
        return NOT_ACCEPTED, why
    return NOT_RECEIVED, ""


LISTED = 3  # unidentified files named in a unit's finding; the rest are counted


class Unread:
    """Files in input/ that may hold some unit's return and gave none: not read (a document, a format
    or an archive the tool cannot open, a link outside input/), or rejected before it was known whose
    they are. Found once per run, so that thousands of missing returns cost no more than one."""

    def __init__(self, files: list[InputFile], config: Config):
        known = set(config.units) | set(config.departments)
        self.files = [f for f in files
                      if f.status == UNREAD
                      or (f.status == REJECTED and f.unit not in known)
                      or (f.status == IGNORED and f.reason.startswith(MAYBE_RETURNS))]
        self.nobody = [f for f in self.files if not any(_names(f.path, name) for name in known)]

    def why_missing(self, name: str, kind: str) -> str:
        """What input/ holds that may be this missing return: the files whose name has the unit's
        name in it (and no other kind's name), else every file of no known unit, at most LISTED."""
        if not self.files:
            return ""
        other_kinds = [label for key, label in NAMES.items() if key != kind]
        mine = [f for f in self.files if _names(f.path, name) and not any(k in f.path for k in other_kinds)]
        if len(mine) == 1:
            f = mine[0]
            return (f"收到 {f.path}，但它{_state(f)}（{f.reason}），可能就是这份：请按“校验报告”中该文件的提示处理。")
        if mine:
            states = {_state(f) for f in mine}
            return (f"收到 {len(mine)} 个文件名含“{name}”的文件，但都{states.pop() if len(states) == 1 else '没有读取或未采用'}"
                    f"（{_listed(mine)}），可能就是这份：请按“校验报告”中这些文件的提示处理。")
        if self.nobody:
            return (f"输入文件夹中另有 {len(self.nobody)} 个文件没有读取或未采用、不知道是哪个单位的（{_listed(self.nobody)}），"
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
