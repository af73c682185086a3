"""What every workbook the tool writes shares: atomic saving, styles, print setup, _meta, row heights."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
import hashlib
import os
from pathlib import Path
import tempfile

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from inspection.constants import SHEET_HELP, SHEET_META, TEMPLATE_VERSION, TOOL_VERSION
from inspection.values import chinese_date, plain_number  # noqa: F401 (chinese_date: the writers import it from here)
from inspection.paper import page as paper
from inspection.paper.page import DEFAULT_ROW_PT, LANDSCAPE, PORTRAIT, Page, page_breaks

# Chinese offices have 宋体 (SimSun) everywhere; every format names it, so a machine without it
# substitutes a font of the same widths (the README says which and why).
FONT = "宋体"
BODY_SIZE = 10  # never smaller anywhere: printed at no less than 90 % it is still 9 points
TITLE_SIZE = 16
SUBTITLE_SIZE = 12
HEADING_SIZE = 11
INPUT_FILL = "#FFF7D6"  # pale yellow: the cells a person fills in
HEADER_FILL = "#D9E2F3"


TEMP_PREFIX = ".~tmp-"  # a workbook being written; renamed into place when complete


def clear_stale_temps(folder: Path) -> None:
    """Remove what a run killed while writing left in `folder`: only its temporary files."""
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)


@contextmanager
def atomic_path(path: Path, suffix: str):
    """Yield a temporary path in `path`'s folder to write to: renamed to `path` when the block ends
    without an error, removed otherwise. A crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)  # fails while Excel or Word holds the old file open on Windows: the old one stays
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_workbook(path: Path):
    """Yield an xlsxwriter Workbook that appears at `path` only once it is completely written."""
    with atomic_path(path, ".xlsx") as tmp:
        # Text from config or returned files must never turn into a formula or a URL.
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        try:
            yield wb
        except BaseException:
            try:
                wb.close()
            except Exception:  # the original error is the one worth reporting
                pass
            raise
        wb.close()


def atomic_bytes(path: Path, data: bytes, suffix: str = ".xlsx") -> Path:
    with atomic_path(path, suffix) as tmp:
        tmp.write_bytes(data)
    return path


def atomic_text(path: Path, text: str) -> Path:
    """Write a text file for Windows Notepad (UTF-8 with BOM, CRLF) that appears only when complete."""
    with atomic_path(path, ".txt") as tmp, tmp.open("w", encoding="utf-8-sig", newline="\r\n") as f:
        f.write(text)
    return path


class Styles:
    """The formats of one workbook, created once (xlsxwriter formats belong to a workbook).

    Table cells are centred vertically; the long texts of the 打分表 (`*_top`) start at the top of
    their cell, so a cell merged over rows that a page break could separate never hides its text."""

    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": BODY_SIZE, "valign": "vcenter", "text_wrap": True}
        boxed = {**base, "border": 1}

        def fmt(**extra):
            return wb.add_format({**boxed, **extra})

        self.title = wb.add_format({**base, "font_size": TITLE_SIZE, "bold": True, "align": "center"})
        self.subtitle = wb.add_format({**base, "font_size": SUBTITLE_SIZE, "align": "center"})
        self.label = wb.add_format({**base, "bold": True, "align": "right", "text_wrap": False})
        self.plain = wb.add_format({**base})
        self.help = wb.add_format({**base, "valign": "top"})
        self.heading = wb.add_format({**base, "font_size": HEADING_SIZE, "bold": True})
        self.error = fmt(align="center", font_color="#C00000")
        self.warning = fmt(align="center", font_color="#9C5700")
        self.note = wb.add_format({**base, "valign": "top"})
        self.header = fmt(bold=True, align="center", bg_color=HEADER_FILL)
        self.part = fmt(bold=True, align="left", bg_color="#EDEDED")
        self.text = fmt(align="left")
        self.text_top = fmt(align="left", valign="top")
        self.text_center = fmt(align="center")
        self.points = fmt(align="center", num_format="General")
        self.score = fmt(align="center", num_format="General", bold=True)
        self.total_label = fmt(bold=True, align="center")
        self.input = fmt(align="left", locked=False, bg_color=INPUT_FILL)
        self.input_top = fmt(align="left", valign="top", locked=False, bg_color=INPUT_FILL)
        self.input_center = fmt(align="center", locked=False, bg_color=INPUT_FILL)
        self.input_number = fmt(align="center", locked=False, bg_color=INPUT_FILL, num_format="General")
        self.input_count = fmt(align="center", locked=False, bg_color=INPUT_FILL, num_format="0")
        # A date never wraps: "2023年10月15日" on two lines reads as two things.
        self.input_date = fmt(align="center", locked=False, bg_color=INPUT_FILL, num_format="yyyy年m月d日",
                              text_wrap=False)
        self.input_plain = wb.add_format({**base, "locked": False, "bg_color": INPUT_FILL, "bottom": 1})
        self.date = fmt(align="center", num_format="yyyy-mm-dd", text_wrap=False)
        self.overdue = fmt(align="center", font_color="#C00000", bold=True)
        self.percent = fmt(align="center", num_format="0.0%")
        self.grid = wb.add_format({"border": 1})  # for conditional formats: grid lines on cells left empty


