"""The 交办清单: one returned list → hazards and findings. Blank prepared rows are not hazards.

Every filled row is a hazard with its own id, whatever its 序号 says, also below the signature
lines. Row-level problems are warnings and the row still enters the ledger: a hazard with a
missing field must be followed up, not lost. Text outside the table is a warning at its cell.
"""

from decimal import Decimal
import hashlib

from inspection.spec import aliases
from inspection.spec.aliases import official_value
from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.constants import (
    ASSIGNED, DISPATCH_HEADERS, HAZARD_LEVELS, KIND_DISPATCH, LABEL_DATE, RECTIFY_STATUSES, SHEET_CORRECTIONS,
    SHEET_DISPATCH, SHEET_HELP, SHEET_META, STATUS_OPEN, ListRole,
)
from inspection.findings import Code, Finding, finding
from inspection.model import Hazard
from inspection.kinds.base import Kind, Source, digest
from inspection.intake.book import Book, Sheet
from inspection.reading.table import labelled_date, open_table, place_in_table, year_assumed
from inspection.reading.coverage import Coverage, help_line_test, other_sheets, stray_findings, title_block
from inspection.reading.cells import cell_ref, squash, value_beside
from inspection.archive.text import date_text
from inspection.values import Window, cell_text, chinese_date, decimal_from_number, read_date
from inspection.kinds.dispatch.template import (
    dispatch_note, header_lines, help_lines, signature_labels, write_dispatch_template,
)

OWN_SHEETS = (SHEET_HELP, SHEET_META, SHEET_CORRECTIONS)  # besides the role's own sheet
FIX_TEXT = "问题隐患请填在表格的空行中（一个隐患一行），不要写在表格之外；如不是问题隐患，请删去。"
LABELS = {h: h for h in DISPATCH_HEADERS}
# What a row says when there is no hazard to list: not a hazard named "无".
SAYS_NONE = {"无", "没有", "-", "—", "－", "--", "——", "/", "／", "\\", "未发现", "未发现问题", "未发现隐患", "未发现问题隐患",
             "无问题", "无隐患", "无问题隐患", "暂无", "以下空白", "以下无内容", "空白", "此处空白", "本页以下空白"}


def hazard_id(campaign: str, round_: str, place_of_unit: str, place: int) -> str:
    """A new hazard's id, stable across runs: campaign, round, where the unit stands among the
    groups (`place_of_unit`: "01" for the unit of group 1; "03B" for the second unit of group 3; the
    unit's own number in a campaign without groups) and the row's place among the list's hazards
    (its 序号 when they run 1, 2, 3 …; a repeated or missing 序号 still gives every row its own).
    Given once, when the run decides ids (decide.hazard_ids), not by the reader."""
    tag = hashlib.sha256(campaign.encode()).hexdigest()[:4].upper()
    return f"{tag}-{round_}-{place_of_unit}-{place:03d}"


def place_of_unit(config: Config, unit: str) -> str:
    """"01" for the one unit of group 1 (the ids before groups could cover several units), "03B"
    for the second unit of group 3, the unit's number in config order without groups."""
    group = config.group_for_unit(unit)
    if group is None:
        place = config.unit_order.get(unit)
        return "00" if place is None else f"{place + 1:02d}"
    if len(group.units) == 1:
        return f"{group.number:02d}"
    return f"{group.number:02d}{chr(ord('A') + group.units.index(unit))}"


def read(book: Book, campaign: Campaign, source: Source) -> tuple[list[Hazard] | None, list[Finding]]:
    return read_as(book, campaign, source, ASSIGNED)


