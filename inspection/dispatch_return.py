"""One returned 交办清单 → hazards and findings. Blank prepared rows are not hazards.

Every filled row is a hazard with its own id, whatever its 序号 says, also below the signature
lines. Row-level problems are warnings and the row still enters the ledger: a hazard with a
missing field must be followed up, not lost. Text outside the table is a warning at its cell.
"""

from datetime import date
from decimal import Decimal
import hashlib

from inspection import aliases
from inspection.config import Config
from inspection.constants import (
    DISPATCH_HEADERS, DISPATCH_NOTE, DISPATCH_TITLE, HAZARD_LEVELS, LABEL_DATE, LABEL_GROUP, RECTIFY_STATUSES,
    SHEET_DISPATCH, SHEET_HELP, SHEET_META, SIGN_GROUP, SIGN_LOCAL, STATUS_OPEN,
)
from inspection.findings import Code, Finding, finding
from inspection.model import Hazard
from inspection.reading.book import Book, Sheet
from inspection.reading.coverage import Coverage, help_line_test, other_sheets, stray_findings, title_block
from inspection.reading.cells import cell_ref, labelled_cell, squash
from inspection.values import cell_text, decimal_from_number, parse_date
from inspection.writers.dispatch_template import group_title, help_lines

HEADER_SEARCH_ROWS = 30
OWN_SHEETS = (SHEET_DISPATCH, SHEET_HELP, SHEET_META)
FIX_TEXT = "问题隐患请填在表格的空行中（一个隐患一行），不要写在表格之外；如不是问题隐患，请删去。"


def hazard_id(campaign: str, round_: str, group: int, number: int) -> str:
    """Stable across runs: campaign, round, group and the row's place among the list's hazards
    (its 序号 when they run 1, 2, 3 …, so a repeated or missing 序号 still gives every row its own)."""
    tag = hashlib.sha256(campaign.encode()).hexdigest()[:4].upper()
    return f"{tag}-{round_}-{group:02d}-{number:03d}"


def read_dispatch_return(book: Book, config: Config, file: str, unit: str,
                         group: int) -> tuple[list[Hazard] | None, list[Finding]]:
    sheet = book.sheet(SHEET_DISPATCH)
    if sheet is None:
        return None, [finding(Code.S001, file=file, unit=unit, sheet=SHEET_DISPATCH, name=SHEET_DISPATCH,
                              hint=f"（现有：{'、'.join(book.sheet_names)}）")]
    header_row, cols = _header(sheet)
    missing = [h for h in DISPATCH_HEADERS if h not in cols]
    if header_row is None or missing:
        return None, [finding(Code.S002, file=file, unit=unit, sheet=sheet.name,
                              cell=cell_ref(header_row or 0, 0), label="、".join(missing or DISPATCH_HEADERS),
                              hint="")]
    findings: list[Finding] = []

    def warn(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(row, col), **values))

    cover = Coverage(sheet)
    listed_on, date_cell = _listed_on(sheet, header_row, config, warn)
    typed = date_cell is not None and sheet.merged_value(*date_cell) != ""
    if date_cell:
        cover.take(*date_cell)
    sectors = {squash(s): s for s in config.sectors}
    hazards = []
    numbers: dict[int, list[int]] = {}
    signed = _signature_labels(config)
    for r in range(header_row + 1, sheet.height):
        values = {h: sheet.value(r, cols[h]) for h in DISPATCH_HEADERS}
        first = squash(next((v for v in sheet.rows[r] if v != ""), ""))
        if first.rstrip(":：") in signed:  # a signature line: its label and the signature beside it
            cover.take_row(r)
            typed = typed or _signed(sheet, r, 0)
            continue
        if first.startswith("备注") and not any(cell_text(v) for h, v in values.items() if h != "序号"):
            cover.template(r, cols["序号"], DISPATCH_NOTE.format(unit_label=config.unit_label))
            continue
        cover.take_cols(r, cols.values())
        if not any(cell_text(v) for h, v in values.items() if h != "序号"):
            continue  # a prepared row nobody filled
        typed = True
        hazards.append((r, values))
    out = []
    for ordinal, (r, values) in enumerate(hazards, start=1):
        number = _number(values["序号"], ordinal)
        numbers.setdefault(number, []).append(r)
        text = {h: cell_text(v) for h, v in values.items()}
        if not text["企业（单位）名称"]:
            warn(Code.H001, r, cols["企业（单位）名称"], no=number)
        if not text["问题隐患描述"]:
            warn(Code.H002, r, cols["问题隐患描述"], no=number)
        sector = _choice(text["行业领域"], sectors, aliases.SECTOR, "行业领域", r, cols["行业领域"], warn)
        level = _choice(text["隐患级别"], {squash(v): v for v in HAZARD_LEVELS}, aliases.HAZARD_LEVEL,
                        "隐患级别", r, cols["隐患级别"], warn)
        status = _choice(text["整改状态"], {squash(v): v for v in RECTIFY_STATUSES}, aliases.RECTIFY_STATUS,
                         "整改状态", r, cols["整改状态"], warn) or STATUS_OPEN
        deadline = None
        if text["整改时限"]:
            deadline = parse_date(values["整改时限"], default_year=config.inspection_start.year)
            if deadline is None:
                warn(Code.H005, r, cols["整改时限"], no=number, value=text["整改时限"][:30])
            elif listed_on and deadline < listed_on:
                warn(Code.H006, r, cols["整改时限"], no=number, value=f"{deadline:%Y-%m-%d}",
                     listed=f"{listed_on:%Y-%m-%d}")
        out.append(Hazard(
            id=hazard_id(config.campaign, config.round, group, ordinal), unit=unit, group=group,
            number=number, company=text["企业（单位）名称"], sector=sector, level=level,
            description=text["问题隐患描述"], requirement=text["整改要求"], deadline=deadline,
            responsible=text["责任单位"], status=status, remark=text["备注"], file=file,
            cell=cell_ref(r, 0), listed_on=listed_on,
        ))
    for number, rows in numbers.items():
        if len(rows) > 1:
            warn(Code.H009, rows[1], cols["序号"], no=number, cells="、".join(cell_ref(r, cols["序号"]) for r in rows))
    _check_signatures(sheet, header_row, config, warn)
    own = config.group_for_unit(unit)
    title_block(cover, header_row, texts=[DISPATCH_TITLE, *([group_title(own), own.unit] if own else [])],
                labels=[LABEL_GROUP, f"督导{config.unit_label}", LABEL_DATE], names=config.unit_names, unit=unit,
                add=warn, kind="交办清单")
    for c, value in enumerate(sheet.rows[header_row]):
        if squash(value) in {squash(h) for h in DISPATCH_HEADERS}:
            cover.take(header_row, c)
    strays = cover.strays(lambda r, c: _where(r, c, header_row, cols))
    findings += stray_findings(strays, file=file, unit=unit, sheet=sheet.name, material=lambda v: False,
                               fix_error="", fix_warning=FIX_TEXT)
    elsewhere = other_sheets(book, sheet, OWN_SHEETS, file=file, unit=unit, material=lambda v: False,
                             fix_error="", fix_warning=FIX_TEXT, help_sheet=SHEET_HELP,
                             help_text=help_line_test(help_lines(config, own) if own else []))
    findings += elsewhere
    if not typed and not strays and not elsewhere:
        return None, [finding(Code.S008, file=file, unit=unit, sheet=sheet.name, kind="交办清单", name=unit)]
    return out, findings


