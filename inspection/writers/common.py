"""What every workbook the tool writes shares: atomic saving, styles, print setup, _meta, row heights."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
import hashlib
import math
import os
from pathlib import Path
import tempfile
import unicodedata

import xlsxwriter

from inspection.constants import SHEET_HELP, SHEET_META, TEMPLATE_VERSION, TOOL_VERSION
from inspection.values import plain_number

FONT = "宋体"
BODY_SIZE = 10
INPUT_FILL = "#FFF7D6"  # pale yellow: the cells a person fills in
HEADER_FILL = "#D9E2F3"
LINE_HEIGHT = 13.5
# A 10-point CJK glyph is about 1.8 column units wide in Excel and WPS (a unit is one Calibri digit).
CJK_WIDTH = 1.8  # points per wrapped line at BODY_SIZE


TEMP_PREFIX = ".~tmp-"  # a workbook being written; renamed into place when complete


def clear_stale_temps(folder: Path) -> None:
    """Remove what a run killed while writing left in `folder`: only its temporary files."""
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)


@contextmanager
def atomic_workbook(path: Path):
    """Yield an xlsxwriter Workbook that appears at `path` only once it is completely written.

    The workbook is written to a temporary file in the same folder and renamed into place, so a
    crash leaves either the old file or the new one, never half of one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".xlsx", dir=path.parent)
    os.close(fd)
    # Text from config or returned files must never turn into a formula or a URL.
    wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False})
    closed = False
    try:
        yield wb
        wb.close()
        closed = True
        os.replace(tmp, path)  # fails while Excel holds the old report open on Windows: the old one stays
    except BaseException:
        if not closed:
            try:
                wb.close()
            except Exception:  # the original error is the one worth reporting
                pass
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_text(path: Path, text: str) -> Path:
    """Write a text file for Windows Notepad (UTF-8 with BOM, CRLF) that appears only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".txt", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="\r\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class Styles:
    """The formats of one workbook, created once (xlsxwriter formats belong to a workbook)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": BODY_SIZE, "valign": "vcenter", "text_wrap": True}
        boxed = {**base, "border": 1}

        def fmt(**extra):
            return wb.add_format({**boxed, **extra})

        self.title = wb.add_format({**base, "font_size": 16, "bold": True, "align": "center"})
        self.subtitle = wb.add_format({**base, "font_size": 12, "align": "center"})
        self.label = wb.add_format({**base, "bold": True, "align": "right"})
        self.plain = wb.add_format({**base})
        self.heading = wb.add_format({**base, "font_size": 11, "bold": True})
        self.error = fmt(align="center", font_color="#C00000")
        self.warning = fmt(align="center", font_color="#9C5700")
        self.note = wb.add_format({**base, "font_size": 9, "valign": "top"})
        self.header = fmt(bold=True, align="center", bg_color=HEADER_FILL)
        self.part = fmt(bold=True, align="left", bg_color="#EDEDED")
        self.text = fmt(align="left", valign="top")
        self.text_center = fmt(align="center")
        self.points = fmt(align="center", num_format="General")
        self.score = fmt(align="center", num_format="General", bold=True)
        self.total_label = fmt(bold=True, align="center")
        self.input = fmt(align="left", valign="top", locked=False, bg_color=INPUT_FILL)
        self.input_center = fmt(align="center", locked=False, bg_color=INPUT_FILL)
        self.input_number = fmt(align="center", locked=False, bg_color=INPUT_FILL, num_format="General")
        self.input_count = fmt(align="center", locked=False, bg_color=INPUT_FILL, num_format="0")
        self.input_date = fmt(align="center", locked=False, bg_color=INPUT_FILL, num_format="yyyy年m月d日")
        self.input_plain = wb.add_format({**base, "locked": False, "bg_color": INPUT_FILL, "bottom": 1})
        self.date = fmt(align="center", num_format="yyyy-mm-dd")
        self.overdue = fmt(align="center", font_color="#C00000", bold=True)
        self.percent = fmt(align="center", num_format="0.0%")
        self.grid = wb.add_format({"border": 1})  # for conditional formats: grid lines on cells left empty


def protect(ws) -> None:
    """Lock everything but the unlocked fill-in cells; no password, so the clerk can unprotect."""
    ws.protect("", {
        "select_locked_cells": True,
        "select_unlocked_cells": True,
        "format_rows": True,     # people may make a row taller to read long text
        "format_columns": True,
    })


def print_setup(ws, *, landscape: bool, repeat_rows: tuple[int, int] | None, title: str,
                pages_wide: int = 1) -> None:
    """A4, one page wide, header rows on every page, page numbers in the footer."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(pages_wide, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat_rows:
        ws.repeat_rows(*repeat_rows)
    ws.set_header(f"&L{_escape_header(title)}")
    ws.set_footer("&C&9第 &P 页，共 &N 页")


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")


def format_points(value) -> str:
    """Points as a bulletin prints them: 3 → "3", 0.50 → "0.5", 80.10 → "80.1" (never "8E+1")."""
    return plain_number(Decimal(value))


# Excel's limit for one cell; text from returned files is capped well below it in the report.
EXCEL_CELL_LIMIT = 32767
REPORT_TEXT_LIMIT = 2000


def clip(text: str, limit: int = REPORT_TEXT_LIMIT) -> str:
    """Text from a returned file, shortened for the report with a note of how much was left out."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}……（以下略，共 {len(text)} 字）"


