"""The 调度表: one returned progress table → cumulative counts by field key, found by the 填报项目 labels."""

from decimal import Decimal
import re

from inspection.spec import aliases
from inspection.archive.text import date_text
from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.constants import (
    KIND_PROGRESS, LABEL_PHONE, LABEL_REPORT_DATE, LABEL_REPORTER, PROGRESS_HEADERS, SHEET_HELP, SHEET_META,
    SHEET_CORRECTIONS, SHEET_PROGRESS,
)
from inspection.findings import Code, Finding, finding
from inspection.spec.progress_form import FormCell, ProgressForm
from inspection.kinds.base import Kind, Source, digest
from inspection.model import ProgressReturn
from inspection.intake.book import Book, Sheet
from inspection.reading.coverage import Coverage, help_line_test, other_sheets, stray_findings, title_block
from inspection.reading.cells import cell_ref, labelled_cell, squash
from inspection.reading.table import labelled_date, open_table, place_in_table, year_assumed
from inspection.values import (
    CHINESE_NUMERALS, NOTHING, chinese_number, decimal_from_number, normalize_text, plain_number,
)
from inspection.kinds.progress.template import help_lines, progress_subtitle, write_progress_template

LABEL_COL, VALUE_COL = PROGRESS_HEADERS[2], PROGRESS_HEADERS[4]
LABELS = {h: h for h in PROGRESS_HEADERS}
OWN_SHEETS = (SHEET_PROGRESS, SHEET_HELP, SHEET_META, SHEET_CORRECTIONS)
FIX_NUMBER = "数字请填在对应填报项目所在行的“累计数”栏，不要插入行列；如不是填报数字，请删去后重新报送。"
FIX_TEXT = "说明性的文字不会汇总；需要说明的，请另行报送。"
_NUMBER = re.compile(rf"^([+-]?\d+(?:\.\d+)?|[{CHINESE_NUMERALS}]+(?:点[{CHINESE_NUMERALS}]+)?)(个次|家次|个|家|次|人|项|起|处|条|万元|万)?$")


def read(book: Book, campaign: Campaign, source: Source) -> tuple[ProgressReturn | None, list[Finding]]:
    config, file, reporter = campaign.config, source.file, source.unit
    form = campaign.form_for(reporter)
    sheet, header_row, cols, problems = open_table(book, SHEET_PROGRESS, LABELS, (LABEL_COL, VALUE_COL),
                                                   file, reporter, own=OWN_SHEETS)
    if any(p.is_error for p in problems):
        return None, problems
    findings: list[Finding] = list(problems)  # S013: the sheet renamed, read by its content

    def add(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=reporter, sheet=sheet.name, cell=cell_ref(row, col),
                                **values))

    cover = Coverage(sheet)
    rows = {squash(sheet.value(r, cols[LABEL_COL])): r for r in range(header_row + 1, sheet.height)}
    result = ProgressReturn(file=file, reporter=reporter, form_id=form.id)
    where = {}
    typed = False
    for cell in form.cells:
        r = rows.get(squash(cell.label))
        if r is None:
            add(Code.P007, header_row, cols[LABEL_COL], label=cell.label)
            continue
        where[cell.key] = r
        cover.take_cols(r, cols.values())
        raw = sheet.value(r, cols[VALUE_COL])
        typed = typed or raw != ""
        result.values[cell.key] = _value(cell, raw, r, cols[VALUE_COL], add)
        result.cells[cell.key] = cell_ref(r, cols[VALUE_COL])
    for cell in form.cells:
        value, limit = result.values.get(cell.key), result.values.get(cell.at_most or "")
        if isinstance(value, Decimal) and isinstance(limit, Decimal) and value > limit:
            other = next(c for c in form.cells if c.key == cell.at_most)
            add(Code.P004, where[cell.key], cols[VALUE_COL], label=cell.label, value=plain_number(value),
                other=other.label, other_value=plain_number(limit))
    result.reported_on, filled_in = _filled_in(sheet, header_row, config.round_window, cover, add)
    typed = typed or filled_in
    _cover_template(sheet, header_row, cols, form, config, reporter, cover, add)
    strays = cover.strays(lambda r, c: place_in_table(r, c, header_row, cols, "（不是填报项目所在的行）"))
    findings += stray_findings(strays, file=file, unit=reporter, sheet=sheet.name,
                               fix_error=FIX_NUMBER, fix_warning=FIX_TEXT)
    elsewhere = other_sheets(book, sheet, OWN_SHEETS, file=file, unit=reporter, fix_error=FIX_NUMBER,
                             fix_warning=FIX_TEXT, help_sheet=SHEET_HELP, help_text=help_line_test(help_lines(config, form)))
    findings += elsewhere
    if not typed and not strays and not elsewhere:
        return None, [finding(Code.S008, file=file, unit=reporter, sheet=sheet.name, kind="调度表", name=reporter)]
    return result, findings


