"""The printed page: how wide a column is, how many lines a text takes, what fits on A4, where pages break.

Widths are in Excel's column units (the digit of the workbook's default font, Calibri 11: 7 pixels at
96 dpi). The two programs that print these workbooks measure them differently, so every figure here
is the less favourable of the two:

- Excel draws a column `w` units wide as round(7w) + 5 pixels of 0.75 pt, and wraps text there;
- LibreOffice draws it as the stored width in characters times the advance of Calibri's (Carlito's)
  digit, about 6 % wider. A table is fitted to the page as LibreOffice draws it, and text is wrapped
  as Excel wraps it.

Text is 宋体 (SimSun): a Chinese character is one em wide, a Latin letter or digit half an em
(Noto Sans Mono CJK SC, the font the page check renders with, has the same advances). A line is
1.45 em high, the CJK fonts' line height (SimSun's own lines in Excel are a little lower).
"""

from dataclasses import dataclass
import math
import unicodedata

DIGIT_PX = 7  # Calibri 11's digit at 96 dpi: one column unit
PADDING_PX = 5  # what Excel adds to every column
LO_DIGIT_PT = 5.575  # Carlito's digit at 11 pt, as LibreOffice draws a column unit
CELL_PADDING_PT = 4.5  # the text area of a cell is this much narrower than the cell
LINE_EM = 1.45
ROW_PADDING_PT = 3
DEFAULT_ROW_PT = 15  # xlsxwriter's default row
A4_PT = (595.28, 841.89)
MIN_SCALE = 90  # 10-point text printed at 90 % is 9 points, the smallest a page may show
FILL = 0.96  # how full a page is filled: the rest absorbs differences between Excel and LibreOffice
MAX_BREAKS = 1023  # Excel's limit of manual page breaks on a sheet
# A line may not start with closing punctuation nor end with opening punctuation (禁则).
CLOSING = set("，。；：、？！）》」』】〉”’,.;:?!)]}%…")
OPENING = set("（《「『【〈“‘([{")


class _NarrowOnly(dict):
    """A str.translate table that deletes wide (CJK, full-width, ambiguous) characters and keeps the
    rest, learning each character the first time it is seen: the report measures ~40,000 lines of text
    at 3,000 units, and a per-character Python loop was a fifth of writing it."""

    def __missing__(self, code: int):
        keep = None if unicodedata.east_asian_width(chr(code)) in "WFA" else code
        self[code] = keep
        return keep


_NARROW_ONLY = _NarrowOnly()


def is_wide(ch: str) -> bool:
    return _NARROW_ONLY[ord(ch)] is None


def column_px(width: float) -> int:
    """Pixels Excel draws a column `width` units wide with."""
    return int(width * DIGIT_PX + 0.5) + PADDING_PX if width > 0 else 0


def column_pt(width: float) -> float:
    """A column's width in points as Excel draws it (the narrower of the two)."""
    return column_px(width) * 0.75


def printed_pt(width: float) -> float:
    """A column's width in points as LibreOffice draws it (the wider of the two)."""
    return column_px(width) / DIGIT_PX * LO_DIGIT_PT


def table_width_pt(widths) -> float:
    return sum(printed_pt(w) for w in widths)


def text_pt(text: str, size: float) -> float:
    """How wide `text` is on one line at `size` points: a wide character an em, any other half."""
    if text.isascii():
        return len(text) * size / 2
    narrow = len(text.translate(_NARROW_ONLY))
    return (len(text) - narrow) * size + narrow * size / 2


LONG_TEXT = 400  # characters: a longer paragraph is measured, not laid out character by character


def lines_needed(text, width: float, size: float = 10) -> int:
    """How many lines `text` takes wrapped in a column (or merged range) `width` units wide."""
    text = str(text)
    usable = max(column_pt(width) - CELL_PADDING_PT, size)
    if "\n" not in text and text_pt(text, size) <= usable:
        return 1
    return sum(_paragraph_lines(part, usable, size) if len(part) <= LONG_TEXT
               # A line of a long paragraph (the units of a 共性问题 at a province's scale) loses at
               # most a few characters to wrapping: counted as three wide ones.
               else math.ceil(text_pt(part, size) / max(usable - 3 * size, size))
               for part in text.split("\n"))


def _paragraph_lines(text: str, usable: float, size: float) -> int:
    """Greedy wrapping as a spreadsheet does it: a Chinese character may end a line anywhere but
    before closing punctuation; a run of Latin letters and digits moves down whole unless it is
    longer than a line; a space at the end of a line is swallowed."""
    if not text:
        return 1
    half = size / 2
    lines, used, i, n = 1, 0.0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == " ":
            if used + half <= usable:
                used += half
            else:  # swallowed at the end of the line; what follows starts the next
                lines += 1
                used = 0.0
            i += 1
            continue
        j = i
        while j < n and text[j] in OPENING:  # opening punctuation goes with what follows
            j += 1
        if j < n:
            if is_wide(text[j]):
                j += 1
            else:
                while j < n and text[j] != " " and not is_wide(text[j]) and text[j] not in OPENING:
                    j += 1
        while j < n and text[j] in CLOSING:  # closing punctuation stays with what precedes
            j += 1
        j = max(j, i + 1)
        token = text[i:j]
        width = text_pt(token, size)
        if used + width <= usable:
            used += width
        elif width <= usable:
            lines += 1
            used = width
        else:  # longer than a line: broken wherever the line is full
            for piece in token:
                w = size if is_wide(piece) else half
                if used + w > usable:
                    lines += 1
                    used = 0.0
                used += w
        i = j
    return lines


