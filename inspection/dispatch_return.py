"""One returned 交办清单 → hazards and findings. Blank prepared rows are not hazards.

Row-level problems are warnings and the row still enters the ledger: a hazard with a missing
field must be followed up, not lost.
"""

from datetime import date
from decimal import Decimal
import hashlib

from inspection import aliases
from inspection.config import Config
from inspection.constants import (
    DISPATCH_HEADERS, HAZARD_LEVELS, LABEL_DATE, RECTIFY_STATUSES, SHEET_DISPATCH, SIGN_GROUP, SIGN_LOCAL,
    STATUS_OPEN,
)
from inspection.findings import Code, Finding, finding
from inspection.model import Hazard
from inspection.reading.book import Book, Sheet
from inspection.reading.scoring_sheet import cell_ref, labelled_cell, squash
from inspection.values import cell_text, decimal_from_number, parse_date

HEADER_SEARCH_ROWS = 30


def hazard_id(campaign: str, round_: str, group: int, number: int) -> str:
    """Stable across runs: campaign, round, group (one group per unit) and the row's 序号."""
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

    listed_on = _listed_on(sheet, header_row, config, warn)
    sectors = {squash(s): s for s in config.sectors}
    hazards = []
    for r in range(header_row + 1, sheet.height):
        values = {h: sheet.value(r, cols[h]) for h in DISPATCH_HEADERS}
        if _below_table(values["序号"], config):
            break  # the signature block and the note below the table
        if not any(cell_text(v) for h, v in values.items() if h != "序号"):
            continue  # a prepared row nobody filled, or the signature block below the table
        number = _number(values["序号"], r - header_row)
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
        hazards.append(Hazard(
            id=hazard_id(config.campaign, config.round, group, number), unit=unit, group=group,
            number=number, company=text["企业（单位）名称"], sector=sector, level=level,
            description=text["问题隐患描述"], requirement=text["整改要求"], deadline=deadline,
            responsible=text["责任单位"], status=status, remark=text["备注"], file=file,
            cell=cell_ref(r, 0), listed_on=listed_on,
        ))
    _check_signatures(sheet, header_row, config, warn)
    return hazards, findings


def _below_table(first_cell, config: Config) -> bool:
    """The signature labels and the 备注 note end the table; other text in 序号 (二, 1a) does not,
    so a hazard numbered oddly is still read, not dropped."""
    text = squash(first_cell)
    ends = (SIGN_GROUP, SIGN_LOCAL.format(unit_label=config.unit_label), "备注")
    return bool(text) and any(text.startswith(squash(label)) for label in ends)


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


def _listed_on(sheet: Sheet, header_row: int, config: Config, warn) -> date | None:
    cell = labelled_cell(sheet, LABEL_DATE, header_row)
    if cell is None:
        return None
    raw = sheet.merged_value(*cell)
    if raw == "":
        warn(Code.H008, *cell, what="未填写")
        return None
    day = parse_date(raw, default_year=config.inspection_start.year)
    if day is None:
        warn(Code.H008, *cell, what=f"“{cell_text(raw)[:20]}”无法识别")
    return day


def _check_signatures(sheet: Sheet, header_row: int, config: Config, warn) -> None:
    for label in (SIGN_GROUP, SIGN_LOCAL.format(unit_label=config.unit_label)):
        for r in range(header_row + 1, sheet.height):
            row = sheet.rows[r]
            c = next((c for c, v in enumerate(row) if squash(v).rstrip(":：") == squash(label)), None)
            if c is None:
                continue
            signed = any(cell_text(sheet.merged_value(r, k)) for k in range(c + 1, len(row))
                         if sheet.anchor(r, k) != sheet.anchor(r, c))
            if not signed:
                warn(Code.H007, r, c, label=label)
            break
