"""Demo returns of the scoring sheet: 打分表 filled the way inspection groups send them back.

Only `process.py demo` uses this. Every amount follows its criterion's rule (a fixed clause, a sum of
fixed clauses, or a whole number of findings) and each unit's total is planned in advance, so the
ranking shows varied scores and one shared rank. Reasons and 完成情况 are built from the criterion
text in the style of the 003 bulletin ("抽查……公司未建立……", "未见……").
"""

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import combinations
from pathlib import Path

import openpyxl

from inspection.spec.config import Config
from inspection.constants import (
    COL_DEDUCTION,
    COL_REASON,
    COL_STATUS,
    LABEL_INSPECTION_DATE,
    LABEL_INSPECTORS,
    SHEET_META,
    SHEET_SCORING,
)
from inspection.spec.rubric import Criterion, Rubric
from inspection.kinds.scoring.template import fit_filled

ENTERPRISE, DEPARTMENT, GOVERNMENT = "enterprise", "department", "government"
# In a part about enterprises, a section whose criteria use these words is about the supervising departments.
DEPARTMENT_WORDS = ("部门", "执法", "监管", "打非治违", "领域重大")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN_NAMES = ("建国", "志强", "海涛", "晓明", "丽娟", "国庆", "红梅", "振华", "俊杰", "秀英", "文斌", "春生",
               "立新", "雪松", "永刚", "静怡", "新民", "保华")
BRANDS = ("恒通", "鑫源", "华瑞", "宏达", "永安", "金泰", "瑞丰", "广源", "润泽", "东升", "豫信", "天成")
TRADES = ("化工", "建材", "食品", "机械制造", "纺织", "物流", "新材料", "木业", "建筑工程", "燃气")
DEPARTMENTS = ("应急管理局", "住房和城乡建设局", "交通运输局", "市场监督管理局", "工业和信息化局", "农业农村局")
# Criteria naming a sector are checked at that sector's department.
SECTOR_DEPARTMENTS = (("道路交通", "交通运输局"), ("非煤矿山", "应急管理局"), ("危险化学品", "应急管理局"),
                      ("消防", "消防救援大队"))
EVIDENCE = ("的相关资料", "的文件或会议记录", "的工作台账")
GAP_PREFIX = ("部分完成，", "落实不到位，", "基本完成，但", "未全部完成，")
DONE_SUFFIX = {
    ENTERPRISE: ("，抽查企业资料齐全", "，现场核实属实", "，台账完整"),
    DEPARTMENT: ("，台账齐全", "，有工作记录和影像资料", "，已印发文件"),
    GOVERNMENT: ("，有会议记录", "，已印发文件并抓好落实", "，资料齐全"),
}
DONE_GENERIC = {
    ENTERPRISE: ("抽查企业均已落实，现场未发现问题", "已按要求落实，台账资料齐全"),
    DEPARTMENT: ("已制定专项方案并印发，台账齐全", "已按要求开展，工作记录完整"),
    GOVERNMENT: ("已研究部署并印发文件，会议记录齐全", "已按要求落实，资料齐全"),
}
NO_COMMA_AFTER_SUBJECT = ("未", "存在", "主要负责人", "隐患")
WARNING_STATUS = "已完成"  # the bare 完成情况 the checker warns about on an item that lost points


@dataclass(frozen=True)
class Pick:
    """One planned deduction: the amount, which clauses it comes from, and how many findings."""

    criterion: Criterion
    amount: Decimal
    clauses: tuple[int, ...]  # indices into criterion.deductions
    findings: int = 1


def fill_scoring_returns(config: Config, rubric: Rubric, scoring_templates: list[Path], folder: Path, *,
                         seed: int = 2023, skip_units: tuple[str, ...] = (),
                         warning_unit: str | None = None) -> list[Path]:
    """Fill a copy of each template (except skip_units) into `folder`; templates are only read."""
    folder.mkdir(parents=True, exist_ok=True)
    metas = [_meta(openpyxl.load_workbook(t, read_only=True)) for t in scoring_templates]
    units = [m.get("county", "") for m in metas]
    targets = _plan_totals([u for u in units if u not in skip_units], seed, rubric)
    levels = _levels(rubric)
    written = []
    for index, (template, meta, unit) in enumerate(zip(scoring_templates, metas, units)):
        if unit in skip_units:
            continue
        rng = random.Random(seed + index)
        wb = openpyxl.load_workbook(template)
        _fill_sheet(wb[SHEET_SCORING], config, rubric, levels, unit, targets[unit], rng, unit == warning_unit)
        fit_filled(wb[SHEET_SCORING], rubric)  # rows as tall as what was typed, as Excel makes them
        group = meta.get("group", "")
        names = (f"{unit}打分表（第{group}组）.xlsx" if group else f"{unit}打分表.xlsx",
                 f"第{group}组检查{unit}打分表.xlsx" if group else f"{unit}打分表（已填）.xlsx",
                 f"{unit}交叉检查打分表（已填）.xlsx")
        target = folder / names[index % len(names)]
        wb.save(target)
        written.append(target)
    return written


