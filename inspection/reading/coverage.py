"""Nothing a person typed is ignored: the cells a reader did not use become findings at their cells.

Each reader takes the cells it reads (values) and the cells the template wrote (labels, titles,
rubric text). Whatever else holds a value — in an inserted row, beside the table, below it, in a
copied or added sheet — is a stray. A stray that could change a count (a number, or words such as
"扣1分") is an error where the kind says so; other strays are warnings. Either way it is reported
at its cell, with the fix.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
import re

from inspection.findings import Code, Finding, finding
from inspection.intake.book import MAX_MERGE_CELLS, Book, Sheet
from inspection.reading.cells import NameFinder, cell_ref, squash
from inspection.values import cell_text, stated_points

_HELP_LINE = re.compile(r"^\s*\d{1,2}\s*[.．、]")
# A sheet full of strays (a pasted block) says what it must in its first cells, then counts the rest.
MAX_STRAY_FINDINGS = 12
# A value shown in a message: enough to recognise it.
SHOWN = 30


@dataclass
class Stray:
    row: int
    col: int
    value: object
    where: str  # where a person would say it is, in Chinese


@dataclass
class Coverage:
    """The cells of one sheet a reader has used or recognised as the template's own."""

    sheet: Sheet
    taken: set[tuple[int, int]] = field(default_factory=set)
    edited: dict[tuple[int, int], str] = field(default_factory=dict)  # cell → the template's text there

    def take(self, row: int, col: int) -> None:
        """A cell read (a merged range is taken through any of its cells: see strays)."""
        self.taken.add((row, col))

    def take_cols(self, row: int, cols) -> None:
        self.taken.update((row, col) for col in cols)

    def take_labels(self, row: int, labels) -> None:
        """The cells of `row` reading one of `labels` (compared squashed): a header as the template wrote it."""
        wanted = {squash(label) for label in labels}
        self.taken.update((row, c) for c, value in enumerate(self.sheet.rows[row]) if squash(value) in wanted)

    def take_row(self, row: int) -> None:
        for col in range(len(self.sheet.rows[row]) if row < self.sheet.height else 0):
            self.taken.add((row, col))

    def template(self, row: int, col: int, expected: str) -> bool:
        """A cell the template filled with `expected`: taken when it still says so (or was
        cleared); otherwise it is a stray, reported with what it used to say. True if unchanged."""
        at = self.sheet.anchor(row, col)
        value = self.sheet.value(*at)
        if value == "" or value == expected or squash(value) == squash(expected):
            self.taken.add(at)
            return True
        self.edited[at] = expected
        return False

    def strays(self, where) -> list[Stray]:
        """Every non-blank cell not taken, in reading order; `where(row, col)` names its place."""
        found = []
        taken = self.taken
        for r1, c1, r2, c2 in self.sheet.merges:  # a merged range shows its value at its top-left cell
            if (r1, c1) not in taken and (r2 - r1 + 1) * (c2 - c1 + 1) <= MAX_MERGE_CELLS and any(
                    (r, c) in taken for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)):
                taken.add((r1, c1))
        for r, row in enumerate(self.sheet.rows):
            for c, value in enumerate(row):
                if value == "" or (r, c) in taken or (value.__class__ is str and not value.strip()):
                    continue
                place = where(r, c)
                if (r, c) in self.edited:
                    place = f"{place}原为“{self.edited[(r, c)][:SHOWN]}”的单元格"
                found.append(Stray(r, c, value, place))
        return found


_PHONE = re.compile(r"^\+?[\d\s()（）-]{7,20}$")


def counts(value) -> bool:
    """A stray that could be a deduction or a count: a number, or words stating points. Not a date,
    nor a telephone or ID number (seven digits or more, as people write them beside a form)."""
    if isinstance(value, (date, datetime)):
        return False
    if isinstance(value, Decimal) and value == value.to_integral_value() and abs(value) >= 1_000_000:
        return False
    if isinstance(value, str) and _PHONE.match(value.strip()) and sum(ch.isdigit() for ch in value) >= 7:
        return False
    points = stated_points(value)
    return points is not None and points != 0


def stray_findings(strays: list[Stray], *, file: str, unit: str, sheet: str, material=counts,
                   fix_error: str, fix_warning: str) -> list[Finding]:
    """S010 (error) for strays `material` says could change a count, S011 (warning) for the rest;
    at most MAX_STRAY_FINDINGS, then one more naming how many are left and the worst level."""
    out = []
    for n, stray in enumerate(strays):
        error = material(stray.value)
        if n == MAX_STRAY_FINDINGS:
            rest = strays[n:]
            worst = Code.S010 if any(material(s.value) for s in rest) else Code.S011
            cells = "、".join(cell_ref(s.row, s.col) for s in rest[:5])
            out.append(finding(worst, file=file, unit=unit, sheet=sheet, cell=cell_ref(stray.row, stray.col),
                               where=f"另有 {len(rest)} 个单元格（{cells}……）",
                               value="……", fix=fix_error if worst == Code.S010 else fix_warning))
            break
        code = Code.S010 if error else Code.S011
        out.append(finding(code, file=file, unit=unit, sheet=sheet, cell=cell_ref(stray.row, stray.col),
                           where=stray.where, value=shown(stray.value),
                           fix=fix_error if error else fix_warning))
    return out


