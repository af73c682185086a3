"""The 打分表: one returned scoring sheet → a ScoringReturn (scores recomputed with Decimal) and its findings.

Scores are never taken from the workbook's cached formula values: a program that wrote the file
left none, and a person may have typed over a formula. Where a cached score exists and disagrees
with the deductions, that is reported: a typed-over score is an error, a stale formula a warning.

Nothing typed is ignored: every cell the template left blank and the reader does not read (an
inserted row, a column beside the table, a copied sheet) is a finding at its cell, and an error
when it could be a deduction. A form nobody filled in is not a return (S008).
"""

import dataclasses
from decimal import Decimal

from inspection.campaign import Campaign
from inspection.config import Config
from inspection.constants import (
    COL_DEDUCTION, COL_POINTS, COL_REASON, COL_SCORE, COL_STATUS, KIND_SCORING, REVIEW, SHEET_CORRECTIONS, SHEET_HELP,
    SHEET_META, SHEET_SCORING, TOTAL_LABEL, ScoringRole,
)
from inspection.findings import ERROR, Code, Finding, finding
from inspection.model import Deduction, ScoringReturn
from inspection.kinds.base import Kind, Source, digest
from inspection.reading.book import Book
from inspection.reading.layout import labelled_date
from inspection.reading.cells import cell_ref, squash
from inspection.reading.formulas import FORMULA_XLS, SHARED_FORMULA
from inspection.reading.coverage import (
    Coverage, help_line_test, other_sheets, shown, stray_findings, title_block,
)
from inspection.kinds.scoring_sheet import FIX_DEDUCTION, ScoringSheet, SheetNotReadable, locate
from inspection.rubric import Item, Rubric
from inspection.archive.text import date_text, points_text
from inspection.values import (
    cell_text, decimal_from_number, gives_no_reason, is_multiple, parse_points, plain_number,
    stated_points,
)
from inspection.writers.scoring_template import (
    help_lines, item_text, part_heading, section_text, subtitle, write_scoring_template,
)

TENTH = Decimal("0.1")
# 完成情况 that says nothing about an item that lost points (the 003 bulletin's complaint).
BOILERPLATE = {"已完成", "完成", "已落实", "落实", "已整改", "是", "有", "已开展", "已建立", "无", "好", "良好"}
OWN_SHEETS = (SHEET_HELP, SHEET_META, SHEET_CORRECTIONS)  # besides the role's own sheet
FIX_TEXT = "需要写入通报的内容，请填在对应评分标准的“扣分原因”或“完成情况”栏。"


def read(book: Book, campaign: Campaign, source: Source) -> tuple[ScoringReturn | None, list[Finding]]:
    return read_as(book, campaign, source, REVIEW)