def _meta(wb) -> dict[str, str]:
    meta = {str(k): str(v) for k, v, *_ in wb[SHEET_META].iter_rows(values_only=True) if k}
    wb.close()
    return meta


def _fewest_picks(rubric: Rubric) -> int:
    """Six deductions a unit at least, fewer in a short rubric (a dozen criteria: four)."""
    return max(1, min(6, len(rubric.criteria) // 3))


def _plan_totals(units: list[str], seed: int, rubric: Rubric) -> dict[str, Decimal]:
    """Total deduction per unit: 6–25 % of the total in half points (whole points where no clause is
    worth a half), all different where the rubric allows, but two that tie."""
    rng = random.Random(f"totals-{seed}")
    halves = [rng.randint(12, 50) for _ in units] if len(units) > 39 else rng.sample(range(12, 51), len(units))
    least = _fewest_picks(rubric) * _typical_amount(rubric)  # room for the fewest deductions
    has_halves = any(d.amount % 1 for c in rubric.criteria for d in c.deductions)
    targets = {u: max(least, (rubric.total * h / 100).to_integral_value() / 2 if has_halves
                      else (rubric.total * h / 200).to_integral_value())
               for u, h in zip(units, halves)}
    if len(units) >= 2:
        first, second = rng.sample(units, 2)
        targets[second] = targets[first]
    return targets


def _typical_amount(rubric: Rubric) -> Decimal:
    """The most common clause amount: 1 in Xinyang's rubric, 0.5 in Xuchang's."""
    amounts = [d.amount for c in rubric.criteria for d in c.deductions]
    return max(set(amounts), key=amounts.count)


def _levels(rubric: Rubric) -> dict[str, str]:
    """Item id → who the criteria are checked at: an enterprise, a department, or the government."""
    levels = {}
    for part in rubric.parts:
        for section in part.sections:
            texts = "".join(c.text for i in section.items for c in i.criteria)
            if "企业" in section.title:
                level = ENTERPRISE
            elif "企业" not in part.title:
                level = GOVERNMENT
            else:
                level = DEPARTMENT if any(w in texts for w in DEPARTMENT_WORDS) else ENTERPRISE
            levels.update({i.id: level for i in section.items})
    return levels


def _options(criterion: Criterion, room: Decimal) -> list[Pick]:
    """Every amount the criterion's rule allows that fits into `room`."""
    step = criterion.per_finding_step
    if step:
        return [Pick(criterion, step * k, (i,), k) for i in range(len(criterion.deductions))
                for k in range(1, 4) if step * k <= room]
    picks = []
    for size in range(1, len(criterion.deductions) + 1):
        for clauses in combinations(range(len(criterion.deductions)), size):
            amount = sum((criterion.deductions[i].amount for i in clauses), Decimal(0))
            if amount <= room:
                picks.append(Pick(criterion, amount, clauses))
    return picks


def _choose(rubric: Rubric, target: Decimal, rng: random.Random) -> list[Pick]:
    """6–18 picks adding up to exactly `target`, never more than an item's points per item."""
    halves = [c for c in rubric.criteria if any(d.amount % 1 for d in c.deductions)]
    low = _typical_amount(rubric)
    high = 3 * low  # keep what is left reachable by the remaining picks
    for _ in range(2000):
        fewest = max(_fewest_picks(rubric), int(target / high) + 1)
        count = rng.randint(min(fewest, int(target / low)), min(18, int(target / low)))
        pool = rng.sample(rubric.criteria, len(rubric.criteria))
        if halves and (target % 1 or rng.random() < 0.5):  # make sure some returns show a 0.5
            pool.insert(0, pool.pop(pool.index(rng.choice(halves))))
        used: dict[str, Decimal] = defaultdict(Decimal)
        picks, remaining = [], target
        for criterion in pool:
            if len(picks) == count:
                break
            later = count - len(picks) - 1
            room = rubric.item(criterion.item_id).points - used[criterion.item_id]
            fits = [p for p in _options(criterion, room)
                    if (p.amount == remaining if later == 0 else later * low <= remaining - p.amount <= later * high)]
            if fits:
                pick = rng.choices(fits, [1 / p.findings for p in fits])[0]  # one finding is most common
                picks.append(pick)
                used[criterion.item_id] += pick.amount
                remaining -= pick.amount
        if len(picks) == count and remaining == 0:
            return sorted(picks, key=lambda p: rubric.criteria.index(p.criterion))
    raise ValueError(f"无法凑出扣分合计 {target}")


def _fill_sheet(ws, config: Config, rubric: Rubric, levels: dict[str, str], unit: str, target: Decimal,
                rng: random.Random, plant_warnings: bool) -> None:
    header, cols = _header(ws, rubric)
    rows = _criterion_rows(ws, rubric, header, cols["criterion"])
    _fill_info(ws, header, config, rng)
    companies = [f"{unit[:-1] if len(unit) > 2 else unit}{b}{t}有限公司"
                 for b, t in zip(rng.sample(BRANDS, 4), rng.sample(TRADES, 4))]
    picks = _choose(rubric, target, rng)
    by_item: dict[str, list[Pick]] = defaultdict(list)
    for pick in picks:
        level = levels[pick.criterion.item_id]
        row = rows[pick.criterion.id]
        ws.cell(row, cols[COL_DEDUCTION], _number(pick.amount))
        ws.cell(row, cols[COL_REASON], _reason(pick, level, unit, companies, rng))
        by_item[pick.criterion.item_id].append(pick)
    for item in rubric.items:
        level = levels[item.id]
        if by_item[item.id]:
            text = _gap_status(by_item[item.id][0], level, unit, rng)
        else:
            text = _done_status(item, level, unit, rng)
        ws.cell(rows[item.criteria[0].id], cols[COL_STATUS], text)
    if plant_warnings:
        # A reason whose amount was forgotten, and an item that lost points marked only "已完成".
        clean = [c for i in rubric.items if not by_item[i.id] for c in i.criteria if not c.not_applicable]
        forgotten = rng.choice(clean)
        pick = Pick(forgotten, Decimal(0), (0,))
        ws.cell(rows[forgotten.id], cols[COL_REASON], _reason(pick, levels[forgotten.item_id], unit, companies, rng))
        lost = rubric.item(rng.choice(picks).criterion.item_id)
        ws.cell(rows[lost.criteria[0].id], cols[COL_STATUS], WARNING_STATUS)


def _header(ws, rubric: Rubric) -> tuple[int, dict[str, int]]:
    """The header row and its columns (1-based), found by label; spaces in labels are ignored."""
    wanted = {"criterion": rubric.labels["criterion"], COL_STATUS: COL_STATUS, COL_DEDUCTION: COL_DEDUCTION,
              COL_REASON: COL_REASON}
    for row in ws.iter_rows(max_row=40):
        found = {re.sub(r"\s+", "", str(c.value)): c.column for c in row if c.value is not None}
        if all(label in found for label in wanted.values()):
            return row[0].row, {key: found[label] for key, label in wanted.items()}
    raise LookupError("找不到打分表表头")


def _criterion_rows(ws, rubric: Rubric, header: int, col: int) -> dict[str, int]:
    """Criterion id → row, by the "(label)" prefix; a repeated label takes its criteria in order."""
    queues: dict[str, list[Criterion]] = defaultdict(list)
    for criterion in rubric.criteria:
        queues[criterion.label].append(criterion)
    rows = {}
    for row in range(header + 1, ws.max_row + 1):
        match = re.match(r"^\((\w+)\)", str(ws.cell(row, col).value or ""))
        if match and queues.get(match.group(1)):
            rows[queues[match.group(1)].pop(0).id] = row
    return rows


def _fill_info(ws, header: int, config: Config, rng: random.Random) -> None:
    """检查日期 and 检查人员: the cell right of each label on the row above the header."""
    span = (config.inspection_end - config.inspection_start).days
    count = rng.randint(3, 4)
    names = [s + g for s, g in zip(rng.sample(SURNAMES, count), rng.sample(GIVEN_NAMES, count))]
    for cell in ws[header - 1]:
        label = str(cell.value or "").rstrip(":：")
        if label == LABEL_INSPECTION_DATE:
            ws.cell(cell.row, cell.column + 1, config.inspection_start + timedelta(days=rng.randint(0, span)))
        elif label == LABEL_INSPECTORS:
            ws.cell(cell.row, cell.column + 1, "、".join(names))


def _clauses(text: str) -> list[str]:
    """The criterion's cases without evidence prefix and penalty: "查看…，未建立X的，扣2分" → ["未建立X"]."""
    parts = []
    for piece in re.split(r"扣\s*\d+(?:\.\d+)?\s*分", text):
        piece = re.sub(r"（[^）]*）", "", piece).strip("，,；;。、 ")
        if piece.startswith(("查看", "查阅")) and "，" in piece:
            piece = piece.split("，", 1)[1]
        piece = re.sub(r"[，,]?每(?:缺少|少|发现)[^，,]*[，,]?$", "", piece).strip("，,；;。、 ")
        piece = re.sub(r"(的|相关)+$", "", piece)
        if piece:
            parts.append(piece)
    return parts


def _pick_texts(pick: Pick) -> list[str]:
    clauses = _clauses(pick.criterion.text)
    if len(clauses) != len(pick.criterion.deductions):
        return clauses[:1]
    return [clauses[i] for i in pick.clauses]


def _without_enterprise(text: str) -> str:
    """"企业未建立X" → "未建立X", to follow a company name."""
    if "企业未" in text:
        return text[text.index("企业未") + 2:]
    return text.removeprefix("企业")


def _localise(text: str, unit: str) -> str:
    for general in ("本县区", "各县区", "县区"):
        text = text.replace(general, unit)
    return unit + text if text.startswith(("党委", "政府")) else text


def _reason(pick: Pick, level: str, unit: str, companies: list[str], rng: random.Random) -> str:
    texts = _pick_texts(pick)
    per = pick.criterion.deductions[pick.clauses[0]].per
    if level == ENTERPRISE:
        body = "，".join(_without_enterprise(t) for t in texts)
        names = "、".join(rng.sample(companies, min(pick.findings, len(companies)) if per == "家" else 1))
        sentence = f"抽查{names}{'' if body.startswith(NO_COMMA_AFTER_SUBJECT) else '，'}{body}"
    else:
        body = "，".join(_localise(t, unit) for t in texts)
        named = [d for word, d in SECTOR_DEPARTMENTS if word in body]
        subject = f"抽查{unit}{named[0] if named else rng.choice(DEPARTMENTS)}，" if level == DEPARTMENT else ""
        if len(texts) == 1 and body.startswith("未") and len(body) <= 30 and rng.random() < 0.5:
            sentence = f"{subject}未见{body[1:]}{rng.choice(EVIDENCE)}"
        elif level == GOVERNMENT and not body.startswith(("未", unit)):
            sentence = f"经查，{body}"
        else:
            sentence = subject + body
    if per and per != "家":
        verb = re.search(r"每(缺少|少)", pick.criterion.text)
        sentence += f"，{verb.group(1) if verb else '共'}{pick.findings}{per}"
    return sentence


def _gap_status(pick: Pick, level: str, unit: str, rng: random.Random) -> str:
    """完成情况 of an item that lost points: what was found missing."""
    text = _pick_texts(pick)[0]
    if level == ENTERPRISE:
        return f"抽查{rng.randint(max(2, pick.findings), 4)}家企业，部分企业{_without_enterprise(text)}"
    return rng.choice(GAP_PREFIX) + _localise(text, unit)


def _done_status(item, level: str, unit: str, rng: random.Random) -> str:
    """完成情况 of an item without deductions: the criterion turned positive, or a plain sentence."""
    if all(c.not_applicable for c in item.criteria) and rng.random() < 0.6:
        return rng.choice(("不涉及", f"{unit}无此类企业，不涉及"))
    clauses = _clauses(item.criteria[0].text)
    text = _localise(clauses[0], unit) if clauses else ""
    at = text.find("未")
    if 0 <= at <= 20 and rng.random() < 0.7:
        done = (text[:at] + "已" + text[at + 1:]).replace("不到位", "到位")
        cut = done.find("，", at)
        done = done[:cut] if len(done) > 30 and cut > 0 else done
        return done + rng.choice(DONE_SUFFIX[level])
    if text.endswith("落实不到位"):
        return text[:-3] + "到位" + rng.choice(DONE_SUFFIX[level])
    return rng.choice(DONE_GENERIC[level])


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)
