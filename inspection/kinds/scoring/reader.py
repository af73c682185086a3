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

from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.constants import (
    COL_DEDUCTION, COL_POINTS, COL_REASON, COL_SCORE, COL_STATUS, KIND_SCORING, REVIEW, SHEET_CORRECTIONS, SHEET_HELP,
    SHEET_META, SHEET_SCORING, TOTAL_LABEL, ScoringRole,
)
from inspection.findings import ERROR, Code, Finding, finding
from inspection.model import Deduction, ScoringReturn
from inspection.kinds.base import Kind, Source, digest
from inspection.intake.book import Book
from inspection.reading.table import labelled_date, year_assumed
from inspection.reading.cells import cell_ref, squash
from inspection.reading.evaluate import Unsupported, evaluate
from inspection.intake.formulas import FORMULA_XLS, SHARED_FORMULA
from inspection.reading.coverage import (
    Coverage, counts, help_line_test, other_sheets, shown, stray_findings, title_block,
)
from inspection.kinds.scoring.sheet import FIX_DEDUCTION, ScoringSheet, SheetNotReadable, locate
from inspection.spec.rubric import Item, Rubric
from inspection.archive.text import date_text, points_text
from inspection.values import (
    SAME_AS_ABOVE, cell_text, decimal_from_number, gives_no_reason, is_multiple, parse_points, plain_number,
    stated_points,
)
from inspection.kinds.scoring.template import (
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
    reading = _Reading(located, source, ScoringReturn(file=file, unit=unit, group=source.group))
    for item in rubric.items:
        reading.item(item)
    result, sheet, findings, cover = reading.result, located.sheet, reading.findings, reading.cover
    result.total = sum(result.item_scores.values(), Decimal(0))
    if located.total_cell:
        r, c = located.total_cell
        cover.take(r, c)
        reading.check_score(r, c, result.total, _total_view(sheet, located, reading.item_cells), rubric.total)
    typed = _read_info(located, config, result, reading.add, cover, role) or reading.typed
    _cover_template(located, rubric, config, unit, cover, reading.add, role)
    strays = cover.strays(_where(located, rubric))
    material = _could_change_score(rubric, result)
    findings += stray_findings(strays, file=file, unit=unit, sheet=sheet.name, material=material,
                               fix_error=FIX_DEDUCTION, fix_warning=FIX_TEXT)
    elsewhere = other_sheets(book, sheet, (role.sheet, *OWN_SHEETS), file=file, unit=unit, material=material,
                             fix_error=FIX_DEDUCTION, fix_warning=FIX_TEXT, help_sheet=SHEET_HELP,
                             help_text=help_line_test(help_lines(config, rubric, config.visit(unit), role)))
    findings += elsewhere
    # Nothing typed where a person fills in, nothing else written: a blank form. But a score typed
    # over a formula, or a title naming another unit, is somebody's doing: its error stands.
    if not typed and not strays and not elsewhere and not any(f.level == ERROR for f in findings):
        return None, [finding(Code.S008, file=file, unit=unit, sheet=sheet.name, kind=role.name, name=unit)]
    if not reading.any_deduction and not reading.any_status and not reading.any_reason:
        first = located.criterion_rows.get(rubric.criteria[0].id, located.header_row + 1)
        findings.append(finding(Code.D014, file=file, unit=unit, sheet=sheet.name,
                                cell=cell_ref(first, located.cols[COL_STATUS])))
    return result, [_with_unit(f, unit) for f in findings]


def _could_change_score(rubric: Rubric, result: ScoringReturn):
    """Whether a value typed where nothing is read could be a deduction or a score the sheet does not
    count (S010): words stating points ("扣1分") always; a bare number when it is one the rubric could
    give (up to its total) and not the total the sheet computes (95.5 written again beside 总得分)."""
    def material(value) -> bool:
        if not counts(value):
            return False
        number = decimal_from_number(value)
        if number is None:
            number, bare = parse_points(value)
            if not bare or (isinstance(value, str) and "扣" in value):
                return True
        return 0 < number <= rubric.total and not _close(number, sum(result.item_scores.values(), Decimal(0)))
    return material


class _Reading:
    """One scoring sheet being read, item by item: the findings so far, what was typed, and the
    reason above (which "同上" means)."""

    def __init__(self, located: ScoringSheet, source: Source, result: ScoringReturn):
        self.located, self.sheet, self.cols = located, located.sheet, located.cols
        self.file, self.unit = source.file, source.unit
        self.result = result
        self.findings: list[Finding] = list(located.findings)
        self.cover = Coverage(located.sheet)
        self.col = self.cols[COL_DEDUCTION]
        self.formulas, self.score_formulas = source.formulas(self.col), source.formulas(self.cols[COL_SCORE])
        # Anything in a cell the inspector fills in; a reason alone ("经检查各项均符合要求") says the sheet was gone through.
        self.typed = self.any_deduction = self.any_status = self.any_reason = False
        self.reason_above = ""  # the last reason given, for a "同上" below it
        self.item_cells: list[tuple[int, int]] = []  # each item's 得分 cell, which 总得分 adds up

    def add(self, code: Code, row: int, col: int, **values) -> None:
        self.findings.append(finding(code, file=self.file, unit=self.unit, sheet=self.sheet.name,
                                     cell=cell_ref(row, col), **values))

    def item(self, item: Item) -> None:
        located, sheet, cols = self.located, self.sheet, self.cols
        rows = [located.criterion_rows[c.id] for c in item.criteria if c.id in located.criterion_rows]
        if len(rows) != len(item.criteria):
            return  # a missing criterion is already an error (S003)
        extra = {c.id: located.extra_rows.get(c.id, []) for c in item.criteria}
        for row in (*rows, *(r for more in extra.values() for r in more)):
            self.cover.take_cols(row, (cols["criterion"], cols[COL_POINTS], cols[COL_STATUS], self.col,
                                       cols[COL_REASON], cols[COL_SCORE]))
        if "item" in cols:
            self.cover.template(rows[0], cols["item"], item_text(item))
        _check_points(item, rows, sheet, cols[COL_POINTS], self.add)
        item_total = Decimal(0)
        for criterion, row in zip(item.criteria, rows):
            seen = set()
            for r in (row, *extra[criterion.id]):
                amount, reason = self.deduction(item, criterion, r)
                if amount and (amount, reason) not in seen:  # a row copied as it was counts once (S012)
                    seen.add((amount, reason))
                    item_total += amount
                    self.result.deductions.append(Deduction(criterion.id, criterion.label, amount, reason,
                                                            cell_ref(r, self.col)))
        if item_total > item.points:
            self.add(Code.D005, rows[0], self.col, item=item.label.rstrip("."), total=plain_number(item_total),
                     points=plain_number(item.points))
        score = max(Decimal(0), item.points - item_total)
        self.result.item_scores[item.id] = score
        self.status(item, rows, item_total)
        view = _item_view(sheet, rows, extra, self.col, cols[COL_POINTS], item.points)
        self.check_score(rows[0], cols[COL_SCORE], score, view, item.points)
        self.item_cells.append(sheet.anchor(rows[0], cols[COL_SCORE]))

    def deduction(self, item: Item, criterion, row: int) -> tuple[Decimal, str]:
        """One criterion row: the amount it deducts (0 for none or for a value that cannot count,
        whose finding is added) and its reason."""
        sheet, col, reason_col = self.sheet, self.col, self.cols[COL_REASON]
        raw = sheet.value(row, col)
        reason_at = sheet.anchor(row, reason_col)
        reason_raw = sheet.value(*reason_at)  # one reason merged over several rows shows on each
        if raw == "" and reason_raw == "" and row not in self.formulas:
            return Decimal(0), ""  # nothing deducted, nothing said: most rows of every sheet
        self.typed = True
        self.any_deduction = self.any_deduction or raw != "" or row in self.formulas
        self.any_reason = self.any_reason or reason_raw != ""
        reason = cell_text(reason_raw)
        label = criterion.display_label
        if row in self.formulas:
            amount = self.formula_deduction(row, raw)
            if amount is None:
                return Decimal(0), reason
        else:
            amount, ok = parse_points(raw)
            if not ok:
                self.add(Code.D001, row, col, value=cell_text(raw)[:50])
                return Decimal(0), reason
        if amount < 0:
            self.add(Code.D002, row, col, value=plain_number(amount))
            return Decimal(0), reason
        if not is_multiple(amount, TENTH) and amount != 0:
            self.add(Code.D003, row, col, value=plain_number(amount))
            return Decimal(0), reason
        if amount > item.points:
            self.add(Code.D004, row, col, value=plain_number(amount), points=plain_number(item.points))
            return Decimal(0), reason
        if amount == 0:
            if reason and reason_at[0] == row:  # a merged reason is its top row's
                if stated_points(reason_raw):  # "……，扣1分" or a bare 1 in 扣分原因, with 扣分 left blank
                    self.add(Code.D012, row, col, where="扣分原因", text=shown(reason_raw), label=label)
                elif not any(sheet.value(r, col) != "" for r in sheet.rows_under(row, reason_col)):
                    self.add(Code.D007, row, reason_col, label=label)  # (merged over a deduction below: its reason)
            if reason and not gives_no_reason(reason):
                self.reason_above = reason
            return Decimal(0), reason
        reason = self.reason(row, reason, reason_raw, label, amount)
        step = criterion.per_finding_step
        if step and not is_multiple(amount, step):
            self.add(Code.D008, row, col, label=label, per=criterion.deductions[0].per, step=plain_number(step),
                     value=plain_number(amount))
        return amount, reason

    def formula_deduction(self, row: int, cached) -> Decimal | None:
        """A formula typed into 扣分 (=0.5*2): what it shows counts, with D015 saying so; D011 when
        what it shows cannot be known (no value kept, or one that is not a number)."""
        text = self.formulas[row]
        try:
            value = evaluate(text, self.sheet) if text not in (FORMULA_XLS, SHARED_FORMULA) else None
        except Unsupported:
            value = None
        if not isinstance(value, Decimal):
            value = decimal_from_number(cached)
        if value is None:
            self.add(Code.D011, row, self.col, formula=_formula_shown(text))
            return None
        self.add(Code.D015, row, self.col, formula=_formula_shown(text), value=plain_number(value))
        return value

    def reason(self, row: int, reason: str, raw, label: str, amount: Decimal) -> str:
        """The reason of a deduction; "同上" is the reason above it (T: D016, said at the cell);
        none at all is D006."""
        col = self.cols[COL_REASON]
        if squash(reason).rstrip("。.") in SAME_AS_ABOVE and self.reason_above:
            self.add(Code.D016, row, col, label=label, value=shown(raw), reason=shown(self.reason_above))
            return self.reason_above
        if gives_no_reason(reason):
            what = "但没有填写扣分原因" if not reason else f"扣分原因只写了“{shown(raw)}”"
            self.add(Code.D006, row, col, label=label, value=plain_number(amount), what=what)
            return reason
        self.reason_above = reason
        return reason

    def status(self, item: Item, rows: list[int], item_total: Decimal) -> None:
        """完成情况 of the item: required where points were lost (D009), and not a deduction in words
        where none was (D012)."""
        col = self.cols[COL_STATUS]
        status = _status_text(rows, self.sheet, col)
        if status:
            self.typed = self.any_status = True
        deducted = any(self.sheet.value(r, self.col) != "" for r in rows)
        if status and not deducted and stated_points(status):  # "……，扣1分" in 完成情况, no deduction on the item
            self.add(Code.D012, *self.sheet.anchor(rows[0], col), where="完成情况", text=shown(status),
                     label=f"细则 {item.label.rstrip('.')} 各条")
        elif status and _points_text_only(status):  # "2" alone beside deductions: an amount, not what was done
            self.add(Code.D017, *self.sheet.anchor(rows[0], col), item=item.label.rstrip("."), text=shown(status))
        elif item_total > 0:
            _check_status(item, rows, status, col, self.add)

    def check_score(self, row: int, col: int, expected: Decimal, view, full: Decimal) -> None:
        """得分 as the file shows it against the recomputed score (see _score_finding)."""
        row, col = self.sheet.anchor(row, col)
        found = _score_finding(self.sheet, row, col, self.score_formulas.get(row), expected, view, full)
        if found:
            code, values = found
            self.add(code, row, col, **values)


def _item_view(sheet, rows: list[int], extra: dict, col: int, points_col: int, points: Decimal):
    """What the template's item formula shows on these cells: the item's points less the numbers in
    its 扣分 cells (a spreadsheet's SUM skips "扣1分" typed as text), never below 0."""
    cells = set(range(rows[0], rows[-1] + 1)) | {r for more in extra.values() for r in more}
    numbers = [v for r in cells if isinstance(v := sheet.value(r, col), Decimal)]
    shown_points = sheet.value(*sheet.anchor(rows[0], points_col))
    base = shown_points if isinstance(shown_points, Decimal) else points
    return max(Decimal(0), base - sum(numbers, Decimal(0)))


def _total_view(sheet, located: ScoringSheet, item_cells: list[tuple[int, int]]):
    """What the template's 总得分 formula shows: the sum of what the items' 得分 cells show."""
    return sum((v for cell in item_cells if isinstance(v := sheet.value(*cell), Decimal)), Decimal(0))


def _close(a, b) -> bool:
    # A difference, not quantize(): quantizing 1e308 to 0.001 raises InvalidOperation.
    return a is not None and b is not None and abs(a - b) < Decimal("0.0005")


def _score_finding(sheet, row: int, col: int, formula: str | None, expected: Decimal, view: Decimal,
                   full: Decimal):
    """(code, values) for a 得分 cell whose value disagrees with the recomputed score, or None.

    What the spreadsheet itself explains is never the person's error: a formula that still computes
    what the template's does on these cells (however another program wrote it), showing another
    value — not recalculated, or a deduction typed as text that SUM skips — is D010, a warning, and
    our score stands; so is a value pasted over the formula that shows what the formula did. A
    number typed over it, or a formula that computes something else, is the filler scoring by hand:
    D013, since which of the two is meant cannot be known. `view` is what the template's formula
    shows on these cells."""
    value = sheet.value(row, col)
    if isinstance(value, str) and value.startswith("#") and formula is not None:
        return None  # the formula shows an error (#VALUE!): what caused it is reported where it was typed
    number = decimal_from_number(value)
    if number is None and isinstance(value, str) and value.strip():
        number, ok = parse_points(value)
        if not ok:
            return Code.D013, dict(how=f"被改写为文字“{shown(value)}”", value=shown(value),
                                   expected=plain_number(expected))
    if number is None or _close(number, expected):
        return None
    why = ("表格的公式不计入写成文字的扣分，如“扣1分”" if _close(number, view) and not _close(view, expected)
           else "表格没有重新计算")
    warning = Code.D010, dict(value=cell_text(value), expected=plain_number(expected), why=why)
    if formula is None:  # a value: typed over the formula, or the sheet pasted as values
        return warning if _close(number, view) else (
            Code.D013, dict(how="填了数字（不是原来的公式）", value=cell_text(value), expected=plain_number(expected)))
    try:
        computed = evaluate(formula, sheet) if formula not in (FORMULA_XLS, SHARED_FORMULA) else None
    except Unsupported:
        computed = None
    if isinstance(computed, Decimal):
        intact = _close(computed, view) or _close(computed, expected)
    else:  # a formula the evaluator cannot follow (.xls tokens): judged by what it shows
        intact = _close(number, view) or _close(number, full)
    if intact:
        return warning
    how = (f"的公式被改写为“{formula[:40]}”" if formula not in (FORMULA_XLS, SHARED_FORMULA)
           else "的公式显示的分数与扣分不符（公式可能被改写）")
    return Code.D013, dict(how=how, value=cell_text(value), expected=plain_number(expected))


def _points_text_only(text: str) -> bool:
    """Whether a text is an amount and nothing else ("2", "扣2分", "1.5分")."""
    number, ok = parse_points(text)
    return ok and number is not None and number != 0


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

    window = config.inspection_window
    day, cell = labelled_date(sheet, role.date_label, located.header_row, window, problem,
                              year_assumed(add, role.date_label, window))
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


def differences(a: ScoringReturn, b: ScoringReturn) -> list[str]:
    """Where two versions of one 打分表 differ: the deductions by criterion (cell, amount or reason),
    the date and the inspectors."""
    out = []
    mine = {d.criterion_id: d for d in a.deductions}
    theirs = {d.criterion_id: d for d in b.deductions}
    for cid in dict.fromkeys([*mine, *theirs]):
        x, y = mine.get(cid), theirs.get(cid)
        label, cell = (x or y).label, (x or y).cell
        if x is None or y is None or x.amount != y.amount:
            out.append(f"{cell}（({label}) 扣分 {plain_number(x.amount) if x else '空'} / {plain_number(y.amount) if y else '空'}）")
        elif x.reason != y.reason:
            out.append(f"({label}) 的扣分原因")
    if a.inspection_date != b.inspection_date:
        out.append("检查日期")
    if a.inspectors != b.inspectors:
        out.append("检查人员")
    return out


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
               grouped=True, rubric=True, differences=differences)