class AutoHeightSheet(Worksheet):
    """A worksheet whose rows in `auto_height_rows` are written with their height but without
    Excel's "custom height" mark: Excel and WPS show them at that height and make them taller when
    what is typed into them needs it (xlsxwriter marks every row it sizes as custom)."""

    def __init__(self):
        super().__init__()
        self.auto_height_rows: set[int] = set()

    def _write_row(self, row, spans, row_info=None, empty_row=False):
        if row not in self.auto_height_rows:
            return super()._write_row(row, spans, row_info, empty_row)
        start, empty = self._xml_start_tag_unencoded, self._xml_empty_tag_unencoded
        self._xml_start_tag_unencoded = lambda tag, attributes=(): start(tag, _automatic(attributes))
        self._xml_empty_tag_unencoded = lambda tag, attributes=(): empty(tag, _automatic(attributes))
        try:
            return super()._write_row(row, spans, row_info, empty_row)
        finally:
            del self._xml_start_tag_unencoded, self._xml_empty_tag_unencoded


def _automatic(attributes):
    return [(key, value) for key, value in attributes if key != "customHeight"]


def protect(ws) -> None:
    """Lock everything but the unlocked fill-in cells; no password, so the clerk can unprotect."""
    ws.protect("", {
        "select_locked_cells": True,
        "select_unlocked_cells": True,
        "format_rows": True,     # people may make a row taller to read long text
        "format_columns": True,
    })


def print_setup(ws, page: Page, *, title: str, repeat_rows: tuple[int, int] | None = None, scale: int = 100,
                breaks=(), columns_breaks=(), footer: tuple[str, str] = ("", "")) -> None:
    """A4 at `scale` percent (never fit-to-page: the page breaks are computed for this scale), header
    rows on every page, the title in the page header and the page number in the footer, both in 宋体
    at 10 points whatever the scale. `footer` adds a text at the left and at the right of the number
    (the 交办清单's signature lines)."""
    ws.set_paper(9)
    if page.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_print_scale(scale)
    ws.center_horizontally()
    ws.set_margins(left=page.left, right=page.right, top=page.top, bottom=page.bottom)
    if repeat_rows:
        ws.repeat_rows(*repeat_rows)
    options = {"scale_with_doc": False}
    ws.set_header(f"&L{PAGE_FONT}{_escape_header(title)}", {**options, "margin": page.header})
    # Only the sections that hold something: openpyxl, rewriting a return (退回修改), moves a font code
    # of "&L&C&\"宋体\"…" into the empty left section and the page number loses its font.
    left, right = (f"{PAGE_FONT}{_escape_header(t)}" if t else "" for t in footer)
    ws.set_footer((f"&L{left}" if left else "") + f"&C{PAGE_FONT}第 &P 页，共 &N 页" + (f"&R{right}" if right else ""),
                  {**options, "margin": page.footer})
    if breaks:
        ws.set_h_pagebreaks(list(breaks))
    if columns_breaks:
        ws.set_v_pagebreaks(list(columns_breaks))


def print_table(ws, heights: dict[int, float], last: int, widths, *, header: int, title: str,
                blocks=None, page: Page = LANDSCAPE) -> None:
    """A sheet that is one table: scaled to its columns' width, the rows above and including the
    header row kept together, the header row on every page, rows (or `blocks`, (first, last) row
    ranges in order) never split across pages; nothing right of `widths` printed."""
    scale = page.scale(widths)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(last + 1)]
    blocks = blocks or [(0, header)] + [(r, r) for r in range(header + 1, last + 1)]
    breaks = page_breaks(sizes, blocks, room=page.room(scale), repeat=heights.get(header, DEFAULT_ROW_PT))
    print_setup(ws, page, repeat_rows=(header, header), scale=scale, breaks=breaks, title=title)
    ws.print_area(0, 0, last, len(widths) - 1)


PAGE_FONT = f'&"{FONT},Regular"&{BODY_SIZE}'


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


def lines_needed(text, column_width: float, size: float = BODY_SIZE) -> int:
    """How many wrapped lines `text` takes in a column `column_width` units wide."""
    return paper.lines_needed(text, column_width, size)


def height_for(lines: int, size: float = BODY_SIZE) -> float:
    """A row tall enough for `lines` lines of text at `size` points."""
    return paper.row_height(lines, size)


def text_height(text, column_width: float, size: float = BODY_SIZE) -> float:
    """A row tall enough for `text` wrapped in a column `column_width` units wide."""
    return paper.text_height(text, column_width, size)


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


def write_note(ws, st: "Styles", row: int, last_col: int, text: str, width: float) -> float:
    """A note under a table, merged over its columns (`width` units in all) and tall enough to read;
    returns its height."""
    if last_col > 0:
        ws.merge_range(row, 0, row, last_col, text, st.note)
    else:
        ws.write_string(row, 0, text, st.note)
    height = text_height(text, width)
    ws.set_row(row, height)
    return height


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 23 → 二十三 (group numbers in titles, 1–99)."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


HELP_WIDTH = 90  # units: A4 portrait at 100 %


def write_help(ws, st: Styles, lines: list[str], width: int = HELP_WIDTH) -> None:
    """A 填表说明 sheet: the first line as its title, then one paragraph a row, each row as tall as its
    text wrapped to the width of an A4 page (never wider, whatever `width` asks); locked."""
    width = min(width, HELP_WIDTH)
    ws.set_column(0, 0, width)
    ws.write_string(0, 0, lines[0], st.title)
    ws.set_row(0, text_height(lines[0], width, TITLE_SIZE))
    heights = [text_height(lines[0], width, TITLE_SIZE)]
    for row, text in enumerate(lines[1:], start=1):
        ws.write_string(row, 0, text, st.help)
        heights.append(text_height(text, width) if text else height_for(1))
        ws.set_row(row, heights[-1])
    breaks = page_breaks(heights, [(r, r) for r in range(len(lines))], room=PORTRAIT.room(100))
    print_setup(ws, PORTRAIT, title=SHEET_HELP, breaks=breaks)
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
