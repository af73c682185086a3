"""A return sent back marked up (退回修改): the original workbook with a comment and a fill on every
cell a finding points at, and a first sheet 修改说明 listing every finding, errors first.

The copy is made with openpyxl from the original's bytes and must stay a return the tool reads as
before: the very hidden `_meta`, sheet protection, data validation, merges and print setup are kept
(rewrite_check.py compares the copy with the original and says what it lost; a copy that lost
anything is not sent). A workbook that cannot be rewritten (.xls, .ods, macros, one openpyxl cannot
open, one that would lose something) gets the same 修改说明 as a workbook of its own.

The fills are the tool's own colours, and the comments begin with "【错误 D006】" or "【警告 S011】":
a copy sent back again with problems left is cleared of the earlier marks before it is marked anew.
"""

from dataclasses import dataclass, field
import io
import re
import warnings
import zipfile

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from inspection.constants import META_REPLACES, META_REPLACES_FILE, SHEET_CORRECTIONS, SHEET_META
from inspection.findings import ERROR, INFO, Finding
from inspection.intake.book import CFB_MAGIC, UnreadableFile
from inspection.intake.limits import MB, Limits, size_text
from inspection.paper.common import EXCEL_CELL_LIMIT, FONT, HEADER_FILL, INPUT_FILL, height_for, lines_needed
from inspection.sendback.rewrite_check import losses

ERROR_FILL = "FFFFC7CE"  # light red: a cell with an error (ARGB)
WARNING_FILL = "FFFFCC99"  # light orange: a cell with only warnings
_OUR_FILLS = {ERROR_FILL[2:], WARNING_FILL[2:]}
_OUR_COMMENT = re.compile(r"【(?:错误|警告) [A-Z]\d{3}】")
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
MAX_ROW, MAX_COL = 1_048_576, 16_384
# openpyxl holds every cell as an object (about 0.5 KB each): a return is under 1 MB inflated, and a
# workbook over this is given its 修改说明 alone rather than a worker's memory.
MAX_INFLATED = 20 * MB
COLUMNS = (("序号", 5), ("级别", 6), ("代码", 7), ("问题", 24), ("工作表", 12), ("单元格", 8), ("说明及改法", 72))
COMMENT_WIDTH = 320  # pixels: about 25 Chinese characters a line
COMMENT_LINE = 16  # pixels
TAB_ERROR, TAB_WARNING = "C00000", "ED7D31"


@dataclass
class Note:
    """The 修改说明 of one return: a title, lines saying what became of it, what to do and where to
    send it, then its findings in order (errors first)."""

    title: str
    lines: list[str]
    findings: list[Finding]
    author: str  # whom the comments are from: the campaign's receiver
    has_errors: bool = field(init=False)

    def __post_init__(self):
        self.has_errors = any(f.is_error for f in self.findings)