def row_height(lines: int, size: float = 10) -> float:
    """A row tall enough for `lines` lines at `size` points, in whole pixels (0.75 pt)."""
    return math.ceil((max(1, lines) * size * LINE_EM + ROW_PADDING_PT) / 0.75) * 0.75


def text_height(text, width: float, size: float = 10) -> float:
    return row_height(lines_needed(text, width, size), size)


def fit_rows(ws) -> None:
    """Make the rows of an openpyxl worksheet tall enough for the wrapped texts in them, merged cells
    included: what Excel does by itself for a row it sizes when something is typed into it, and a
    person does by dragging for a merged cell. For filled copies that Excel never opens (the demo's)."""
    widths: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        if dim.width and dim.min:
            for col in range(dim.min, (dim.max or dim.min) + 1):
                widths[col] = dim.width * DIGIT_PX  # pixels: openpyxl keeps the width as stored
    merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    rows: dict[int, float] = {}
    spans: list[tuple[int, int, float]] = []
    for line in ws.iter_rows():
        for cell in line:
            text = cell.value
            if (not isinstance(text, str) or not text.strip() or cell.data_type == "f"
                    or not cell.alignment.wrap_text):
                continue
            size = cell.font.sz or 11
            area = merged.get((cell.row, cell.column))
            cols = range(area.min_col, area.max_col + 1) if area else (cell.column,)
            px = sum(widths.get(c, 64) for c in cols)
            height = row_height(lines_needed(text, (px - PADDING_PX) / DIGIT_PX, size), size)
            if area and area.max_row > area.min_row:
                spans.append((area.min_row, area.max_row, height))
            else:
                rows[cell.row] = max(rows.get(cell.row, 0), height)
    for row, height in rows.items():
        if height > (ws.row_dimensions[row].height or DEFAULT_ROW_PT):
            ws.row_dimensions[row].height = height
    for first, last, height in spans:
        heights = {r: ws.row_dimensions[r].height or DEFAULT_ROW_PT for r in range(first, last + 1)}
        if grow_to_fit(heights, first, last, height):
            for r, h in heights.items():
                ws.row_dimensions[r].height = h


def grow_to_fit(heights: dict[int, float], first: int, last: int, need: float) -> bool:
    """Grow rows first..last evenly (in Excel's 0.75-point steps) until a text merged over them,
    `need` points tall, fits; whether they had to grow."""
    have = sum(heights[r] for r in range(first, last + 1))
    if have >= need:
        return False
    extra = math.ceil((need - have) / (last - first + 1) / 0.75) * 0.75
    for r in range(first, last + 1):
        heights[r] += extra
    return True


@dataclass(frozen=True)
class Page:
    """An A4 sheet of paper and its margins (inches, as Excel keeps them)."""

    landscape: bool
    left: float = 0.35
    right: float = 0.35
    top: float = 0.55
    bottom: float = 0.55
    header: float = 0.25  # a printer reaches 5 mm from the edge; the page header starts 6.4 mm in
    footer: float = 0.25

    @property
    def width(self) -> float:
        return A4_PT[self.landscape]

    @property
    def height(self) -> float:
        return A4_PT[not self.landscape]

    @property
    def body_width(self) -> float:
        return self.width - (self.left + self.right) * 72

    @property
    def body_height(self) -> float:
        return self.height - (self.top + self.bottom) * 72

    def scale(self, widths) -> int:
        """The print scale (percent, at most 100) at which columns `widths` fit the page's width."""
        return max(10, min(100, math.floor(self.body_width * 0.99 / table_width_pt(widths) * 100)))

    def fits(self, widths) -> bool:
        return self.scale(widths) >= 100

    def room(self, scale: int) -> float:
        """How many points of rows (as the sheet measures them) a page holds at `scale` percent."""
        return self.body_height * FILL * 100 / scale


PORTRAIT = Page(landscape=False)
LANDSCAPE = Page(landscape=True)


def page_breaks(heights, blocks, *, room: float, repeat: float = 0.0, start: float = 0.0) -> list[int]:
    """The rows (0-based) that begin a new page, so that no block is split across pages.

    `heights[r]` is row r's height; `blocks` are (first, last) row ranges in order, each to be kept
    on one page (a heading with what it heads, an item with its criteria); `room` is what a page
    holds, `repeat` the height of the header rows repeated on every page after the first, `start`
    what the first page holds above the first block (title, header). A block taller than a page is
    broken where the page is full.
    """
    breaks: list[int] = []
    used = start
    for first, last in blocks:
        height = sum(heights[r] for r in range(first, last + 1))
        if used + height <= room:
            used += height
            continue
        if used > repeat:  # something is on this page already: the block starts the next one
            breaks.append(first)
            used = repeat
        if used + height <= room:
            used += height
            continue
        for r in range(first, last + 1):  # taller than a page
            if used + heights[r] > room and used > repeat:
                breaks.append(r)
                used = repeat
            used += heights[r]
    return breaks[:MAX_BREAKS]
