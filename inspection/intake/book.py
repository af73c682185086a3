"""The one door to spreadsheet files: any .xlsx/.xlsm/.xls/.ods becomes plain rows of plain values.

python-calamine reads all four formats (and very hidden sheets) in about a millisecond per file,
where openpyxl takes 20–30 ms and reads only .xlsx. Cells come out as str, Decimal, date, datetime
or bool; an empty cell is "". Coordinates stay true to the sheet (row 0 is Excel row 1).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
import io
from pathlib import Path

import python_calamine as calamine

from inspection.values import decimal_from_number, visible as shown_text

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
MAX_MERGE_CELLS = 10_000


def column_letters(col: int) -> str:
    """0-based column → its letters: 0 → "A", 27 → "AB"."""
    letters, n = "", col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class UnreadableFile(Exception):
    """The file cannot be opened as a spreadsheet; `password` says whether a password is why."""

    def __init__(self, detail: str, *, password: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.password = password


@dataclass
class Sheet:
    name: str
    visible: bool
    rows: list[list] = field(default_factory=list)
    # Merged ranges as (first_row, first_col, last_row, last_col), 0-based and inclusive.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def value(self, row: int, col: int):
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return ""

    _anchors: dict = field(default_factory=dict, repr=False)  # col → {row: top-left of its merged range}

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding (row, col), or the cell itself."""
        rows = self._anchors.get(col)
        if rows is None:  # worked out per column, for the few columns a reader asks about
            rows = self._anchors[col] = {
                r: (r1, c1)
                for r1, c1, r2, c2 in self.merges
                if c1 <= col <= c2 and (r2 - r1 + 1) * (c2 - c1 + 1) <= MAX_MERGE_CELLS  # a hostile sheet-wide merge
                for r in range(r1, r2 + 1)
            }
        return rows.get(row, (row, col))

    def rows_under(self, row: int, col: int) -> range:
        """The rows the merged range holding (row, col) covers (just `row` when it is not merged)."""
        for r1, c1, r2, c2 in self.merges:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return range(r1, r2 + 1)
        return range(row, row + 1)

    def right_of(self, row: int, col: int) -> tuple[int, int]:
        """The cell just right of (row, col), stepping over the merged range (row, col) is in."""
        for r1, c1, r2, c2 in self.merges:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return row, c2 + 1
        return row, col + 1

    def merged_value(self, row: int, col: int):
        """What a person sees at (row, col): a merged range shows its top-left value everywhere."""
        return self.value(*self.anchor(row, col))

    @property
    def height(self) -> int:
        return len(self.rows)


class Book:
    """An open workbook whose worksheets are read when first asked for: a scoring return needs its
    打分表 and _meta, not its 填表说明. Use it in a `with` block, or close() it."""

    def __init__(self, path: Path, workbook):
        self.path = path
        self._workbook = workbook
        self._visible = {m.name: m.visible == calamine.SheetVisibleEnum.Visible
                         for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet}
        self._read: dict[str, Sheet] = {}

    @property
    def sheet_names(self) -> list[str]:
        return list(self._visible)

    def sheet(self, name: str) -> Sheet | None:
        """The worksheet called `name`, or None. Raises UnreadableFile when it cannot be read."""
        if name not in self._visible:
            return None
        if name not in self._read:
            self._read[name] = _read_sheet(self._workbook, name, self._visible[name])
        return self._read[name]

    def close(self) -> None:
        self._workbook.close()

    def __enter__(self) -> "Book":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def clean_cell(value):
    """A reader's cell value as one of: "" (empty), str (without the characters that show nothing),
    Decimal (at the precision a spreadsheet shows), date, datetime, bool."""
    if value is None:
        return ""
    if isinstance(value, str):
        return shown_text(value)
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        return value
    if isinstance(value, (int, float)):
        number = decimal_from_number(value)
        return number if number is not None else str(value)  # NaN/inf stay visible as text
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def has_open_password(data: bytes) -> bool:
    """An .xlsx saved with an open password is an OLE container holding an EncryptedPackage stream."""
    return data[:8] == CFB_MAGIC and _ENCRYPTED in data


def read_book(path: Path, data: bytes) -> Book:
    """Open a workbook from `data`, the bytes of the file at `path`; its sheets are read on demand.

    The bytes are read once by the caller (who also hashes them), so a file that changes while
    the run reads it cannot give a hash of one version and values of another.
    Raises UnreadableFile with a short Chinese reason.
    """
    if has_open_password(data):
        raise UnreadableFile("文件设有打开密码", password=True)
    try:
        wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as err:
        raise UnreadableFile("文件设有打开密码", password=True) from err
    except Exception as err:  # calamine raises several types for broken files; all mean "unreadable"
        raise UnreadableFile(_reason(err)) from err
    except BaseException as err:
        _reraise_unless_panic(err)
        raise UnreadableFile(_reason(err)) from err
    try:
        return Book(path, wb)
    except BaseException as err:
        wb.close()
        _reraise_unless_panic(err)
        raise UnreadableFile(_reason(err)) from err


def _read_sheet(wb, name: str, visible: bool) -> Sheet:
    try:
        sheet = wb.get_sheet_by_name(name)
        raw = sheet.to_python(skip_empty_area=False)
        merges = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    except BaseException as err:
        _reraise_unless_panic(err)
        raise UnreadableFile(f"工作表“{name}”无法读取：{_reason(err)}") from err
    # Most cells are text, and most text is what it shows: the characters that show nothing go here.
    rows = [[(shown_text(v) if v else v) if v.__class__ is str else clean_cell(v) for v in row] for row in raw]
    return Sheet(name, visible, rows, merges)


def _reraise_unless_panic(err: BaseException) -> None:
    """A Rust panic inside calamine (a bug met on a broken file) reaches Python as pyo3's
    PanicException, which is a BaseException: it means "unreadable" too. Anything else that is
    not an Exception (Ctrl+C, exit) goes on."""
    if not isinstance(err, Exception) and type(err).__name__ != "PanicException":
        raise err


# What the reader (in English) says, as a clerk should read it.
_REASONS = (
    ("cannot detect file format", "不是 Excel、WPS 或 LibreOffice 能保存的表格格式"),
    ("zip", "压缩结构损坏"),
    ("xml", "内部 XML 损坏"),
    ("password", "文件设有密码"),
)


def _reason(err: BaseException) -> str:
    """A Chinese reason for a reader error; the reader's own words follow in brackets for support."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    lowered = text.lower()
    chinese = next((zh for key, zh in _REASONS if key in lowered), "文件内容损坏")
    return chinese if lowered == _REASONS[0][0] else f"{chinese}，读取程序报告：{text[:160]}"
