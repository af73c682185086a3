"""The 隐患整改跟踪表: one returned table → status updates of hazards assigned in earlier rounds.

Rows are matched by 隐患编号, never by position. A row that cannot be used (an unrecognised status
here; an unknown id or another unit's hazard when the run decides) is a warning and is skipped: the
hazard stays as it was. A row left blank says nothing.
"""

from datetime import timedelta

from inspection.spec import aliases
from inspection.spec.aliases import official_value
from inspection.archive.text import date_text
from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.constants import (
    FOLLOWUP_HEADERS, FOLLOWUP_TITLE, KIND_FOLLOWUP, LABEL_REPORT_DATE, RECTIFY_STATUSES, SHEET_FOLLOWUP, SHEET_HELP,
    SHEET_CORRECTIONS, SHEET_META, STATUS_FIXED,
)
from inspection.findings import Code, Finding, finding
from inspection.model import StatusUpdate
from inspection.kinds.base import Kind, Source, digest
from inspection.intake.book import Book
from inspection.reading.coverage import Coverage, help_line_test, other_sheets, stray_findings, title_block
from inspection.reading.cells import cell_ref, squash
from inspection.reading.table import labelled_date, open_table, place_in_table, year_assumed
from inspection.values import Window, cell_text, chinese_date, read_date
from inspection.kinds.followup.template import help_lines, write_followup_template

FILLED = ("整改状态", "整改完成日期", "整改情况说明")
REQUIRED = ("隐患编号", *FILLED)
OWN_SHEETS = (SHEET_FOLLOWUP, SHEET_HELP, SHEET_META, SHEET_CORRECTIONS)
FIX_TEXT = "整改情况请填在对应隐患所在行；新发现的问题隐患请用交办清单报送。"
LABELS = {h: h for h in FOLLOWUP_HEADERS}