def _filled_in(sheet: Sheet, header_row: int, window, cover: Coverage, add):
    """填报时间 (P009 when blank or unreadable), and whether 填报时间, 填报人 or 联系电话 was filled in."""
    day, cell = labelled_date(sheet, LABEL_REPORT_DATE, header_row, window,
                              lambda r, c, raw, what: add(Code.P009, r, c, what=what),
                              year_assumed(add, LABEL_REPORT_DATE, window))
    typed = False
    for found in (cell, *(labelled_cell(sheet, label, header_row) for label in (LABEL_REPORTER, LABEL_PHONE))):
        if found is not None:
            cover.take(*sheet.anchor(*found))
            typed = typed or sheet.merged_value(*found) != ""
    return day, typed


def _cover_template(sheet: Sheet, header_row: int, cols: dict[str, int], form: ProgressForm,
                    config: Config, reporter: str, cover: Coverage, add) -> None:
    """Take the title, labels, header and notes; the title block must name the reporter (M011)."""
    title_block(cover, header_row, texts=[form.title, progress_subtitle(config, form, reporter)],
                labels=[LABEL_REPORT_DATE, LABEL_REPORTER, LABEL_PHONE], names=config.reporter_names,
                unit=reporter, add=add, kind="调度表")
    cover.take_labels(header_row, PROGRESS_HEADERS)
    notes = {squash(n) for n in ("注：", *form.notes)}
    for r in range(header_row + 1, sheet.height):
        for c, value in enumerate(sheet.rows[r]):
            if value != "" and squash(value) in notes:
                cover.take(r, c)


def _value(cell: FormCell, raw, row: int, col: int, add):
    """The cell's value: Decimal for counts and amounts, "是"/"否" for yes/no; None when unreadable.
    What people write for none ("无", "-", "/") is 0; a count in words ("三", "十二家") is the count."""
    text = normalize_text(raw).replace(" ", "")
    if cell.type == "yesno":
        if not text:
            add(Code.P006, row, col, label=cell.label)
            return None
        value = raw_yes_no(raw, text)
        if value is None:
            add(Code.P005, row, col, label=cell.label, value=text[:20])
        return value
    if not text:
        add(Code.P006, row, col, label=cell.label)
        return Decimal(0)
    number = decimal_from_number(raw)
    if number is None:
        number = _number_text(text.replace(",", "").rstrip("。."), cell)
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


def _number_text(text: str, cell: FormCell) -> Decimal | None:
    """A number typed as text, with the field's own unit after it or none: "3个", "３", "三", "2000万"
    in a 万元 field. A unit not the field's ("2000万" in a 个 field) is no number: it cannot be 2000."""
    if text in NOTHING:
        return Decimal(0)
    match = _NUMBER.match(text)
    if match is None:
        return None
    number, unit = match.group(1), match.group(2)
    if unit not in (None, cell.unit, cell.unit.removesuffix("元")):
        return None
    return Decimal(number) if number[:1].isdigit() or number[:1] in "+-" else chinese_number(number)


def raw_yes_no(raw, text: str) -> str | None:
    """是 or 否 as people mark it: 是/否, 有/无, √/×, Y/N, a TRUE/FALSE cell."""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    return aliases.YES_NO.get(text.upper())


def fingerprint(ret: ProgressReturn) -> str:
    return digest(sorted(ret.values.items()))


def differences(a: ProgressReturn, b: ProgressReturn) -> list[str]:
    """The cells whose figures differ between two versions of one 调度表."""
    shown = lambda v: plain_number(v) if isinstance(v, Decimal) else (v or "空")  # noqa: E731
    return [f"{a.cells.get(key, key)}（{shown(a.values.get(key))} / {shown(b.values.get(key))}）"
            for key in dict.fromkeys([*a.values, *b.values]) if a.values.get(key) != b.values.get(key)]


def archive(conn, batch: list[tuple[int, ProgressReturn]]) -> None:
    conn.executemany("INSERT INTO progress_values VALUES (?, ?, ?)",
                     [(sid, key, date_text(value)) for sid, ret in batch for key, value in ret.values.items()])


def used(config: Config) -> bool:
    return bool(config.progress_unit_form or config.progress_department_form)


def senders(config: Config) -> tuple[str, ...]:
    """The units when the campaign has a 调度表 for them, the departments when it has one for them."""
    return ((*config.units,) if config.progress_unit_form else ()) + (
        (*config.departments,) if config.progress_department_form else ())


def plan(campaign: Campaign, open_hazards) -> list:
    return list(senders(campaign.config))


def write(campaign: Campaign, reporter: str, folder):
    return write_progress_template(campaign.config, campaign.form_for(reporter), reporter, folder)


PROGRESS = Kind(KIND_PROGRESS, "调度表", SHEET_PROGRESS, read, fingerprint, archive, senders, plan, write, used,
                by_departments=True, differences=differences)