def read_as(book: Book, campaign: Campaign, source: Source, role: ScoringRole
            ) -> tuple[ScoringReturn | None, list[Finding]]:
    """Validate and score one workbook filled in by `role` (the group's 打分表 or the unit's 自评表).
    The return is None when the structure cannot be read, or when nothing was filled in (then the
    only finding is S008)."""
    config, rubric, file, unit = campaign.config, campaign.rubric, source.file, source.unit
    try:
        located = locate(book, rubric, file, role)
    except SheetNotReadable as err:
        return None, [_with_unit(f, unit) for f in err.findings]
    sheet, cols = located.sheet, located.cols
    findings = list(located.findings)

    def add(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(row, col), **values))

    result = ScoringReturn(file=file, unit=unit, group=source.group)
    cover = Coverage(sheet)
    col, reason_col, score_col = cols[COL_DEDUCTION], cols[COL_REASON], cols[COL_SCORE]
    formulas, score_formulas = source.formulas(col), source.formulas(score_col)
    typed = False  # anything in a cell the inspector fills in
    any_deduction = any_status = False
    for item in rubric.items:
        rows = [located.criterion_rows[c.id] for c in item.criteria if c.id in located.criterion_rows]
        if len(rows) != len(item.criteria):
            continue  # a missing criterion is already an error (S003)
        for row in rows:
            cover.take_cols(row, (cols["criterion"], cols[COL_POINTS], cols[COL_STATUS], col, reason_col, score_col))
        if "item" in cols:
            cover.template(rows[0], cols["item"], item_text(item))
        _check_points(item, rows, sheet, cols[COL_POINTS], add)
        item_total = Decimal(0)
        for criterion, row in zip(item.criteria, rows):
            raw = sheet.value(row, col)
            reason_raw = sheet.value(row, reason_col)
            if raw == "" and reason_raw == "" and row not in formulas:
                continue  # nothing deducted, nothing said: most rows of every sheet
            typed = True
            any_deduction = any_deduction or raw != ""
            reason = cell_text(reason_raw)
            amount, ok = parse_points(raw)
            label = criterion.display_label
            if row in formulas:
                add(Code.D011, row, col, formula=_formula_shown(formulas[row]))
                continue
            if not ok:
                add(Code.D001, row, col, value=cell_text(raw)[:50])
                continue
            if amount < 0:
                add(Code.D002, row, col, value=plain_number(amount))
                continue
            if not is_multiple(amount, TENTH) and amount != 0:
                add(Code.D003, row, col, value=plain_number(amount))
                continue
            if amount > item.points:
                add(Code.D004, row, col, value=plain_number(amount), points=plain_number(item.points))
                continue
            if amount == 0 and reason:
                written = stated_points(reason_raw)
                if written:  # "……，扣1分" or a bare 1 in 扣分原因, with 扣分 left blank
                    add(Code.D012, row, col, where="扣分原因", text=shown(reason_raw), label=label)
                else:
                    add(Code.D007, row, reason_col, label=label)
            if amount > 0 and gives_no_reason(reason):
                what = "但没有填写扣分原因" if not reason else f"扣分原因只写了“{shown(reason_raw)}”"
                add(Code.D006, row, reason_col, label=label, value=plain_number(amount), what=what)
            step = criterion.per_finding_step
            if amount > 0 and step and not is_multiple(amount, step):
                add(Code.D008, row, col, label=label, per=criterion.deductions[0].per, step=plain_number(step),
                    value=plain_number(amount))
            if amount > 0:
                item_total += amount
                result.deductions.append(Deduction(criterion.id, criterion.label, amount, reason,
                                                   cell_ref(row, col)))
        if item_total > item.points:
            add(Code.D005, rows[0], cols[COL_DEDUCTION], item=item.label.rstrip("."), total=plain_number(item_total),
                points=plain_number(item.points))
        score = max(Decimal(0), item.points - item_total)
        result.item_scores[item.id] = score
        status = _status_text(rows, sheet, cols[COL_STATUS])
        if status:
            typed = any_status = True
        if item_total > 0:
            _check_status(item, rows, status, cols[COL_STATUS], add)
        elif status and not any(sheet.value(r, col) != "" for r in rows):
            written = stated_points(status)
            if written:  # "……，扣1分" in 完成情况 and no deduction on the item
                add(Code.D012, *sheet.anchor(rows[0], cols[COL_STATUS]), where="完成情况", text=shown(status),
                    label=f"细则 {item.label.rstrip('.')} 各条")
        _check_score(sheet, rows[0], score_col, score, item.points, score_formulas, add)

    result.total = sum(result.item_scores.values(), Decimal(0))
    if located.total_cell:
        r, c = located.total_cell
        cover.take(r, c)
        _check_score(sheet, r, c, result.total, rubric.total, score_formulas, add)
    typed = _read_info(located, config, result, add, cover, role) or typed
    _cover_template(located, rubric, config, unit, cover, add, role)
    strays = cover.strays(_where(located, rubric))
    findings += stray_findings(strays, file=file, unit=unit, sheet=sheet.name,
                               fix_error=FIX_DEDUCTION, fix_warning=FIX_TEXT)
    elsewhere = other_sheets(book, sheet, (role.sheet, *OWN_SHEETS), file=file, unit=unit,
                             fix_error=FIX_DEDUCTION, fix_warning=FIX_TEXT, help_sheet=SHEET_HELP,
                             help_text=help_line_test(help_lines(config, rubric, config.visit(unit), role)))
    findings += elsewhere
    # Nothing typed where a person fills in, nothing else written: a blank form. But a score typed
    # over a formula, or a title naming another unit, is somebody's doing: its error stands.
    if not typed and not strays and not elsewhere and not any(f.level == ERROR for f in findings):
        return None, [finding(Code.S008, file=file, unit=unit, sheet=sheet.name, kind=role.name, name=unit)]
    if not any_deduction and not any_status:
        first = located.criterion_rows.get(rubric.criteria[0].id, located.header_row + 1)
        findings.append(finding(Code.D014, file=file, unit=unit, sheet=sheet.name,
                                cell=cell_ref(first, cols[COL_STATUS])))
    return result, [_with_unit(f, unit) for f in findings]


