"""One returned scoring sheet → a ScoringReturn (scores recomputed with Decimal) and its findings.

Scores are never taken from the workbook's cached formula values: a program that wrote the file
left none, and a person may have typed over a formula. Where a cached score exists and disagrees
with the deductions, that is reported.
"""

from decimal import Decimal

from inspection.config import Config
from inspection.constants import COL_DEDUCTION, COL_POINTS, COL_REASON, COL_SCORE, COL_STATUS
from inspection.findings import Code, Finding, finding
from inspection.model import Deduction, ScoringReturn
from inspection.reading.book import Book
from inspection.reading.scoring_sheet import SheetNotReadable, cell_ref, locate, squash
from inspection.rubric import Item, Rubric
from inspection.values import cell_text, decimal_from_number, is_multiple, parse_date, parse_points, plain_number

TENTH = Decimal("0.1")
# 完成情况 that says nothing about an item that lost points (the 003 bulletin's complaint).
BOILERPLATE = {"已完成", "完成", "已落实", "落实", "已整改", "是", "有", "已开展", "已建立", "无", "好", "良好"}


def read_scoring_return(book: Book, rubric: Rubric, config: Config, file: str, unit: str, group: int,
                        formulas_in=None) -> tuple[ScoringReturn | None, list[Finding]]:
    """Validate and score one workbook. The return is None when the structure cannot be read.
    `formulas_in(col)` gives the formulas of a column (row → text), where the file format shows them."""
    try:
        located = locate(book, rubric, file)
    except SheetNotReadable as err:
        return None, [_with_unit(f, unit) for f in err.findings]
    sheet, cols = located.sheet, located.cols
    findings = list(located.findings)

    def add(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(row, col), **values))

    result = ScoringReturn(file=file, unit=unit, group=group)
    col, reason_col = cols[COL_DEDUCTION], cols[COL_REASON]
    formulas = formulas_in(col) if formulas_in else {}
    for item in rubric.items:
        rows = [located.criterion_rows[c.id] for c in item.criteria if c.id in located.criterion_rows]
        if len(rows) != len(item.criteria):
            continue  # a missing criterion is already an error (S003)
        _check_points(item, rows, sheet, cols[COL_POINTS], add)
        item_total = Decimal(0)
        for criterion, row in zip(item.criteria, rows):
            raw = sheet.value(row, col)
            reason_raw = sheet.value(row, reason_col)
            if raw == "" and reason_raw == "" and row not in formulas:
                continue  # nothing deducted, nothing said: most rows of every sheet
            reason = cell_text(reason_raw)
            amount, ok = parse_points(raw)
            label = criterion.display_label
            if row in formulas:
                add(Code.D011, row, col, formula=formulas[row][:60])
                continue
            if not ok:
                add(Code.D001, row, col, value=cell_text(raw)[:50])
                continue
            if amount < 0:
                add(Code.D002, row, col, value=plain_number(amount))
                continue
            if not is_multiple(amount, TENTH) and amount != 0:
                add(Code.D003, row, col, value=amount)
                continue
            if amount > item.points:
                add(Code.D004, row, col, value=amount, points=item.points)
                continue
            if amount > 0 and not reason:
                add(Code.D006, row, cols[COL_REASON], label=label, value=amount)
            if amount == 0 and reason:
                add(Code.D007, row, cols[COL_REASON], label=label)
            step = criterion.per_finding_step
            if amount > 0 and step and not is_multiple(amount, step):
                add(Code.D008, row, col, label=label, per=criterion.deductions[0].per, step=step, value=amount)
            if amount > 0:
                item_total += amount
                result.deductions.append(Deduction(criterion.id, criterion.label, amount, reason,
                                                   cell_ref(row, col)))
        if item_total > item.points:
            add(Code.D005, rows[0], cols[COL_DEDUCTION], item=item.label.rstrip("."), total=item_total,
                points=item.points)
        score = max(Decimal(0), item.points - item_total)
        result.item_scores[item.id] = score
        if item_total > 0:
            _check_status(item, rows, sheet, cols[COL_STATUS], add)
        _check_cached(sheet.merged_value(rows[0], cols[COL_SCORE]), score, rows[0], cols[COL_SCORE], add)

    result.total = sum(result.item_scores.values(), Decimal(0))
    if located.total_cell:
        _check_cached(sheet.merged_value(*located.total_cell), result.total, *located.total_cell, add)
    _read_info(located, config, result, add)
    return result, [_with_unit(f, unit) for f in findings]


def _check_points(item: Item, rows: list[int], sheet, col: int, add) -> None:
    """分值 belongs to the rubric: an edited value is an error, whatever the filler meant."""
    seen = set()
    for row in rows:
        anchor = sheet.anchor(row, col)
        if anchor in seen:
            continue
        seen.add(anchor)
        value = sheet.value(*anchor)
        if value == "":
            continue
        number = decimal_from_number(value)
        if number is None:
            number, _ = parse_points(value)
        if number != item.points:
            add(Code.S006, anchor[0], anchor[1], label=item.label.rstrip("."), value=cell_text(value),
                expected=item.points)


def _check_status(item: Item, rows: list[int], sheet, col: int, add) -> None:
    texts = []
    for row in rows:
        text = squash(sheet.merged_value(row, col))
        if text and text not in texts:
            texts.append(text)
    joined = "".join(texts).rstrip("。.")
    if not joined:
        add(Code.D009, rows[0], col, item=item.label.rstrip("."), what="未填写")
    elif joined in BOILERPLATE:
        add(Code.D009, rows[0], col, item=item.label.rstrip("."), what=f"只填了“{joined}”")


def _check_cached(value, expected: Decimal, row: int, col: int, add) -> None:
    number = decimal_from_number(value) if not isinstance(value, str) else None
    # A difference, not quantize(): quantizing 1e308 to 0.001 raises InvalidOperation.
    if number is not None and abs(number - expected) >= Decimal("0.0005"):
        add(Code.D010, row, col, value=cell_text(value), expected=expected)


def _read_info(located, config: Config, result: ScoringReturn, add) -> None:
    sheet = located.sheet
    if located.inspectors_cell:
        result.inspectors = cell_text(sheet.merged_value(*located.inspectors_cell))
    if not located.date_cell:
        return
    raw = sheet.merged_value(*located.date_cell)
    row, col = sheet.anchor(*located.date_cell)
    if raw == "":
        add(Code.T004, row, col)
        return
    day = parse_date(raw, default_year=config.inspection_start.year)
    if day is None:
        add(Code.T001, row, col, value=cell_text(raw)[:40])
        return
    result.inspection_date = day
    if day > config.deadline:
        add(Code.T003, row, col, what="检查日期", value=f"{day:%Y-%m-%d}", deadline=f"{config.deadline:%Y-%m-%d}")
    elif not config.inspection_start <= day <= config.inspection_end:
        add(Code.T002, row, col, value=f"{day:%Y-%m-%d}", start=f"{config.inspection_start:%Y-%m-%d}",
            end=f"{config.inspection_end:%Y-%m-%d}")


def _with_unit(f: Finding, unit: str) -> Finding:
    return f if f.unit else Finding(f.code, f.message, f.file, unit, f.sheet, f.cell)
