"""What one zip part says about the reader's work, learnt from its inflated bytes as they stream by.

The guard feeds every part of an .xlsx/.xlsm/.ods through a PartScan, in chunks, whatever the
part's name (the workbook's relationships, not names, say which part is a sheet). It looks for:

- `<!DOCTYPE` / `<!ENTITY`: the start of every XML entity bomb. No spreadsheet program writes
  them; python-calamine does not expand entities (an undeclared one makes the part unreadable),
  so this is a second wall with a clear message. Images are exempt (an SVG may carry a DOCTYPE,
  and the reader never parses images).
- the data area of an .xlsx sheet: the reader lays a sheet out as one dense block from A1 to the
  last row and column holding a value, so one value in XFD1048576 asks for 17 billion cells and
  ends the process. Cells written as `<c .../>` hold no value and do not count (calamine skips
  them). Cells are found however they are written (prefix, quotes, no `r`), as calamine reads
  them all.
- the data area of an .ods table, with rows and cells repeated as `number-*-repeated` says.
- the string count an .xlsx shared-strings part declares: calamine reserves room for that many
  strings up front. A count the part cannot possibly hold (each string takes at least 5 bytes)
  and over max_cells is refused.
"""

import re

from inspection.intake.book import column_letters
from inspection.intake.limits import Limits, TooManyCells, XmlDeclaration

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".svg", ".tif", ".tiff", ".wdp")
_DECLARATION = re.compile(rb"!(?i:doctype|entity)")  # found by its rare "!", then checked for a "<" before it
_TAIL = 16  # bytes kept between chunks so a marker split across two chunks is still seen
_MAX_CARRY = 1 << 20  # a start tag longer than this is not waited for

# .xlsx cells. Every program we know writes r first (`<c r="B7" s="3" t="s">`); any other cell
# (no r, r later, a namespace prefix, odd quoting) sends the chunk down the slower path that
# follows the reader's own counting.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix: the reader matches local names
_CELL_R_FIRST = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*(/?)>')
_ANY_CELL = re.compile(rb"<c[\s/>]")  # fast: sre jumps from "<" to "<"
_ODD_CELL = re.compile(rb"<c[>/\t\r\n]")  # `<c>`, `<c/>`, other whitespace after the name
_PREFIXED_CELL = re.compile(rb":c(?=[\s/>])")  # `<x:c ...>` (or text that looks like it: then the slow path)
# A cell not written as `<c r="B7"` with columns A to ZZ and rows 1 to 999 (an odd cell included).
# When a whole part has none, its area is under 702 × 999 cells and the cells need not be looked at
# one by one: one pass of the regex engine, which jumps from "<c" to "<c".
_NOT_NEAR_CELL = re.compile(rb'<c(?:[>/\t\r\n\f\v]| (?!r="[A-Z]{1,2}[0-9]{1,3}"))')
_NEAR_AREA = 702 * 999
_CELL_OR_ROW = re.compile(rb"<" + _P + rb"(c|row)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\sr\s*=\s*["']\s*([A-Za-z]{1,8})([0-9]{1,10})\s*["']""")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']\s*([0-9]{1,10})\s*["']""")
_SST = re.compile(rb"<" + _P + rb"""sst(?=[\s/>])[^>]*?\suniqueCount\s*=\s*["']\s*([0-9]+)""")

