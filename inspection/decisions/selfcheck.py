"""自评 against 复核: where a group's review found less than the unit found itself, or repeated it.

003 §二(一): "一些督导组把县区自查的问题当成复核发现的问题，甚至查找的问题比县区自查的问题还少". Per
unit both totals and ranks; per criterion the cases that matter; per group a summary row, the groups the
bulletin would warn about first. The official ranking is the review's and nothing here changes it.

The similarity rule (`repeats`): two reasons are the same text when they are equal after normalising
(NFKC, no spaces, no punctuation); they are nearly the same when difflib's ratio of the normalised
texts (2·matching characters / both lengths) is at least SIMILAR (0.8), and both have at least
SHORTEST characters (two short reasons such as "未建立台账" and "未建立制度" share too much by chance).
"""

from decimal import Decimal
import difflib
import unicodedata

from inspection.spec.config import Config
from inspection.model import (
    COPIED, LESS, OWN, Comparison, CriterionCase, GroupSummary, Hazard, RankRow, ScoringReturn, UnitComparison,
)
from inspection.reading.cells import squash
from inspection.decisions.rounds import competition_ranks

SIMILAR = 0.8
SHORTEST = 6  # normalised characters both reasons need before "nearly the same" applies


def normalise(text: str) -> str:
    """The text as squash() compares it (NFKC, no spaces) and without punctuation: what two copies share."""
    return "".join(ch for ch in squash(text or "") if not unicodedata.category(ch).startswith("P"))


def similarity(a: str, b: str) -> float:
    return _ratio(normalise(a), normalise(b))


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def repeats(review: str, own: str) -> bool:
    """Whether the group's reason repeats the unit's own: the same text, or nearly (see the module doc)."""
    a, b = normalise(review), normalise(own)
    if not a or not b:
        return False
    if a == b:
        return True
    return min(len(a), len(b)) >= SHORTEST and _ratio(a, b) >= SIMILAR


def hazard_key(h: Hazard) -> tuple[str, str]:
    """A hazard is the unit's own when its company and description are, normalised."""
    return normalise(h.company), normalise(h.description)


def compare(config: Config, ranking: list[RankRow], review: dict[str, ScoringReturn],
            own: dict[str, ScoringReturn], hazards: dict[str, list[Hazard]],
            own_hazards: dict[str, list[Hazard]], criterion_order: dict[str, int]) -> Comparison:
    """Everything the 自评与复核 sheet shows, for the units in config order."""
    out = Comparison()
    review_ranks = {r.unit: r.rank for r in ranking}
    own_ranks = competition_ranks(ret.total for ret in own.values())
    for unit in config.units:
        group = config.group_for_unit(unit)
        mine, theirs = own.get(unit), review.get(unit)
        out.units.append(UnitComparison(
            unit, group.number if group else None, mine.total if mine else None, theirs.total if theirs else None,
            own_ranks[mine.total] if mine else None, review_ranks.get(unit), mine.file if mine else ""))
        if mine and theirs:
            out.cases += _cases(unit, group.number if group else None, theirs, mine, criterion_order)
    by_group: dict[int | None, list[str]] = {}
    for unit in config.units:
        group = config.group_for_unit(unit)
        by_group.setdefault(group.number if group else None, []).append(unit)
    names = {g.number: g.name for g in config.groups}
    for number, units in by_group.items():
        both = [u for u in units if u in own and u in review]
        cases = [c for c in out.cases if c.unit in both]
        listed = [h for u in both for h in hazards.get(u, ())]
        theirs_keys = {u: {hazard_key(h) for h in own_hazards.get(u, ())} for u in both}
        out.groups.append(GroupSummary(
            number, names.get(number, ""), len(both),
            deductions=sum(len(review[u].deductions) for u in both),
            hazards=len(listed),
            copied_deductions=sum(1 for c in cases if COPIED in c.cases),
            copied_hazards=sum(1 for h in listed if hazard_key(h) in theirs_keys[h.unit]),
            lenient=sum(1 for c in cases if LESS in c.cases),
            own=sum(1 for c in cases if OWN in c.cases),
            self_deductions=sum(len(own[u].deductions) for u in both), compared=tuple(both)))
    out.groups.sort(key=lambda g: (not g.warned, -g.weight, g.number or 0))
    return out


def _cases(unit: str, group: int | None, review: ScoringReturn, own: ScoringReturn,
           order: dict[str, int]) -> list[CriterionCase]:
    theirs = {d.criterion_id: d for d in review.deductions}
    mine = {d.criterion_id: d for d in own.deductions}
    out = []
    for cid in sorted(set(theirs) | set(mine), key=lambda c: order.get(c, len(order))):
        r, s = theirs.get(cid), mine.get(cid)
        r_amount, s_amount = (r.amount if r else Decimal(0)), (s.amount if s else Decimal(0))
        cases = []
        if s_amount > r_amount:
            cases.append(LESS)
        if r and s and repeats(r.reason, s.reason):
            cases.append(COPIED)
        if r and not s:
            cases.append(OWN)
        if cases:
            label = (r or s).label
            out.append(CriterionCase(unit, group, cid, f"({label})", s_amount, s.reason if s else "", r_amount,
                                     r.reason if r else "", tuple(cases), r.cell if r else ""))
    return out