def _formula_shown(text: str) -> str:
    """“=1+1” where the file keeps the formula's text; nothing where it does not (.xls, shared)."""
    return "" if text in (FORMULA_XLS, SHARED_FORMULA) else f"“={text[:60]}”"


def _status_text(rows: list[int], sheet, col: int) -> str:
    """完成情况 of an item: one cell merged over its rows, or, merges undone, one text a row."""
    first = cell_text(sheet.merged_value(rows[0], col))
    texts = [first] if first else []
    for row in rows[1:]:
        text = cell_text(sheet.value(row, col))  # inside the merge: "" (the value is at its top)
        if text and text not in texts:
            texts.append(text)
    return "".join(texts)


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


def _check_status(item: Item, rows: list[int], status: str, col: int, add) -> None:
    joined = squash(status).rstrip("。.")
    if not joined:
        add(Code.D009, rows[0], col, item=item.label.rstrip("."), what="未填写")
    elif joined in BOILERPLATE:
        add(Code.D009, rows[0], col, item=item.label.rstrip("."), what=f"只填了“{joined}”", word=joined)


def _check_score(sheet, row: int, col: int, expected: Decimal, full: Decimal, formulas: dict, add) -> None:
    """得分 as the file shows it against the recomputed score. A number typed over the formula, or a
    formula rewritten to show another score, is the filler scoring by hand: an error, since which of
    the two is meant cannot be known. A formula still showing full marks was not recalculated (or a
    deduction was typed as text, which Excel's SUM skips): our score stands, with a warning."""
    row, col = sheet.anchor(row, col)
    value = sheet.value(row, col)
    if isinstance(value, str) and value.startswith("#") and row in formulas:
        return  # the formula shows an error (#VALUE!): what caused it is reported where it was typed
    number = decimal_from_number(value)
    if number is None and isinstance(value, str) and value.strip():
        number, ok = parse_points(value)
        number = number if ok else None
        if number is None:
            add(Code.D013, row, col, how=f"被改写为文字“{shown(value)}”", value=shown(value), expected=plain_number(expected))
            return
    # A difference, not quantize(): quantizing 1e308 to 0.001 raises InvalidOperation.
    if number is None or abs(number - expected) < Decimal("0.0005"):
        return
    formula = formulas.get(row)
    if formula is None:
        add(Code.D013, row, col, how="填了数字（不是原来的公式）", value=cell_text(value), expected=plain_number(expected))
    elif abs(number - full) < Decimal("0.0005"):
        add(Code.D010, row, col, value=cell_text(value), expected=plain_number(expected))
    else:
        add(Code.D013, row, col, how=f"的公式被改写为“{formula[:40]}”", value=cell_text(value),
            expected=plain_number(expected))


def _read_info(located: ScoringSheet, config: Config, result: ScoringReturn, add, cover: Coverage,
               role: ScoringRole) -> bool:
    """检查日期 and 检查人员 (自评日期 and 自评人员); True when either was filled in."""
    sheet = located.sheet
    typed = False
    if located.inspectors_cell:
        cover.take(*sheet.anchor(*located.inspectors_cell))
        result.inspectors = cell_text(sheet.merged_value(*located.inspectors_cell))
        typed = bool(result.inspectors)

    def problem(row, col, raw, _why) -> None:  # worded by T004/T001 themselves, with the form's own label
        if raw == "":
            add(Code.T004, row, col, what=role.date_label)
        else:
            add(Code.T001, row, col, what=role.date_label, value=cell_text(raw)[:40])

    day, cell = labelled_date(sheet, role.date_label, located.header_row, config.inspection_start.year, problem)
    if cell is None:
        return typed
    cover.take(*cell)
    typed = typed or sheet.value(*cell) != ""
    result.inspection_date = day
    if day is None:
        return typed
    if day > config.deadline:
        add(Code.T003, *cell, what=role.date_label, value=f"{day:%Y-%m-%d}", deadline=f"{config.deadline:%Y-%m-%d}")
    elif not config.inspection_start <= day <= config.inspection_end:
        add(Code.T002, *cell, what=role.date_label, value=f"{day:%Y-%m-%d}", start=f"{config.inspection_start:%Y-%m-%d}",
            end=f"{config.inspection_end:%Y-%m-%d}")
    return typed