def template_id(*parts: str) -> str:
    """A stable identity for a template: the same campaign, round, kind and unit give the same id."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def write_meta(wb: xlsxwriter.Workbook, config, *, kind: str, form: str, reporter: str, county: str = "",
               group: str = "", rubric_id: str = "", rubric_version: str = "", identity: tuple[str, ...] = ()) -> None:
    """The very hidden `_meta` sheet: key in column A, value in column B, one pair a row. Its template_id
    is made from the kind, campaign, round and reporter, then `identity` (what else makes it unique)."""
    ws = wb.add_worksheet(SHEET_META)
    meta = {
        "kind": kind,
        "form": form,
        "rubric_id": rubric_id,
        "rubric_version": rubric_version,
        "campaign": config.campaign,
        "round": config.round,
        "county": county,
        "group": group,
        "reporter": reporter,
        "template_id": template_id(kind, config.campaign, config.round, reporter, *identity),
        "template_version": TEMPLATE_VERSION,
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "tool_version": TOOL_VERSION,
    }
    ws.write_row(0, 0, ["key", "value"])
    for row, (key, value) in enumerate(meta.items(), start=1):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, "" if value is None else str(value))
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 40)
    ws.protect()
    ws.very_hidden()


class _NarrowOnly(dict):
    """A str.translate table that deletes wide (CJK, full-width) characters and keeps the rest,
    learning each character the first time it is seen: the report measures ~40,000 lines of text at
    3,000 units, and a per-character Python loop was a fifth of writing it."""

    def __missing__(self, code: int):
        keep = None if unicodedata.east_asian_width(chr(code)) in "WF" else code
        self[code] = keep
        return keep


_NARROW_ONLY = _NarrowOnly()


def display_width(text: str) -> int:
    """Width in Excel column units: CJK and full-width characters take CJK_WIDTH, the rest one."""
    if text.isascii():
        return len(text)
    narrow = len(text.translate(_NARROW_ONLY))
    return round(narrow + CJK_WIDTH * (len(text) - narrow))


def lines_needed(text: str, column_width: float) -> int:
    """How many wrapped lines `text` takes in a column `column_width` units wide."""
    usable = max(column_width - 1.5, 4)
    text = str(text)
    if len(text) * CJK_WIDTH <= usable and "\n" not in text:  # one line whatever the characters
        return 1
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


def merge_column(ws, first: int, last: int, col: int, value, fmt) -> None:
    """Merge one column over rows first..last; a single row is just written (Excel merges ≥ 2 cells).

    The value lands in the top-left cell, the only one of a merged range that holds anything.
    """
    if last > first:
        ws.merge_range(first, col, last, col, value, fmt)
    elif value is None:
        ws.write_blank(first, col, None, fmt)
    else:
        ws.write(first, col, value, fmt)


def write_note(ws, st: "Styles", row: int, last_col: int, text: str, width: float) -> None:
    """A note under a table, merged over its columns (`width` units in all) and tall enough to read."""
    if last_col > 0:
        ws.merge_range(row, 0, row, last_col, text, st.note)
    else:
        ws.write_string(row, 0, text, st.note)
    ws.set_row(row, height_for(lines_needed(text, width)))


def height_for(lines: int) -> float:
    return max(1, lines) * LINE_HEIGHT + 4


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 23 → 二十三 (group numbers in titles, 1–99)."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def write_help(ws, st: Styles, lines: list[str], width: int = 100) -> None:
    """A 填表说明 sheet: the first line as its title, then one line of plain text a row; locked."""
    ws.set_column(0, 0, width)
    ws.write_string(0, 0, lines[0], st.title)
    for row, text in enumerate(lines[1:], start=1):
        ws.write_string(row, 0, text, st.plain)
    print_setup(ws, landscape=False, repeat_rows=None, title=SHEET_HELP)
    protect(ws)


def list_rule(ws, first: int, last: int, col: int, choices, title: str) -> None:
    """A dropdown over rows first..last of one column, with a Chinese message naming the choices."""
    ws.data_validation(first, col, last, col, {
        "validate": "list",
        "source": list(choices),
        "input_title": title,
        "input_message": "从下拉列表中选择。",
        "error_title": f"{title}不在列表中",
        "error_message": f"请从下拉列表选择：{'、'.join(choices)}"[:255],
    })


LAST_DAY = date(2099, 12, 31)  # the end of a date rule for dates bounded only below


def date_rule(start: date, end: date, title: str, message: str) -> dict:
    """A date between start and end; only a warning, so a person can still type 2023年8月15日."""
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": start,
        "maximum": end,
        "error_type": "warning",
        "input_title": title,
        "input_message": message,
        "error_title": "日期有误",
        "error_message": f"应为 {start:%Y年%m月%d日} 之后的日期，写作 2023/8/15 或 2023年8月15日。",
    }