class CannotMark(Exception):
    """The original cannot be rewritten without harm; the reason says why, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def marked_copy(data: bytes, note: Note, limits: Limits, replaces: tuple[str, str] = ("", "")) -> bytes:
    """The original `data` with every finding's cell commented and filled and the 修改说明 first;
    its `_meta` says which file it replaces (`replaces`: the original's SHA-256 and name), so that
    the copy, once fixed and sent again, takes the original's place.
    Raises CannotMark when the original is not an .xlsx openpyxl can rewrite whole."""
    _check_format(data)
    with warnings.catch_warnings():  # openpyxl warns of what it drops; losses() below says what matters
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), rich_text=True)
        except Exception as err:  # openpyxl raises many types for what it cannot read
            raise CannotMark("本工具无法打开原表进行标注，所以另附修改说明；请按修改说明改好原表后重新报送") from err
        if SHEET_CORRECTIONS in wb.sheetnames:  # sent back before: the old explanation goes
            wb.remove(wb[SHEET_CORRECTIONS])
        for ws in wb.worksheets:
            _unmark(ws)
        if replaces[0] and SHEET_META in wb.sheetnames:
            _set_meta(wb[SHEET_META], {META_REPLACES: replaces[0], META_REPLACES_FILE: replaces[1]})
        _mark_cells(wb, note)
        ws = wb.create_sheet(SHEET_CORRECTIONS, 0)
        write_note_sheet(ws, note)
        wb.active = 0
        for sheet in wb.worksheets:
            if isinstance(sheet, Worksheet):  # one tab selected: several would be grouped, and edited together
                sheet.sheet_view.tabSelected = sheet is ws
        out = io.BytesIO()
        wb.save(out)
    copy = out.getvalue()
    try:
        lost = losses(data, copy, added=SHEET_CORRECTIONS, limits=limits, ours=_OUR_COMMENT)
    except UnreadableFile as err:  # the copy would be refused when sent back
        raise CannotMark(f"标注后的副本超过本工具的读取上限（{err.detail}）") from err
    if lost:
        raise CannotMark(f"在原表上标注会丢失其中的{'、'.join(lost)}")
    return copy


def _set_meta(ws, values: dict[str, str]) -> None:
    """Set keys of `_meta` (column A → column B), replacing a value the original already had."""
    rows = {row[0].value: row[0].row for row in ws.iter_rows(min_col=1, max_col=1) if row[0].value}
    for key, value in values.items():
        row = rows.get(key) or ws.max_row + 1
        ws.cell(row, 1).value = key
        ws.cell(row, 2).value = value


def note_workbook(note: Note) -> bytes:
    """The 修改说明 alone, for a return that cannot be marked up."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_CORRECTIONS
    write_note_sheet(ws, note)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _check_format(data: bytes) -> None:
    if data[:8] == CFB_MAGIC:
        raise CannotMark("原表是 Excel 97-2003 格式（.xls）或设有打开密码，本工具不能在这种文件上标注")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            inflated = sum(m.file_size for m in z.infolist())
    except zipfile.BadZipFile as err:
        raise CannotMark("原表不是 .xlsx 格式，本工具不能在这种文件上标注") from err
    if "content.xml" in names and "xl/workbook.xml" not in names:
        raise CannotMark("原表是 OpenDocument 格式（.ods），本工具不能在这种文件上标注")
    if "xl/workbook.xml" not in names:  # where Excel, WPS, LibreOffice and the tool put it
        raise CannotMark("原表不是常见的 .xlsx 文件，本工具不能在这种文件上标注")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise CannotMark("原表含有宏（.xlsm），改写会去掉宏，所以没有在原表上标注")
    if inflated > MAX_INFLATED:
        raise CannotMark(f"原表解压后有 {size_text(inflated)}，远大于一般的报回表格，本工具不在这样大的文件上标注")


def _mark_cells(wb, note: Note) -> None:
    """Comment and fill each cell a finding points at (findings at one cell share one comment).
    A finding about a whole file, or a sheet the file does not have, is only listed."""
    at: dict[tuple[str, str], list[Finding]] = {}
    for f in note.findings:
        match = _CELL.match(f.cell or "")
        if f.level == INFO:
            continue  # a note (a year assumed): listed in 修改说明, nothing to fix at the cell
        if not match or f.sheet not in wb.sheetnames or f.sheet in (SHEET_META, SHEET_CORRECTIONS):
            continue
        if int(match[2]) > MAX_ROW or column_index_from_string(match[1]) > MAX_COL:
            continue
        if isinstance(wb[f.sheet], Worksheet):  # not a chart sheet
            at.setdefault((f.sheet, f"{match[1]}{match[2]}"), []).append(f)
    for (sheet, ref), found in at.items():
        ws = wb[sheet]
        cell = _top_left(ws, ref)
        text = "\n\n".join(comment_text(f) for f in found)
        if cell.comment is not None and cell.comment.text.strip():
            text = f"{cell.comment.text.rstrip()}\n\n{text}"
        lines = lines_needed(text, COMMENT_WIDTH / 12 * 1.8 + 1.5)  # a 9-point character is about 12 pixels
        cell.comment = Comment(_clean(text), note.author or "汇总工具", width=COMMENT_WIDTH,
                               height=min(480, COMMENT_LINE * lines + 12))
        cell.fill = PatternFill("solid", fgColor=ERROR_FILL if any(f.is_error for f in found) else WARNING_FILL)


def comment_text(f: Finding) -> str:
    return f"【{f.level} {f.code.name}】{f.code.title}\n{f.message}"


def _top_left(ws, ref: str):
    cell = ws[ref]
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if cell.coordinate in merged:
                return ws.cell(merged.min_row, merged.min_col)
    return cell


def _unmark(ws) -> None:
    """Take off the marks an earlier run put on this sheet: its comments, and its fills (back to the
    template's pale yellow on a cell left open to fill in, none elsewhere)."""
    if not isinstance(ws, Worksheet):
        return
    for cell in list(ws._cells.values()):
        comment = cell.comment
        if comment is not None:
            found = _OUR_COMMENT.search(comment.text or "")
            if found:
                kept = comment.text[:found.start()].rstrip()
                cell.comment = Comment(kept, comment.author or "") if kept else None
        fill = cell.fill
        if fill is not None and fill.fill_type == "solid" and str(fill.fgColor.rgb).upper()[-6:] in _OUR_FILLS:
            open_to_fill = cell.protection is not None and cell.protection.locked is False
            cell.fill = PatternFill("solid", fgColor="FF" + INPUT_FILL.lstrip("#")) if open_to_fill else PatternFill()


def write_note_sheet(ws, note: Note) -> None:
    """The 修改说明 sheet: the title, the note's lines, then one row per finding."""
    width = sum(w for _, w in COLUMNS)
    last = get_column_letter(len(COLUMNS))
    plain, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    for n, (_, w) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(n)].width = w
    _put(ws, 1, 1, note.title, Font(name=FONT, size=16, bold=True), Alignment(horizontal="center", vertical="center"))
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    row = 2
    for line in note.lines:
        _put(ws, row, 1, line, bold if line.startswith("结论") else plain, wrap)
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.row_dimensions[row].height = height_for(lines_needed(line, width))
        row += 1
    header = row + 1
    side = Side(style="thin")
    box = Border(left=side, right=side, top=side, bottom=side)
    for n, (label, _) in enumerate(COLUMNS, start=1):
        cell = _put(ws, header, n, label, bold, Alignment(horizontal="center", vertical="center"))
        cell.fill, cell.border = PatternFill("solid", fgColor="FF" + HEADER_FILL.lstrip("#")), box
    for n, f in enumerate(note.findings, start=1):
        r = header + n
        values = (n, f.level, f.code.name, f.code.title, f.sheet or "—", f.cell or "—", f.message)
        for col, value in enumerate(values, start=1):
            cell = _put(ws, r, col, value, plain, Alignment(wrap_text=True, vertical="top",
                                                                 horizontal="left" if col >= 4 else "center"))
            cell.border = box
        level = ws.cell(r, 2)
        level.fill = PatternFill("solid", fgColor=ERROR_FILL if f.is_error else WARNING_FILL)
        level.font = Font(name=FONT, size=10, bold=True, color="C00000" if f.level == ERROR else "9C5700")
        ws.row_dimensions[r].height = height_for(max(lines_needed(f.message, COLUMNS[6][1]),
                                                     lines_needed(f.code.title, COLUMNS[3][1]),
                                                     lines_needed(f.sheet or "—", COLUMNS[4][1])))
    ws.freeze_panes = f"A{header + 1}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.sheet_properties.tabColor = TAB_ERROR if note.has_errors else TAB_WARNING
    ws.protection.sheet = True  # no password, as on the templates: the clerk can unprotect
    ws.protection.formatRows = ws.protection.formatColumns = False


def _put(ws, row: int, col: int, value, font, alignment):
    """Write a value as itself: text is never a formula, and loses the characters a workbook cannot hold."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        value = _clean(value)[:EXCEL_CELL_LIMIT]
        cell.value = value
        if value.startswith("="):
            cell.data_type = "s"
    else:
        cell.value = value
    cell.font, cell.alignment = font, alignment
    return cell


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)