def read(book: Book, campaign: Campaign, source: Source) -> tuple[list[StatusUpdate] | None, list[Finding]]:
    """Every row reported on, by its 隐患编号 as written: whether the archive knows that hazard, and
    as this unit's, is decided with the run's other decisions (decide.check_updates)."""
    config, file, unit = campaign.config, source.file, source.unit
    sheet, header_row, cols, problems = open_table(book, SHEET_FOLLOWUP, LABELS, REQUIRED, file, unit,
                                                   own=OWN_SHEETS)
    if any(p.is_error for p in problems):
        return None, problems
    findings: list[Finding] = list(problems)  # S013: the sheet renamed, read by its content

    def warn(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(row, col), **values))

    cover = Coverage(sheet)
    reported_on, date_cell = labelled_date(sheet, LABEL_REPORT_DATE, header_row, config.round_window,
                                           lambda r, c, raw, what: warn(Code.K006, r, c, what=what),
                                           year_assumed(warn, LABEL_REPORT_DATE, config.round_window))
    # A hazard was put right before the table reporting it was filled in.
    done_window = (Window(reported_on - timedelta(days=364), reported_on, f"填报时间为 {chinese_date(reported_on)}")
                   if reported_on else config.round_window)
    typed = date_cell is not None and sheet.value(*date_cell) != ""
    if date_cell:
        cover.take(*date_cell)
    statuses = {squash(s): s for s in RECTIFY_STATUSES}
    updates = []
    for r in range(header_row + 1, sheet.height):
        text = {h: cell_text(sheet.value(r, cols[h])) for h in ("隐患编号", *FILLED)}  # what the unit filled
        hazard = text["隐患编号"].strip()
        if hazard or any(text[h] for h in FILLED):
            cover.take_cols(r, cols.values())  # the printed hazard and what was reported on it
        if not any(text[h] for h in FILLED):
            continue  # nothing reported on this row
        typed = True
        problems: list[Finding] = []  # about this row: reported only if its hazard turns out to be known

        def problem(code: Code, col: int, **values) -> None:
            problems.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(r, col), **values))

        status = official_value(text["整改状态"], statuses, aliases.RECTIFY_STATUS) or ""
        on = reported_on
        if not status:
            problem(Code.K002, cols["整改状态"], hazard=hazard, value=text["整改状态"][:30] or "（未填）",
                    choices="、".join(RECTIFY_STATUSES))
        elif text["整改完成日期"]:
            read = read_date(sheet.value(r, cols["整改完成日期"]), done_window)
            if read.day is None:
                problem(Code.K004, cols["整改完成日期"], hazard=hazard, value=text["整改完成日期"][:30])
            elif read.assumed_year:
                problem(Code.T005, cols["整改完成日期"], what=f"隐患 {hazard} 的整改完成日期",
                        value=text["整改完成日期"][:20], day=chinese_date(read.day), why=done_window.why)
            on = read.day or reported_on
        elif status == STATUS_FIXED:
            problem(Code.K003, cols["整改完成日期"], hazard=hazard)
        updates.append(StatusUpdate(hazard, unit, status, on, text["整改情况说明"], file, cell_ref(r, 0),
                                    id_cell=cell_ref(r, cols["隐患编号"]), problems=problems))
    rows_of: dict[str, list[str]] = {}
    for u in updates:
        if u.hazard_id:
            rows_of.setdefault(u.hazard_id, []).append(u.id_cell)
    for hazard, cells in rows_of.items():  # which row's status is meant cannot be known
        for cell in cells[1:]:
            findings.append(finding(Code.K007, file=file, unit=unit, sheet=sheet.name, cell=cell, hazard=hazard,
                                    cells="、".join(cells)))
    title_block(cover, header_row, texts=[FOLLOWUP_TITLE], labels=[LABEL_REPORT_DATE], names=config.unit_names,
                unit=unit, add=warn, kind="隐患整改跟踪表", prefixes=[f"{config.unit_label}：{unit}"])
    cover.take_labels(header_row, FOLLOWUP_HEADERS)
    strays = cover.strays(lambda r, c: place_in_table(r, c, header_row, cols, "（不是表中列出的隐患）"))
    findings += stray_findings(strays, file=file, unit=unit, sheet=sheet.name, material=lambda v: False,
                               fix_error="", fix_warning=FIX_TEXT)
    elsewhere = other_sheets(book, sheet, OWN_SHEETS, file=file, unit=unit, material=lambda v: False,
                             fix_error="", fix_warning=FIX_TEXT, help_sheet=SHEET_HELP,
                             help_text=help_line_test(help_lines()))
    findings += elsewhere
    if not typed and not strays and not elsewhere:
        return None, [finding(Code.S008, file=file, unit=unit, sheet=sheet.name, kind="隐患整改跟踪表", name=unit)]
    return updates, findings


def fingerprint(updates: list[StatusUpdate]) -> str:  # of what was reported, problems aside
    return digest([(u.hazard_id, u.status, u.on, u.note) for u in updates])


def differences(a: list[StatusUpdate], b: list[StatusUpdate]) -> list[str]:
    """The hazards reported differently in two versions of one 隐患整改跟踪表."""
    mine = {u.hazard_id: (u.status, u.on, u.note) for u in a}
    theirs = {u.hazard_id: (u.status, u.on, u.note) for u in b}
    return [f"隐患 {hid}" for hid in dict.fromkeys([*mine, *theirs]) if mine.get(hid) != theirs.get(hid)]


def archive(conn, batch: list[tuple[int, list[StatusUpdate]]]) -> None:
    conn.executemany("INSERT INTO status_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(sid, u.hazard_id, u.unit, u.status, date_text(u.on), u.note, u.file, u.cell)
                      for sid, updates in batch for u in updates])


def senders(config: Config) -> tuple[str, ...]:
    return ()  # sent by the units that have open hazards, with the round's other forms


def used(config: Config) -> bool:
    return config.uses_followup


def plan(campaign: Campaign, open_hazards: dict) -> list:
    """One table per unit with hazards still open in the archive: (unit, its hazards)."""
    return list(open_hazards.items()) if used(campaign.config) else []


def write(campaign: Campaign, target, folder):
    unit, hazards = target
    return write_followup_template(campaign.config, unit, hazards, folder)


FOLLOWUP = Kind(KIND_FOLLOWUP, "隐患整改跟踪表", SHEET_FOLLOWUP, read, fingerprint, archive, senders, plan, write,
                used, differences=differences)
