"""One returned 隐患整改跟踪表 → status updates of hazards assigned in earlier rounds.

Rows are matched by 隐患编号, never by position. A row that cannot be used (unknown id, another
unit's hazard, an unrecognised status) is a warning and is skipped: the hazard stays as it was.
A row left blank says nothing.
"""

from datetime import date

from inspection import aliases
from inspection.config import Config
from inspection.constants import FOLLOWUP_HEADERS, LABEL_REPORT_DATE, RECTIFY_STATUSES, SHEET_FOLLOWUP, STATUS_FIXED
from inspection.dispatch_return import official_value
from inspection.findings import Code, Finding, finding
from inspection.model import StatusUpdate
from inspection.reading.book import Book, Sheet
from inspection.reading.scoring_sheet import cell_ref, labelled_cell, squash
from inspection.values import cell_text, parse_date

HEADER_SEARCH_ROWS = 20
FILLED = ("整改状态", "整改完成日期", "整改情况说明")


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

    year = config.inspection_start.year
    reported_on = _report_date(sheet, header_row, year, warn)
    statuses = {squash(s): s for s in RECTIFY_STATUSES}
    updates = []
    for r in range(header_row + 1, sheet.height):
        text = {h: cell_text(sheet.value(r, cols[h])) for h in ("隐患编号", *FILLED)}  # what the unit filled
        hazard = text["隐患编号"].strip()
        if not any(text[h] for h in FILLED):
            continue  # nothing reported on this row
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
    return updates, findings


def _header(sheet: Sheet) -> tuple[int | None, dict[str, int]]:
    want = {squash(h): h for h in FOLLOWUP_HEADERS}
    for r in range(min(sheet.height, HEADER_SEARCH_ROWS)):
        cols = {want[squash(v)]: c for c, v in enumerate(sheet.rows[r]) if squash(v) in want}
        if "隐患编号" in cols:
            return r, cols
    return None, {}


def _report_date(sheet: Sheet, header_row: int, year: int, warn) -> date | None:
    """The 填报时间 above the table: the date of a status whose row gives none (K006 when unusable)."""
    cell = labelled_cell(sheet, LABEL_REPORT_DATE, header_row)
    if cell is None:
        return None
    raw = sheet.merged_value(*cell)
    day = parse_date(raw, default_year=year) if raw != "" else None
    if day is None:
        warn(Code.K006, *cell, what="未填写" if raw == "" else f"“{cell_text(raw)[:20]}”无法识别")
    return day