def read_as(book: Book, campaign: Campaign, source: Source, role: ListRole
            ) -> tuple[list[Hazard] | None, list[Finding]]:
    """Every filled row as a Hazard (id still to be given), with the list's findings: of the group's
    交办清单, or (role SELF_FOUND) of the unit's own 自查问题清单."""
    config, file, unit, group = campaign.config, source.file, source.unit, source.group
    sheet, header_row, cols, problems = open_table(book, role.sheet, LABELS, DISPATCH_HEADERS, file, unit,
                                                   own=OWN_SHEETS)
    if any(p.is_error for p in problems):
        return None, problems
    findings: list[Finding] = list(problems)  # S013: the sheet renamed, read by its content

    def warn(code: Code, row: int, col: int, **values) -> None:
        findings.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_ref(row, col), **values))

    cover = Coverage(sheet)
    listed_on, date_cell = labelled_date(sheet, LABEL_DATE, header_row, config.inspection_window,
                                         lambda r, c, raw, what: warn(Code.H008, r, c, what=what),
                                         year_assumed(warn, LABEL_DATE, config.inspection_window))
    typed = date_cell is not None and sheet.value(*date_cell) != ""
    if date_cell:
        cover.take(*date_cell)
    sectors = {squash(s): s for s in config.sectors}
    hazards = []
    numbers: dict[int, list[int]] = {}
    signed = {squash(label) for label in signature_labels(config, role)}
    for r in range(header_row + 1, sheet.height):
        values = {h: sheet.value(r, cols[h]) for h in DISPATCH_HEADERS}
        first = squash(next((v for v in sheet.rows[r] if v != ""), ""))
        if first.rstrip(":：") in signed:  # a signature line: its label and the box beside it
            cover.take_cols(r, _signature_cells(sheet, r))  # anything else on the row is a stray
            typed = typed or _signed(sheet, r, 0)
            continue
        filled = any(cell_text(v) for h, v in values.items() if h != "序号")
        if first.startswith("备注") and not filled:
            cover.template(r, cols["序号"], dispatch_note(config, role))
            continue
        if not filled:  # a prepared row nobody filled: its 序号 is the template's, or blank
            cover.take_cols(r, (c for h, c in cols.items() if h != "序号"))
            if values["序号"] == "" or _number(values["序号"], 0):
                cover.take(r, cols["序号"])  # text there alone (a hazard in the wrong column) is a stray
            continue
        cover.take_cols(r, cols.values())
        typed = True
        if all(squash(v).strip("。.") in SAYS_NONE for h, v in values.items() if h != "序号" and cell_text(v)):
            continue  # "无", "未发现问题隐患", "以下空白": the group says there is nothing (more) to list
        # One company (sector, deadline …) written once over several rows in a merged cell shows on each.
        hazards.append((r, {h: sheet.merged_value(r, cols[h]) if v == "" and h != "序号" else v
                            for h, v in values.items()}))
    since = listed_on or config.inspection_start  # a deadline is set after the list was handed over
    deadline_window = Window.after(since, f"{'交办日期' if listed_on else '检查开始日期'}为 {chinese_date(since)}")
    out = []
    typed_numbers = [_number(values["序号"], 0) for _, values in hazards]
    # A row's place is its 序号 when they run 1 … n in any order: rows sorted keep their ids.
    places = typed_numbers if sorted(typed_numbers) == list(range(1, len(hazards) + 1)) else None
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
            read = read_date(values["整改时限"], deadline_window)
            deadline = read.day
            if deadline is None:
                warn(Code.H005, r, cols["整改时限"], no=number, value=text["整改时限"][:30])
            elif read.assumed_year:
                warn(Code.T005, r, cols["整改时限"], what=f"第 {number} 条的整改时限", value=text["整改时限"][:20],
                     day=chinese_date(deadline), why=deadline_window.why)
            elif listed_on and deadline < listed_on:
                warn(Code.H006, r, cols["整改时限"], no=number, value=f"{deadline:%Y-%m-%d}",
                     listed=f"{listed_on:%Y-%m-%d}")
        out.append(Hazard(
            id="", unit=unit, group=group, place=places[ordinal - 1] if places else ordinal,
            number=number, company=text["企业（单位）名称"], sector=sector, level=level,
            description=text["问题隐患描述"], requirement=text["整改要求"], deadline=deadline,
            responsible=text["责任单位"], status=status, remark=text["备注"], file=file,
            cell=cell_ref(r, 0), listed_on=listed_on,
        ))
    for number, rows in numbers.items():
        if len(rows) > 1:
            warn(Code.H009, rows[1], cols["序号"], no=number, cells="、".join(cell_ref(r, cols["序号"]) for r in rows))
    _check_signatures(sheet, header_row, signature_labels(config, role), warn)
    visit = config.visit(unit)
    lines = header_lines(config, visit, role)
    title_block(cover, header_row, texts=[role.title, *(value for _, value in lines)],
                labels=[*(label for label, _ in lines), LABEL_DATE], names=config.unit_names, unit=unit,
                add=warn, kind=role.name)
    cover.take_labels(header_row, DISPATCH_HEADERS)
    strays = cover.strays(lambda r, c: place_in_table(r, c, header_row, cols))
    findings += stray_findings(strays, file=file, unit=unit, sheet=sheet.name, material=lambda v: False,
                               fix_error="", fix_warning=FIX_TEXT)
    elsewhere = other_sheets(book, sheet, (role.sheet, *OWN_SHEETS), file=file, unit=unit, material=lambda v: False,
                             fix_error="", fix_warning=FIX_TEXT, help_sheet=SHEET_HELP,
                             help_text=help_line_test(help_lines(config, visit, role)))
    findings += elsewhere
    if not typed and not strays and not elsewhere:
        return None, [finding(Code.S008, file=file, unit=unit, sheet=sheet.name, kind=role.name, name=unit)]
    return out, findings