# .ods tables
_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_REPEAT = re.compile(rb"""table:number-(?:rows|columns)-repeated\s*=\s*["']\s*([0-9]+)""")
_ODS_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)""")


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class PartScan:
    def __init__(self, name: str, limits: Limits):
        self.name = name
        self.limits = limits
        self.declarations = not name.lower().endswith(IMAGE_SUFFIXES)
        self.tail = b""
        self.carry = b""
        self.sheet = _SheetArea()
        self.ods: _OdsTables | None = None
        self.unique_strings = 0
        self.held: bytes | None = None  # the first piece, kept until we know whether it is the only one

    def feed(self, chunk: bytes) -> None:
        if self.declarations:
            if _declares(self.tail + chunk[:_TAIL]) or (b"!" in chunk and _declares(chunk)):
                raise XmlDeclaration(self.name)
            self.tail = chunk[-_TAIL:]
        text = self.carry + chunk if self.carry else chunk
        cut = text.rfind(b"<")
        if cut >= 0 and text.find(b">", cut) < 0 and len(text) - cut < _MAX_CARRY:
            text, self.carry = text[:cut], text[cut:]
        else:
            self.carry = b""
        if self.held is None:
            self.held = text
            return
        if self.held:
            self._tags(self.held, alone=False)
            self.held = b""
        self._tags(text, alone=False)

    def finish(self, inflated: int) -> None:
        """Checks that need the whole part; `inflated` is its real inflated size."""
        if self.held:
            self._tags(self.held + self.carry, alone=True)
        elif self.carry:
            self._tags(self.carry, alone=False)
        self.held, self.carry = b"", b""
        self.sheet.check(self.limits)
        if self.unique_strings > self.limits.max_cells and self.unique_strings * 5 > inflated:
            raise TooManyCells(f"共享字符串表声明有 {self.unique_strings} 条字符串（实际只有 {inflated} 字节）",
                               f"{self.limits.max_cells} 条")

    def _tags(self, text: bytes, alone: bool) -> None:
        if b"<" not in text:  # one fast pass: no markup at all (zeros of a bomb, most image bytes)
            return
        self.sheet.feed(text, self.limits.max_cells if alone else 0)
        at = text.find(b"uniqueCount")
        while at >= 0:  # few: look only at the tags around them
            m = _SST.match(text, text.rfind(b"<", 0, at))
            if m:
                self.unique_strings = max(self.unique_strings, int(m.group(1)))
            at = text.find(b"uniqueCount", at + 1)
        if b"table:table" in text:  # calamine matches .ods names with their usual prefix
            if self.ods is None:
                self.ods = _OdsTables(self.limits)
            self.ods.feed(text)


class _SheetArea:
    """The last row and the last column holding a value in one .xlsx sheet part."""

    def __init__(self):
        self.height = self.width = 0
        self.row = self.col = 0  # the reader's current cell, for cells written without r

    def feed(self, text: bytes, limit: int) -> None:
        """`limit` is max_cells when `text` is the whole part, else 0."""
        prefixed = _PREFIXED_CELL.search(text) is not None
        if not prefixed and not _ANY_CELL.search(text):
            return  # no cell here (the common case for every part but the sheets)
        if limit >= _NEAR_AREA and not prefixed and not _NOT_NEAR_CELL.search(text):
            return  # the whole part, every cell with r first, none far out: under the limit
        plain = text.count(b"<c ")
        odd = prefixed or _ODD_CELL.search(text) is not None
        found = _CELL_R_FIRST.findall(text)
        if odd or len(found) != plain:
            self._walk(text)
            return
        letters, number, _ = found[-1]
        self.row, self.col = int(number), column_number(letters)
        valued = [(letters, number) for letters, number, empty in found if not empty]
        if valued:
            self.height = max(self.height, max(int(n) for _, n in valued))
            self.width = max(self.width, max(column_number(c) for c in {c for c, _ in valued}))

    def _walk(self, text: bytes) -> None:
        for m in _CELL_OR_ROW.finditer(text):
            tag, attrs = m.group(1), m.group(2)
            if tag == b"row":
                number = _ROW_NUMBER.search(attrs)
                self.row = int(number.group(1)) if number else self.row + 1
                self.col = 0
                continue
            ref = _REF.search(attrs)
            if ref:
                self.row, self.col = int(ref.group(2)), column_number(ref.group(1).upper())
            else:
                self.row, self.col = max(self.row, 1), self.col + 1
            if not attrs.endswith(b"/"):
                self.height, self.width = max(self.height, self.row), max(self.width, self.col)

    def check(self, limits: Limits) -> None:
        """The reader hands over every sheet from A1 (empty rows and columns in front included), so
        the area runs from A1 to the last row and the last column holding a value."""
        if self.height * self.width > limits.max_cells:
            last = f"{column_letters(self.width - 1)}{self.height}"
            raise TooManyCells(f"工作表的数据区域为 A1:{last}（{self.height} 行 × {self.width} 列，"
                               f"共 {self.height * self.width} 格）", f"{limits.max_cells} 格")


class _OdsTables:
    """Rows × columns of each .ods table, counting repeats, up to the last cell holding something."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.name = ""
        self.rows = 0  # rows so far in this table
        self.height = self.width = 0  # up to the last row / column holding a value
        self.row_repeat = 1
        self.col = 0
        self.row_width = 0

    def feed(self, text: bytes) -> None:
        for m in _ODS_TAG.finditer(text):
            closing, tag, attrs = m.group(1), m.group(2), m.group(3)
            if tag == b"table":
                if closing:
                    self._check()
                else:
                    name = _ODS_NAME.search(attrs)
                    self.name = name.group(1).decode("utf-8", "replace")[:40] if name else ""
                    self.rows = self.height = self.width = 0
            elif tag == b"table-row":
                if closing:
                    self._end_row()
                else:
                    self.row_repeat, self.col, self.row_width = _repeat(attrs), 0, 0
                    if attrs.endswith(b"/"):
                        self._end_row()
            elif not closing:  # a cell, or a cell covered by a merge
                repeat = _repeat(attrs)
                if not attrs.endswith(b"/") or b"office:value-type" in attrs or b"table:formula" in attrs:
                    self.row_width = self.col + repeat
                self.col += repeat

    def _end_row(self) -> None:
        if self.row_width:
            self.height = self.rows + self.row_repeat
            self.width = max(self.width, self.row_width)
        self.rows += self.row_repeat
        self.row_repeat, self.row_width = 1, 0
        self._check()

    def _check(self) -> None:
        if self.height * self.width > self.limits.max_cells:
            raise TooManyCells(f"工作表“{self.name}”的数据区域为 {self.height} 行 × {self.width} 列"
                               f"（共 {self.height * self.width} 格）", f"{self.limits.max_cells} 格")


def _declares(text: bytes) -> bool:
    return any(text[m.start() - 1:m.start()] == b"<" for m in _DECLARATION.finditer(text))


def _repeat(attrs: bytes) -> int:
    m = _ODS_REPEAT.search(attrs)
    return max(1, int(m.group(1))) if m else 1
