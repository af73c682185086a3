"""Demo returns of the units' own forms: 自评表 and 自查问题清单, built from the groups' filled returns.

Only `process.py demo` uses this. Each unit admits part of what its group found, in its own words and
never more than the group deducted, so the groups found more than the units: nothing to warn about.
One unit's group is planted as 003 describes: two of its deduction reasons are the unit's own words,
it deducted nothing on two criteria the unit deducted itself, and two hazards on its 交办清单 are the
unit's own 自查问题清单 rows. The groups' returns are not touched: the ranking is the same with or
without the units' forms.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
import random

import openpyxl

from inspection.spec.config import Config
from inspection.constants import (
    COL_DEDUCTION, COL_REASON, COL_STATUS, DISPATCH_HEADERS, SELF_REVIEW, SHEET_DISPATCH, SHEET_SCORING,
    SHEET_SELF_CHECK, SIGN_FILLER, SIGN_HEAD,
)
from inspection.kinds.dispatch.demo import HAZARD_SAMPLES, PLACES, _row_of
from inspection.kinds.scoring.demo import (
    GIVEN_NAMES, SURNAMES, WARNING_STATUS, _clauses, _criterion_rows, _header, _meta, _number,
)
from inspection.spec.rubric import Criterion, Rubric
from inspection.decisions.selfcheck import repeats
from inspection.kinds.scoring.template import fit_filled

OWN_WORDS = ("对照“{text}”，本单位工作还有差距，已制定整改措施", "自评认为“{text}”一项落实不够，正在整改",
             "本单位自查“{text}”一项发现薄弱环节，已督促落实")
SELF_COMPANIES = ("城关", "产业集聚区", "经济开发区", "高新区", "工业园区")


@dataclass(frozen=True)
class Sheet:
    """A filled scoring sheet as the demo reads it back: criterion id → (amount, reason), item → 完成情况."""

    deductions: dict[str, tuple[Decimal, str]]
    statuses: dict[str, str]


def fill_self_returns(config: Config, rubric: Rubric, self_templates: list[Path], list_templates: list[Path],
                      reviews: list[Path], lists: list[Path], folder: Path, *, lenient_unit: str,
                      skip_units: tuple[str, ...] = (), seed: int = 2023) -> list[Path]:
    """A 自评表 per template except skip_units, and a 自查问题清单 per list template; templates and the
    groups' returns are only read."""
    by_unit = {_meta(openpyxl.load_workbook(p, read_only=True)).get("county", ""): p for p in reviews}
    out = []
    for n, template in enumerate(self_templates):
        unit = _meta(openpyxl.load_workbook(template, read_only=True)).get("county", "")
        if unit in skip_units:
            continue
        rng = random.Random(f"self-{seed}-{n}")
        review = _read_review(by_unit[unit], rubric) if unit in by_unit else Sheet({}, {})
        own = _own_assessment(rubric, review, unit, rng, lenient=unit == lenient_unit)
        wb = openpyxl.load_workbook(template)
        _write_assessment(wb[SELF_REVIEW.sheet], config, rubric, own, review, unit, rng)
        fit_filled(wb[SELF_REVIEW.sheet], rubric)  # rows as tall as what was typed, as Excel makes them
        target = folder / f"{unit}自评表.xlsx"
        wb.save(target)
        out.append(target)
    assigned = {_meta(openpyxl.load_workbook(p, read_only=True)).get("county", ""): p for p in lists}
    for n, template in enumerate(list_templates):
        unit = _meta(openpyxl.load_workbook(template, read_only=True)).get("county", "")
        if unit in skip_units:
            continue
        rng = random.Random(f"self-check-{seed}-{n}")
        theirs = _read_hazards(assigned[unit]) if unit in assigned else []
        mine = (theirs[:2] if unit == lenient_unit else []) + _own_hazards(config, unit, theirs, rng)
        out.append(_write_list(template, config, unit, mine, folder, rng))
    return out


def _read_review(path: Path, rubric: Rubric) -> Sheet:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_SCORING]
    header, cols = _header(ws, rubric)
    rows = _criterion_rows(ws, rubric, header, cols["criterion"])
    deductions = {}
    for cid, row in rows.items():
        amount = ws.cell(row, cols[COL_DEDUCTION]).value
        if amount:
            deductions[cid] = (Decimal(str(amount)), str(ws.cell(row, cols[COL_REASON]).value or ""))
    statuses = {item.id: str(ws.cell(rows[item.criteria[0].id], cols[COL_STATUS]).value or "") for item in rubric.items}
    return Sheet(deductions, statuses)