def _cover_template(located: ScoringSheet, rubric: Rubric, config: Config, unit: str, cover: Coverage,
                    add, role: ScoringRole) -> None:
    """Take the cells that hold the template's own text: title and subtitle, labels, the header,
    part headings, section texts, the 总得分 label. The title block must name the unit _meta
    names: a template retitled for another unit is held (M011)."""
    sheet, header = located.sheet, located.header_row
    title_block(cover, header, texts=[rubric.title, subtitle(config, rubric, config.visit(unit), role)],
                labels=[role.date_label, role.people_label], names=config.unit_names, unit=unit, add=add,
                kind=role.name)
    cover.take_labels(header, (*rubric.labels.values(), COL_POINTS, COL_STATUS, COL_DEDUCTION, COL_REASON, COL_SCORE))
    headings = {squash(part_heading(p)) for p in rubric.parts}
    for part in rubric.parts:
        for section in part.sections:
            first = section.items[0].criteria[0].id
            if first in located.criterion_rows and "section" in located.cols:
                cover.template(located.criterion_rows[first], located.cols["section"], section_text(section))
    criterion_rows = set(located.criterion_rows.values())
    for r in range(header + 1, sheet.height):
        if r in criterion_rows:
            continue
        for c, value in enumerate(sheet.rows[r]):
            text = squash(value)
            if text and (text in headings or text == squash(TOTAL_LABEL)):
                cover.take(r, c)


def _where(located: ScoringSheet, rubric: Rubric):
    """Names the place of a stray cell as the filler would."""
    labels = {row: f"({c.label})" for c in rubric.criteria
              for cid, row in [(c.id, located.criterion_rows.get(c.id))] if row is not None}
    total_row = located.total_cell[0] if located.total_cell else None
    header = located.header_row

    def where(r: int, c: int) -> str:
        letter = cell_ref(0, c).rstrip("1")
        if r < header:
            return "表头上方"
        if r == header:
            return "表头行"
        if r in labels:
            return f"评分标准 {labels[r]} 所在行的第 {letter} 列（表格之外）"
        if total_row is not None and r == total_row:
            return "总得分行"
        if total_row is not None and r > total_row:
            return "总得分下方"
        return f"第 {r + 1} 行（不是评分标准行，可能是插入的行）"
    return where


def _with_unit(f: Finding, unit: str) -> Finding:
    return f if f.unit else dataclasses.replace(f, unit=unit)


def fingerprint(ret: ScoringReturn) -> str:
    return digest([(d.criterion_id, d.amount, d.reason) for d in ret.deductions]
                  + [ret.inspection_date, ret.inspectors])


def archive(conn, batch: list[tuple[int, ScoringReturn]]) -> None:
    conn.executemany("INSERT INTO scores VALUES (?, ?, ?, ?, ?)",
                     [(sid, points_text(ret.total), ret.group, date_text(ret.inspection_date), ret.inspectors)
                      for sid, ret in batch])
    conn.executemany("INSERT INTO item_scores VALUES (?, ?, ?)",
                     [(sid, item, points_text(score)) for sid, ret in batch for item, score in ret.item_scores.items()])
    conn.executemany("INSERT INTO deductions VALUES (?, ?, ?, ?, ?, ?)",
                     [(sid, d.criterion_id, d.label, points_text(d.amount), d.reason, d.cell)
                      for sid, ret in batch for d in ret.deductions])


def plan(campaign: Campaign, open_hazards) -> list:
    return list(campaign.config.visits)


def write(campaign: Campaign, visit, folder):
    return write_scoring_template(campaign.config, campaign.rubric, visit, folder)


def senders(config: Config) -> tuple[str, ...]:
    return config.units


SCORING = Kind(KIND_SCORING, "打分表", SHEET_SCORING, read, fingerprint, archive, senders, plan, write,
               grouped=True, rubric=True)
