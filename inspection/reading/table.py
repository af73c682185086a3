"""Finding a form's parts on a returned sheet, the same way for every kind: its sheet, its header
row, and the dates written beside a label above the header."""

from datetime import date
import difflib

from inspection.findings import Code, Finding, finding
from inspection.intake.book import Book, Sheet
from inspection.reading.cells import cell_ref, labelled_cell, squash
from inspection.values import Window, cell_text, chinese_date, read_date

# The header is looked for this far down: a title, a few lines of labels, maybe rows inserted above.
HEADER_SEARCH_ROWS = 40


def missing_sheet(book: Book, name: str, file: str, unit: str) -> Finding:
    """S001 for a sheet that is not there, naming the closest sheet that is (a renamed one)."""
    close = difflib.get_close_matches(name, book.sheet_names, n=1, cutoff=0.3)
    hint = f"（是否改成了“{close[0]}”？）" if close else f"（现有：{'、'.join(book.sheet_names)}）"
    return finding(Code.S001, file=file, unit=unit, sheet=name, name=name, hint=hint)


def find_header(sheet: Sheet, labels: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    """The header row: among the first HEADER_SEARCH_ROWS rows, the first holding the most of
    `labels` (key → label, compared squashed); and key → column for the labels it holds."""
    want = {squash(label): key for key, label in labels.items()}
    best, best_cols = None, {}
    for r in range(min(sheet.height, HEADER_SEARCH_ROWS)):
        cols = {}
        for c, value in enumerate(sheet.rows[r]):
            key = want.get(squash(value)) if value != "" else None
            if key is not None and key not in cols:
                cols[key] = c
        if len(cols) > len(best_cols):
            best, best_cols = r, cols
            if len(cols) == len(want):
                break  # no later row can hold more
    return best, best_cols


def open_table(book: Book, name: str, labels: dict[str, str], required, file: str, unit: str,
               own: tuple[str, ...] = ()) -> tuple[Sheet | None, int | None, dict[str, int], list[Finding]]:
    """Sheet `name` of a form, its header row and key → column; with its findings: errors that stop
    its reading (S001 for a missing sheet, S002 for each required label the header lacks), or S013
    (a warning) when the sheet was renamed and is read by its content. A renamed sheet is the one
    sheet (besides the form's `own` others: 填表说明, _meta …) whose header holds every required label."""
    sheet = book.sheet(name)
    if sheet is None:
        sheet = _renamed(book, name, labels, required, own)
        if sheet is None:
            return None, None, {}, [missing_sheet(book, name, file, unit)]
        header_row, cols = find_header(sheet, labels)
        return sheet, header_row, cols, [finding(Code.S013, file=file, unit=unit, sheet=sheet.name, name=name,
                                                 renamed=sheet.name)]
    header_row, cols = find_header(sheet, labels)
    return sheet, header_row, cols, header_findings(sheet, header_row, cols, labels, required, file, unit)


def _renamed(book: Book, name: str, labels: dict[str, str], required, own) -> Sheet | None:
    """The one visible sheet that holds the form under another name (the tab renamed "淮滨县"), or None."""
    found = []
    for other in book.sheet_names:
        if other in own or other == name:
            continue
        sheet = book.sheet(other)
        if sheet is None or not sheet.visible:
            continue
        _, cols = find_header(sheet, labels)
        if all(key in cols for key in required):
            found.append(sheet)
    return found[0] if len(found) == 1 else None


def place_in_table(r: int, c: int, header_row: int, cols: dict[str, int], row_note: str = "") -> str:
    """Where a stray cell is, for a finding: above or in the header, beside the table, or in row r."""
    if r < header_row:
        return "表头上方"
    if r == header_row:
        return "表头行"
    if c not in cols.values():
        return f"第 {r + 1} 行的表格之外（第 {cell_ref(0, c).rstrip('1')} 列）"
    return f"第 {r + 1} 行{row_note}"


def header_findings(sheet: Sheet, header_row: int | None, cols: dict[str, int], labels: dict[str, str],
                    required, file: str, unit: str) -> list[Finding]:
    """S002 for each required label the header lacks, naming the closest text in that row."""
    out = []
    texts = [squash(v) for v in sheet.rows[header_row]] if header_row is not None else []
    for key in required:
        if key in cols:
            continue
        close = difflib.get_close_matches(squash(labels[key]), [t for t in texts if t], n=1, cutoff=0.4)
        hint = f"（是否改成了“{close[0]}”？）" if close else ""
        out.append(finding(Code.S002, file=file, unit=unit, sheet=sheet.name,
                           cell=cell_ref(header_row or 0, 0), label=labels[key], hint=hint))
    return out


def labelled_date(sheet: Sheet, label: str, before_row: int, window: Window,
                  problem, assumed=None) -> tuple[date | None, tuple[int, int] | None]:
    """The date in the cell beside `label` above the header, and that cell. When the cell is blank or
    does not read as a date, problem(row, col, raw, what) is called, `what` saying which in Chinese
    ("未填写" or "“八月中旬”无法识别"), so each kind reports it with its own code. A date typed
    without its year takes it from `window`; assumed(row, col, raw, day) is then called."""
    cell = labelled_cell(sheet, label, before_row)
    if cell is None:
        return None, None
    cell = sheet.anchor(*cell)
    raw = sheet.value(*cell)
    if raw == "":
        problem(*cell, raw, "未填写")
        return None, cell
    read = read_date(raw, window)
    if read.day is None:
        problem(*cell, raw, f"“{cell_text(raw)[:20]}”无法识别")
    elif read.assumed_year and assumed:
        assumed(*cell, raw, read.day)
    return read.day, cell


def year_assumed(add, what: str, window: Window):
    """The `assumed` callback of labelled_date for a kind's `add(code, row, col, **values)`: T005 at
    the cell, saying which year was taken and why."""
    return lambda r, c, raw, day: add(Code.T005, r, c, what=what, value=cell_text(raw)[:20], day=chinese_date(day),
                                      why=window.why)
