"""One returned 隐患整改跟踪表 → status updates of hazards assigned in earlier rounds.

Rows are matched by 隐患编号, never by position. A row that cannot be used (unknown id, another
unit's hazard, an unrecognised status) is a warning and is skipped: the hazard stays as it was.
A row left blank says nothing.
"""

from datetime import date

from inspection import aliases
from inspection.config import Config
from inspection.constants import (
    FOLLOWUP_HEADERS, FOLLOWUP_TITLE, LABEL_REPORT_DATE, RECTIFY_STATUSES, SHEET_FOLLOWUP, SHEET_HELP, SHEET_META,
    STATUS_FIXED,
)
from inspection.dispatch_return import official_value
from inspection.findings import Code, Finding, finding
from inspection.model import StatusUpdate
from inspection.reading.book import Book, Sheet
from inspection.reading.coverage import Coverage, help_line_test, other_sheets, stray_findings, title_block
from inspection.reading.cells import cell_ref, labelled_cell, squash
from inspection.values import cell_text, parse_date
from inspection.writers.followup_template import help_lines

HEADER_SEARCH_ROWS = 20
FILLED = ("整改状态", "整改完成日期", "整改情况说明")
OWN_SHEETS = (SHEET_FOLLOWUP, SHEET_HELP, SHEET_META)
FIX_TEXT = "整改情况请填在对应隐患所在行；新发现的问题隐患请用交办清单报送。"


def read_followup_return(book: Book, config: Config, file: str, unit: str,
                         known: dict[str, str]) -> tuple[list[StatusUpdate] | None, list[Finding]]:
    """`known` maps every archived hazard id to its unit."""
    sheet = book.sheet(SHEET_FOLLOWUP)
    if sheet is None:
        return None, [finding(Code.S001, file=file, unit=unit, sheet=SHEET_FOLLOWUP, name=SHEET_FOLLOWUP,
                              hint=f"（现有：{'、'.join(book.sheet_names)}）")]
    header_row, cols = _header(sheet)
    missing = [h for h in ("隐患编号", *FILLED) if h not in cols]
    if header_row is None or missing:
        return None, [finding(Code.S002, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(header_row or 0, 0),
                              label="、".join(missing or FOLLOWUP_HEADERS), hint="")]
    findings: list[Finding] = []

    def warn(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(row, col), **values))

    cover = Coverage(sheet)
    year = config.inspection_start.year
    reported_on, date_cell = _report_date(sheet, header_row, year, warn)
    typed = date_cell is not None and sheet.merged_value(*date_cell) != ""
    if date_cell:
        cover.take(*date_cell)
    statuses = {squash(s): s for s in RECTIFY_STATUSES}
    updates = []
    for r in range(header_row + 1, sheet.height):
        text = {h: cell_text(sheet.value(r, cols[h])) for h in ("隐患编号", *FILLED)}  # what the unit filled
        hazard = text["隐患编号"].strip()
        if hazard in known or any(text[h] for h in FILLED):
            cover.take_cols(r, cols.values())  # the printed hazard and what was reported on it
        if not any(text[h] for h in FILLED):
            continue  # nothing reported on this row
        typed = True
        if hazard not in known:
            warn(Code.K001, r, cols["隐患编号"], value=hazard[:40] or "（空）")
            continue
        if known[hazard] != unit:
            warn(Code.K005, r, cols["隐患编号"], hazard=hazard, owner=known[hazard], name=unit)
            continue
        status = official_value(text["整改状态"], statuses, aliases.RECTIFY_STATUS)
        if not status:
            warn(Code.K002, r, cols["整改状态"], hazard=hazard, value=text["整改状态"][:30] or "（未填）",
                 choices="、".join(RECTIFY_STATUSES))
            continue
        on = reported_on
        if text["整改完成日期"]:
            day = parse_date(sheet.value(r, cols["整改完成日期"]), default_year=year)
            if day is None:
                warn(Code.K004, r, cols["整改完成日期"], hazard=hazard, value=text["整改完成日期"][:30])
            on = day or reported_on
        elif status == STATUS_FIXED:
            warn(Code.K003, r, cols["整改完成日期"], hazard=hazard)
        updates.append(StatusUpdate(hazard, unit, status, on, text["整改情况说明"], file, cell_ref(r, 0)))
    title_block(cover, header_row, texts=[FOLLOWUP_TITLE], labels=[LABEL_REPORT_DATE], names=config.unit_names,
                unit=unit, add=warn, kind="隐患整改跟踪表", prefixes=[f"{config.unit_label}：{unit}"])
    for c, value in enumerate(sheet.rows[header_row]):
        if squash(value) in {squash(h) for h in FOLLOWUP_HEADERS}:
            cover.take(header_row, c)
    strays = cover.strays(lambda r, c: "表头上方" if r < header_row else f"第 {r + 1} 行（不是表中列出的隐患）"
                          if c in cols.values() else f"第 {r + 1} 行的表格之外")
    findings += stray_findings(strays, file=file, unit=unit, sheet=sheet.name, material=lambda v: False,
                               fix_error="", fix_warning=FIX_TEXT)
    elsewhere = other_sheets(book, sheet, OWN_SHEETS, file=file, unit=unit, material=lambda v: False,
                             fix_error="", fix_warning=FIX_TEXT, help_sheet=SHEET_HELP,
                             help_text=help_line_test(help_lines()))
    findings += elsewhere
    if not typed and not strays and not elsewhere:
        return None, [finding(Code.S008, file=file, unit=unit, sheet=sheet.name, kind="隐患整改跟踪表", name=unit)]
    return updates, findings


def _header(sheet: Sheet) -> tuple[int | None, dict[str, int]]:
    want = {squash(h): h for h in FOLLOWUP_HEADERS}
    for r in range(min(sheet.height, HEADER_SEARCH_ROWS)):
        cols = {want[squash(v)]: c for c, v in enumerate(sheet.rows[r]) if squash(v) in want}
        if "隐患编号" in cols:
            return r, cols
    return None, {}


def _report_date(sheet: Sheet, header_row: int, year: int, warn) -> tuple[date | None, tuple[int, int] | None]:
    """The 填报时间 above the table: the date of a status whose row gives none (K006 when unusable)."""
    cell = labelled_cell(sheet, LABEL_REPORT_DATE, header_row)
    if cell is None:
        return None, None
    raw = sheet.merged_value(*cell)
    day = parse_date(raw, default_year=year) if raw != "" else None
    if day is None:
        warn(Code.K006, *cell, what="未填写" if raw == "" else f"“{cell_text(raw)[:20]}”无法识别")
    return day, cell