def _signature_cells(sheet: Sheet, r: int) -> list[int]:
    """The columns of a signature line the template made: its label, and the box right of it (where
    the name is, also with the merges undone)."""
    label = next(c for c, v in enumerate(sheet.rows[r]) if v != "")
    if sheet.right_of(r, label)[1] >= len(sheet.rows[r]):
        return [label]
    return [label, value_beside(sheet, r, label)[1]]


def _signed(sheet: Sheet, r: int, c: int) -> bool:
    """Whether the signature line at row r (its label at column c) has a name beside the label."""
    row = sheet.rows[r]
    return any(cell_text(sheet.merged_value(r, k)) for k in range(c + 1, len(row))
               if sheet.anchor(r, k) != sheet.anchor(r, c))


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


def _check_signatures(sheet: Sheet, header_row: int, labels: tuple[str, ...], warn) -> None:
    for label in labels:
        for r in range(header_row + 1, sheet.height):
            row = sheet.rows[r]
            c = next((c for c, v in enumerate(row) if squash(v).rstrip(":：") == squash(label)), None)
            if c is None:
                continue
            if not _signed(sheet, r, c):
                warn(Code.H007, r, c, label=label)
            break


def fingerprint(hazards: list[Hazard]) -> str:
    return digest([(h.number, h.company, h.sector, h.level, h.description, h.requirement, h.deadline,
                    h.responsible, h.status, h.remark) for h in hazards])


def differences(a: list[Hazard], b: list[Hazard]) -> list[str]:
    """Where two versions of one list differ: how many hazards, and the rows that are not the same."""
    out = [f"问题隐患 {len(a)} 条 / {len(b)} 条"] if len(a) != len(b) else []
    key = lambda h: (h.company, h.description, h.deadline, h.status, h.level, h.sector)  # noqa: E731
    others = [key(h) for h in b]
    for h in a:
        if key(h) in others:
            others.remove(key(h))
        else:
            out.append(f"{h.cell} 所在行（{h.company or '企业未填'}）")
    return out


def archive(conn, batch: list[tuple[int, list[Hazard]]]) -> None:
    conn.executemany(
        "INSERT INTO hazard_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sid, h.id, h.unit, h.group, h.number, h.company, h.sector, h.level, h.description, h.requirement,
          date_text(h.deadline), h.responsible, h.status, h.remark, h.file, h.cell, date_text(h.listed_on))
         for sid, hazards in batch for h in hazards])


def used(config: Config) -> bool:
    return config.uses_dispatch


def senders(config: Config) -> tuple[str, ...]:
    return config.units if used(config) else ()


def plan(campaign: Campaign, open_hazards) -> list:
    return list(campaign.config.visits) if used(campaign.config) else []


def write(campaign: Campaign, visit, folder):
    return write_dispatch_template(campaign.config, visit, folder)


DISPATCH = Kind(KIND_DISPATCH, "交办清单", SHEET_DISPATCH, read, fingerprint, archive, senders, plan, write, used,
                grouped=True, differences=differences)
