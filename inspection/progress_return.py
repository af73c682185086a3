"""One returned 调度表 → cumulative counts by field key, found by the 填报项目 labels."""

from decimal import Decimal
import re

from inspection import aliases
from inspection.constants import LABEL_REPORT_DATE, PROGRESS_HEADERS, SHEET_PROGRESS
from inspection.findings import Code, Finding, finding
from inspection.forms import FormCell, ProgressForm
from inspection.model import ProgressReturn
from inspection.reading.book import Book, Sheet
from inspection.reading.scoring_sheet import cell_ref, labelled_cell, squash
from inspection.values import decimal_from_number, normalize_text, parse_date, plain_number

LABEL_COL, VALUE_COL = PROGRESS_HEADERS[2], PROGRESS_HEADERS[4]
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)(个次|家次|个|家|次|人|项|万元|万)?$")


def read_progress_return(book: Book, form: ProgressForm, file: str, reporter: str,
                         default_year: int) -> tuple[ProgressReturn | None, list[Finding]]:
    sheet = book.sheet(SHEET_PROGRESS)
    if sheet is None:
        return None, [finding(Code.S001, file=file, unit=reporter, sheet=SHEET_PROGRESS, name=SHEET_PROGRESS,
                              hint=f"（现有：{'、'.join(book.sheet_names)}）")]
    header_row, cols = _header(sheet)
    if header_row is None:
        return None, [finding(Code.S002, file=file, unit=reporter, sheet=sheet.name,
                              label=f"{LABEL_COL}、{VALUE_COL}", hint="")]
    findings: list[Finding] = []

    def add(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=reporter, sheet=sheet.name, cell=cell_ref(row, col),
                                **values))

    rows = {squash(sheet.value(r, cols[LABEL_COL])): r for r in range(header_row + 1, sheet.height)}
    result = ProgressReturn(file=file, reporter=reporter, form_id=form.id)
    where = {}
    for cell in form.cells:
        r = rows.get(squash(cell.label))
        if r is None:
            add(Code.P007, header_row, cols[LABEL_COL], label=cell.label)
            continue
        where[cell.key] = r
        result.values[cell.key] = _value(cell, sheet.value(r, cols[VALUE_COL]), r, cols[VALUE_COL], add)
        result.cells[cell.key] = cell_ref(r, cols[VALUE_COL])
    for cell in form.cells:
        value, limit = result.values.get(cell.key), result.values.get(cell.at_most or "")
        if isinstance(value, Decimal) and isinstance(limit, Decimal) and value > limit:
            other = next(c for c in form.cells if c.key == cell.at_most)
            add(Code.P004, where[cell.key], cols[VALUE_COL], label=cell.label, value=plain_number(value),
                other=other.label, other_value=plain_number(limit))
    result.reported_on = _report_date(sheet, header_row, default_year)
    return result, findings


def _header(sheet: Sheet) -> tuple[int | None, dict[str, int]]:
    for r in range(min(sheet.height, 30)):
        cols = {squash(v): c for c, v in enumerate(sheet.rows[r]) if squash(v)}
        if squash(LABEL_COL) in cols and squash(VALUE_COL) in cols:
            return r, {LABEL_COL: cols[squash(LABEL_COL)], VALUE_COL: cols[squash(VALUE_COL)]}
    return None, {}


def _value(cell: FormCell, raw, row: int, col: int, add):
    """The cell's value: Decimal for counts and amounts, "是"/"否" for yes/no; None when unreadable."""
    text = normalize_text(raw).replace(" ", "")
    if cell.type == "yesno":
        if not text:
            add(Code.P006, row, col, label=cell.label)
            return None
        value = aliases.YES_NO.get(text.upper())
        if value is None:
            add(Code.P005, row, col, label=cell.label, value=text[:20])
        return value
    if not text:
        add(Code.P006, row, col, label=cell.label)
        return Decimal(0)
    number = decimal_from_number(raw)
    if number is None:
        match = _NUMBER.match(text.replace(",", ""))
        number = Decimal(match.group(1)) if match else None
    if number is None:
        add(Code.P001, row, col, label=cell.label, value=text[:30])
        return None
    if number < 0:
        add(Code.P003, row, col, label=cell.label, value=plain_number(number))
        return None
    if cell.type == "count" and number != number.to_integral_value():
        add(Code.P002, row, col, label=cell.label, value=plain_number(number))
        return None
    return number


def _report_date(sheet: Sheet, header_row: int, default_year: int):
    cell = labelled_cell(sheet, LABEL_REPORT_DATE, header_row)
    return parse_date(sheet.merged_value(*cell), default_year=default_year) if cell else None