def _own_assessment(rubric: Rubric, review: Sheet, unit: str, rng: random.Random, *, lenient: bool
                    ) -> dict[str, tuple[Decimal, str]]:
    """About half of what the group found, in the unit's words; for the planted unit two reasons in
    the group's words (the group copied them) and two criteria the group passed over."""
    by_id = {c.id: c for c in rubric.criteria}
    found = list(review.deductions)
    if not found:  # no review to start from: a few criteria of its own
        found = [c.id for c in rng.sample(rubric.criteria, 3) if not c.not_applicable]
        return {cid: (_first_amount(by_id[cid]), _own_words(by_id[cid], unit, rng)) for cid in found}
    kept = sorted(rng.sample(found, max(2, len(found) // 2)), key=found.index)
    own = {cid: (review.deductions[cid][0], _own_words(by_id[cid], unit, rng, review.deductions[cid][1]))
           for cid in kept}
    if lenient:
        for cid in kept[:2]:
            own[cid] = review.deductions[cid]
        lost_items = {by_id[cid].item_id for cid in found}
        passed = [i.criteria[0] for i in rubric.items if i.id not in lost_items and not i.criteria[0].not_applicable]
        for criterion in rng.sample(passed, 2):
            own[criterion.id] = (_first_amount(criterion), _own_words(criterion, unit, rng))
    return own


def _first_amount(criterion: Criterion) -> Decimal:
    return criterion.per_finding_step or criterion.deductions[0].amount


def _own_words(criterion: Criterion, unit: str, rng: random.Random, review: str = "") -> str:
    """The unit's own sentence about a criterion it lost points on, never close enough to the group's
    reason to count as the same (selfcheck.repeats): the demo plants copies only where it means to."""
    clauses = _clauses(criterion.text)
    topic = (clauses[0] if clauses else "").split("，")[0]
    if not 4 <= len(topic) <= 24 or "“" in topic:
        topic = f"评分标准{criterion.display_label}"
    text = rng.choice(OWN_WORDS).format(text=topic)
    return text if not repeats(review, text) else "本单位自查认为该项工作仍有差距，已列入整改台账"


def _write_assessment(ws, config: Config, rubric: Rubric, own: dict, review: Sheet, unit: str,
                      rng: random.Random) -> None:
    header, cols = _header(ws, rubric)
    rows = _criterion_rows(ws, rubric, header, cols["criterion"])
    for cid, (amount, reason) in own.items():
        ws.cell(rows[cid], cols[COL_DEDUCTION], _number(amount))
        ws.cell(rows[cid], cols[COL_REASON], reason)
    item_of = {c.id: c.item_id for c in rubric.criteria}
    lost, lost_in_review = {item_of[cid] for cid in own}, {item_of[cid] for cid in review.deductions}
    for item in rubric.items:
        status = review.statuses.get(item.id, "")
        if item.id in lost and (item.id not in lost_in_review or status == WARNING_STATUS):
            status = "自查发现部分工作落实不到位，正在整改"
        elif status == WARNING_STATUS:  # the group's bare "已完成" planted in one demo return
            status = "已按要求落实，资料齐全"
        if status:
            ws.cell(rows[item.criteria[0].id], cols[COL_STATUS], status)
    names = [s + g for s, g in zip(rng.sample(SURNAMES, 2), rng.sample(GIVEN_NAMES, 2))]
    for cell in ws[header - 1]:
        label = str(cell.value or "").rstrip(":：")
        if label == SELF_REVIEW.date_label:
            ws.cell(cell.row, cell.column + 1, config.inspection_start)
        elif label == SELF_REVIEW.people_label:
            ws.cell(cell.row, cell.column + 1, "、".join(names))


def _read_hazards(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path)[SHEET_DISPATCH]
    header = _row_of(ws, "序号")
    cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    out = []
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, cols["企业（单位）名称"]).value:
            out.append({h: ws.cell(r, cols[h]).value for h in DISPATCH_HEADERS[1:]})
    return out


def _own_hazards(config: Config, unit: str, theirs: list[dict], rng: random.Random) -> list[dict]:
    """Two problems the group did not list: companies of the unit's own naming."""
    taken = {(h["企业（单位）名称"], h["问题隐患描述"]) for h in theirs}
    sectors = [s for s in config.sectors if s in HAZARD_SAMPLES]
    out = []
    while len(out) < 2:
        sector = rng.choice(sectors)
        kinds, problems, fixes = HAZARD_SAMPLES[sector]
        pick = rng.randrange(len(problems))
        company = f"{unit[:-1]}{rng.choice(SELF_COMPANIES)}{rng.choice(PLACES)}{rng.choice(kinds)}"
        if (company, problems[pick]) in taken:
            continue
        taken.add((company, problems[pick]))
        out.append({"企业（单位）名称": company, "行业领域": sector, "问题隐患描述": problems[pick], "隐患级别": "一般隐患",
                    "整改要求": fixes[pick], "整改时限": config.inspection_end + timedelta(days=30), "责任单位": unit,
                    "整改状态": "整改中", "备注": ""})
    return out


def _write_list(template: Path, config: Config, unit: str, hazards: list[dict], folder: Path,
                rng: random.Random) -> Path:
    wb = openpyxl.load_workbook(template)
    ws = wb[SHEET_SELF_CHECK]
    header = _row_of(ws, "序号")
    cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(_row_of(ws, "日期："), 3, config.inspection_start)
    for k, hazard in enumerate(hazards, start=1):
        for key, value in hazard.items():
            if value not in (None, ""):
                ws.cell(header + k, cols[key], value)
    signers = {f"{SIGN_FILLER}：", f"{SIGN_HEAD}："}
    for (cell,) in ws.iter_rows(min_row=header + 1, min_col=1, max_col=1):
        if cell.value in signers:
            ws.cell(cell.row, 4, rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES))
    target = folder / f"{unit}自查问题清单.xlsx"
    wb.save(target)
    return target