def shown(value) -> str:
    text = " ".join(cell_text(value).split())
    return text if len(text) <= SHOWN else text[:SHOWN] + "……"


def other_sheets(book: Book, main: Sheet, own: tuple[str, ...], *, file: str, unit: str, material=counts,
                 fix_error: str, fix_warning: str, help_sheet: str = "", help_text=None) -> list[Finding]:
    """Findings for what was typed outside the kind's own sheets.

    A sheet that repeats the main sheet (a copy, "打分表 (2)") is compared cell by cell with it:
    where it differs, its content was filled in the copy and is not read (S009, an error). Any
    other added sheet is strays. The help sheet (`help_sheet`) holds only the template's lines:
    `help_text(text)` says whether a line is one of them."""
    out: list[Finding] = []
    for name in book.sheet_names:
        if (name in own and name != help_sheet) or name == main.name:
            continue
        sheet = book.sheet(name)
        if sheet is None or not any(v != "" for row in sheet.rows for v in row):
            continue
        if name == help_sheet:
            cover = Coverage(sheet)
            for r, row in enumerate(sheet.rows):
                if row and isinstance(row[0], str) and help_text and help_text(row[0]):
                    cover.take(r, 0)
            out += stray_findings(cover.strays(lambda r, c: "“填表说明”工作表中"), file=file, unit=unit,
                                  sheet=name, material=material, fix_error=fix_error, fix_warning=fix_warning)
            continue
        differing = _differing(sheet, main)
        if differing is not None:  # a copy of the main sheet
            if differing:
                # Typed where the main sheet has nothing: filled in the copy (S009). Where the main sheet
                # has another value too, the copy is an earlier draft kept beside the form (S014).
                only_in_copy = any(main.value(r, c) == "" for r, c, _ in differing)
                cells = "、".join(cell_ref(r, c) for r, c, _ in differing[:5])
                first = differing[0]
                out.append(finding(Code.S009 if only_in_copy else Code.S014, file=file, unit=unit, sheet=name,
                                   cell=cell_ref(first[0], first[1]), name=name, main=main.name,
                                   count=len(differing), cells=cells + ("……" if len(differing) > 5 else "")))
            continue
        cover = Coverage(sheet)
        out += stray_findings(cover.strays(lambda r, c, n=name: f"工作表“{n}”中"), file=file, unit=unit,
                              sheet=name, material=material, fix_error=fix_error, fix_warning=fix_warning)
    return out


def _differing(sheet: Sheet, main: Sheet) -> list[tuple[int, int, object]] | None:
    """None when `sheet` is not a copy of `main` (fewer than half of its texts found at the same
    cells of main); else its non-blank cells whose value is not the one main has there."""
    values = [(r, c, v) for r, row in enumerate(sheet.rows) for c, v in enumerate(row)
              if v != "" and not (v.__class__ is str and not v.strip())]
    texts = [(r, c, v) for r, c, v in values if isinstance(v, str)]
    same_text = sum(1 for r, c, v in texts if squash(main.value(r, c)) == squash(v))
    if not texts or same_text * 2 < len(texts) or same_text < 3:
        return None
    return [(r, c, v) for r, c, v in values if not _same(main.value(r, c), v)]


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a == b
    return squash(a) == squash(b)



def help_line_test(lines):
    """Whether a text is a line of the template's 填表说明: as written, or numbered like one and
    stating no points (a line whose dates changed with the config is still the template's)."""
    expected = {squash(line) for line in lines}

    def test(text: str) -> bool:
        squashed = squash(text)
        return (squashed in expected or squashed.endswith("填表说明")
                or bool(_HELP_LINE.match(text) and not counts(text)))
    return test


def title_block(cover: Coverage, header_row: int, *, texts, labels, names: NameFinder, unit: str, add,
                kind: str, prefixes=()) -> None:
    """The rows above the header: take the template's texts and labels (a closing colon allowed);
    a text naming another unit than `unit` is M011 (the page and _meta disagree). Fill-in
    cells must be taken before this, so that what a person typed there is not read as the page."""
    sheet = cover.sheet
    texts = {squash(t) for t in texts}
    labels = {squash(t) for t in labels}
    prefixes = tuple(squash(p) for p in prefixes)
    for r in range(min(header_row, sheet.height)):
        for c, value in enumerate(sheet.rows[r]):
            if value == "" or (r, c) in cover.taken:
                continue
            text = squash(value)
            if text in texts:  # the template's own title: it names the unit _meta names
                cover.take(r, c)
                continue
            if text.rstrip(":：") in labels or (prefixes and text.startswith(prefixes)):
                cover.take(r, c)
            others = [n for n in names.find(text) if n != unit]
            if others:  # reported as the page naming another unit, not again as a stray
                cover.take(r, c)
                add(Code.M011, r, c, page=others[0], where=f"{cell_ref(r, c)}：“{shown(value)}”", meta=unit, kind=kind,
                    about=others[0])