def _where(r: int, c: int, header_row: int, cols: dict[str, int]) -> str:
    if r < header_row:
        return "表头上方"
    if r == header_row:
        return "表头行"
    if c not in cols.values():
        return f"第 {r + 1} 行的表格之外（第 {cell_ref(0, c).rstrip('1')} 列）"
    return f"第 {r + 1} 行"


def _signature_labels(config: Config) -> set[str]:
    return {squash(SIGN_GROUP), squash(SIGN_LOCAL.format(unit_label=config.unit_label))}


def _signed(sheet: Sheet, r: int, c: int) -> bool:
    """Whether the signature line at row r (its label at column c) has a name beside the label."""
    row = sheet.rows[r]
    return any(cell_text(sheet.merged_value(r, k)) for k in range(c + 1, len(row))
               if sheet.anchor(r, k) != sheet.anchor(r, c))


def _header(sheet: Sheet) -> tuple[int | None, dict[str, int]]:
    want = {squash(h): h for h in DISPATCH_HEADERS}
    best, best_cols = None, {}
    for r in range(min(sheet.height, HEADER_SEARCH_ROWS)):
        cols = {want[squash(v)]: c for c, v in enumerate(sheet.rows[r]) if squash(v) in want}
        if len(cols) > len(best_cols):
            best, best_cols = r, cols
    return (best, best_cols) if len(best_cols) >= len(want) // 2 else (None, {})


def _number(value, fallback: int) -> int:
    number = decimal_from_number(value)
    if number is None and isinstance(value, str) and value.strip().isdecimal():
        number = Decimal(value.strip())  # not int(): it refuses "²" and 5,000 digits
    if number is not None and number == number.to_integral_value() and 0 < number < 100000:
        return int(number)
    return fallback


def _choice(text: str, official: dict[str, str], alias: dict[str, str], field: str, row: int, col: int,
            warn) -> str:
    """The official value for what was typed: exact, via the aliases table (warned), or "" (warned)."""
    if not text:
        return ""
    value = official_value(text, official, alias)
    if value is None:
        warn(Code.H004, row, col, field=field, value=text[:30], choices="、".join(official.values())[:120])
        return ""
    if value != text:
        warn(Code.H003, row, col, field=field, value=text[:30], official=value)
    return value


def official_value(text: str, official: dict[str, str], alias: dict[str, str]) -> str | None:
    """What was typed in a dropdown cell as its official value (squashed official value → value),
    directly or through the aliases table; None when it is neither."""
    key = squash(text).strip("()")
    return official.get(key) or alias.get(key)


def _listed_on(sheet: Sheet, header_row: int, config: Config, warn) -> tuple[date | None, tuple[int, int] | None]:
    """The list's 日期 and the cell it is read from."""
    cell = labelled_cell(sheet, LABEL_DATE, header_row)
    if cell is None:
        return None, None
    raw = sheet.merged_value(*cell)
    if raw == "":
        warn(Code.H008, *cell, what="未填写")
        return None, cell
    day = parse_date(raw, default_year=config.inspection_start.year)
    if day is None:
        warn(Code.H008, *cell, what=f"“{cell_text(raw)[:20]}”无法识别")
    return day, cell


def _check_signatures(sheet: Sheet, header_row: int, config: Config, warn) -> None:
    for label in (SIGN_GROUP, SIGN_LOCAL.format(unit_label=config.unit_label)):
        for r in range(header_row + 1, sheet.height):
            row = sheet.rows[r]
            c = next((c for c, v in enumerate(row) if squash(v).rstrip(":：") == squash(label)), None)
            if c is None:
                continue
            if not _signed(sheet, r, c):
                warn(Code.H007, r, c, label=label)
            break
