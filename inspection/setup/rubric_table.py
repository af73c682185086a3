"""The rubric as the annex's table: parse the table a clerk pastes from the Word notice into the
考评细则 sheet, and write a rubric back as that table.

Understood layouts (columns found by their header words, see rubric_columns.py; extra columns such as
完成情况, 得分, 扣分及原因, 备注 are left alone; title rows above the header are skipped):
- one row per criterion, with the section, item and 分值 cells merged over their rows as a paste from
  Word makes them (the value in the top cell only), or repeated on every row, or left blank below;
- a cell holding several criteria, each starting a line with its label ("(1)……\n(2)……");
- part headings as rows of their own ("一、企业层面（每个县区抽查……）"), or in a column of their own (指标);
  a section heading may also be a row of its own;
- a cell of several lines is one text (lines joined); a Word cell of several paragraphs that the paste
  spread over several rows is joined back: a row without a criterion continues the cells above it, and
  an unnumbered line under a numbered criterion continues it, unless it starts with a label of its own;
- labels 一、 （一） 1. 1、 1． (1) （1） where present; without them, a new value in a column starts a new
  unit, and criteria are numbered 1, 2, 3 … through the whole table;
- a table without a criterion column (项目 → 细则 → 分值): each item is its own criterion;
- points from the 分值 column or from "（3分）" at the end of the text; a section's or part's from its
  "（N分）", else the sum of what is under it; a 合计 row is checked against the sum;
- deductions read from each criterion's words (rubric_text.py).
Every problem is a Problem with its cell and a Chinese message that says the fix; errors first.
"""

from decimal import Decimal
import re

from inspection.intake.book import Sheet
from inspection.reading.cells import squash
from inspection.spec.rubric import Rubric
from inspection.setup.rubric_build import build_rubric
from inspection.setup.rubric_columns import Columns, find_columns
from inspection.setup.rubric_text import (
    PART_LABEL, cell_pieces, cell_text, points_cell, split_heading, split_label, split_points,
)
from inspection.setup.rubric_entries import (
    BAD_POINTS, DEFAULT_NAMES, IMPLICIT_PART, LEVELS, MANY_IN_CELL, NO_HEADER, NO_PARENT, NOT_READ, PARENT,
    POINTS_HEADER, POINTS_TWICE, SHEET, UNKNOWN_COLUMN, Problem, Problems, Unit, place,
)
from inspection.values import plain_number
from inspection.kinds.scoring.template import part_heading, section_text

_TOTAL = re.compile(r"^(?:合计|总计|总分|总得分|得分合计|满分)")
_NOT_CONTENT = re.compile(r"^(?:注|说明|备注|附注)\s*[0-9一:：.、]|签字|签名|盖章")


class _Reader:
    """Reads the rows under the header into a tree of units, keeping the unit now open at each level."""

    def __init__(self, columns: Columns, problems: Problems):
        self.cols = columns
        self.problems = problems
        self.names = {**DEFAULT_NAMES, **columns.names}
        self.parts: list[Unit] = []
        self.current: dict[str, Unit | None] = dict.fromkeys(LEVELS)
        self.total: tuple[Decimal, tuple[int, int]] | None = None  # a 合计 row's points

    def row(self, rownum: int, values: list) -> None:
        present = self.cols.present
        filled = [(c, cell_text(v)) for c, v in enumerate(values) if cell_text(v)]
        level_texts = [squash(self.at(values, self.cols.levels[lv])) for lv in present]
        if not filled or level_texts == [squash(self.names[lv]) for lv in present]:
            return  # empty, or the header again, as each page of the annex repeats it
        if len(filled) > 1 and len({text for _, text in filled}) == 1:
            # a heading merged across the row, unmerged with its text filled into every cell
            filled = filled[:1]
            values = [v if c == filled[0][0] else "" for c, v in enumerate(values)]
        if not self.special(rownum, values, filled):
            self.units(rownum, values)

    @staticmethod
    def at(values: list, col: int | None):
        return values[col] if col is not None and col < len(values) else ""

    def special(self, rownum: int, values: list, filled: list[tuple[int, str]]) -> bool:
        """A part heading row, a 合计 row, or a note or signature line under the table."""
        first_col = self.cols.levels[self.cols.present[0]]
        if len(filled) == 1 and filled[0][0] <= first_col:
            col, text = filled[0]
            if "part" not in self.cols.levels and PART_LABEL.match(text):
                self.start("part", text, (rownum, col))
                return True
            if _NOT_CONTENT.search(squash(text)) and not any(split_label(lv, text)[0] for lv in LEVELS):
                self.problems.warning((rownum, col), NOT_READ.format(text=text[:30]))
                return True
        if _TOTAL.match(squash(self.at(values, first_col))):
            text = cell_text(self.at(values, self.cols.points)) or cell_text(self.at(values, first_col))
            points = points_cell(text)
            if points is None:
                points = split_points(text)[1] or split_heading(text)[1]
            self.total = (points, (rownum, first_col)) if points is not None else None
            return True
        return False

    def units(self, rownum: int, values: list) -> None:
        """A row of the table: at each level, the unit it starts, continues, or leaves as it was."""
        present, lowest = self.cols.present, self.cols.lowest
        pieces = cell_pieces(self.at(values, self.cols.levels[lowest]), lowest)
        crowded = [level for level in present[:-1] if self.crowded(rownum, values, level)]
        has_lowest = bool(pieces and pieces[0])
        texts = {lv: pieces[0] if lv == lowest and has_lowest else cell_text(self.at(values, self.cols.levels[lv]))
                 for lv in present}
        above = self.current[lowest]
        # the numbered criterion above goes on in this row: a paragraph of its cell (and of the cells
        # beside it), spread over a row of its own by the paste
        goes_on = has_lowest and above is not None and bool(above.label) and not any(
            split_label(lv, t)[0] for lv, t in texts.items() if t)
        started = None
        for level in present:
            order = (rownum, self.cols.levels[level])
            text, unit = texts[level], self.current[level]
            if started:  # a unit above starts here: so does one at every level below
                if text or has_lowest:
                    if not text:
                        self.problems.error(order, NO_PARENT.format(level=self.names[lowest],
                                                                    parent=self.names[level]))
                    self.start(level, text, order)
            elif not text:
                if unit is None and has_lowest and level != "part":
                    self.problems.error(order, NO_PARENT.format(level=self.names[lowest], parent=self.names[level]))
                    self.start(level, "", order)
                    started = level
            elif level != lowest and unit is not None and text == unit.raw:
                pass  # repeated on every row
            elif unit is not None and not split_label(level, text)[0] and (goes_on or not has_lowest):
                unit.extend(text)  # a paragraph of the cell above, spread over a row of its own by the paste
            else:
                self.start(level, text, order)
                started = level
        for text in pieces[1:]:
            self.start(lowest, text, (rownum, self.cols.levels[lowest]))
        for level in crowded:
            if self.current[level] is not None:
                self.current[level].unsure = True
        points = self.at(values, self.cols.points)
        target = self.current["item" if has_lowest or not started else started]
        if cell_text(points) and target is not None:
            self.column_points(target, points, (rownum, self.cols.points))

    def crowded(self, rownum: int, values: list, level: str) -> bool:
        """A cell of `level` holding several units: which criteria are whose cannot be told."""
        many = cell_pieces(self.at(values, self.cols.levels[level]), level)
        if len(many) > 1:
            self.problems.error((rownum, self.cols.levels[level]), MANY_IN_CELL.format(
                count=len(many), level=self.names[level], child=self.names[self.cols.lowest],
                labels="、".join(split_label(level, p)[0] for p in many)))
        return len(many) > 1

    def start(self, level: str, text: str, order: tuple[int, int]) -> None:
        unit = Unit(level, text, order)
        if level == "part":
            self.parts.append(unit)
        else:
            parent = self.current[PARENT[level]]
            if parent is None and level == "section":
                parent = self.current["part"] = Unit("part", "", (0, 0), text=IMPLICIT_PART)
                self.parts.append(parent)
            if parent is not None:
                parent.children.append(unit)
        self.current[level] = unit
        for lower in LEVELS[LEVELS.index(level) + 1:]:
            self.current[lower] = None

    def column_points(self, unit: Unit, value, order: tuple[int, int]) -> None:
        points = points_cell(value)
        if points is None:
            self.problems.error(order, BAD_POINTS.format(value=cell_text(value)))
        elif unit.column is None:
            unit.column, unit.column_order = points, order
        elif points != unit.column:
            self.problems.error(order, POINTS_TWICE.format(
                place=place(unit, self.names), value=plain_number(points), level=self.names[unit.level],
                first=plain_number(unit.column)))


def parse_rubric_table(rows: list[tuple[int, list]], *, header: dict,
                       sheet: str = SHEET) -> tuple[dict, list[Problem]]:
    """The rubric in a pasted annex table. `rows` are (excel row number, cell values) as read from the
    sheet (str, Decimal, "" for empty; a merged range's value in its top-left cell only). `header`
    holds the [rubric] keys from elsewhere (id, version, name, title, annex, source, subtitle, total,
    labels); a total of None becomes the sum, and labels not given are the table's column names.
    Returns the dict a rubric TOML file parses to (for inspection.spec.rubric.rubric_from_data) and every
    problem found, errors first, each with its cell and a message that says the fix."""
    problems = Problems(sheet)
    columns = find_columns([values for _, values in rows])
    if columns.header_index < 0:
        problems.error((0, 0), NO_HEADER)
        return {"rubric": dict(header), "parts": []}, problems.listed()
    header_row, header_values = rows[columns.header_index]
    body = rows[columns.header_index + 1:]
    for col, name in columns.unknown.items():
        if any(col < len(values) and cell_text(values[col]) for _, values in body):
            problems.warning((header_row, col), UNKNOWN_COLUMN.format(name=name))
    reader = _Reader(columns, problems)
    for rownum, values in body:
        reader.row(rownum, values)
    points_name = cell_text(header_values[columns.points]) if columns.points is not None else POINTS_HEADER
    data = build_rubric(reader.parts, header, columns, reader.total, points_name, problems)
    return data, problems.listed()


def sheet_rows(sheet: Sheet) -> list[tuple[int, list]]:
    """A sheet read by inspection.intake.book as parse_rubric_table takes it."""
    return [(n, row) for n, row in enumerate(sheet.rows, start=1)]


# --- writing: the rubric as the table a clerk sees in the annex ---
def _headed(rubric: Rubric) -> bool:
    """Part headings are written unless the rubric is one part without a label (a table without them)."""
    return len(rubric.parts) != 1 or bool(rubric.parts[0].label)


def rubric_rows(rubric: Rubric) -> list[list[str | Decimal]]:
    """The rubric as the annex's table: a header row (the rubric's own names for its levels, then 分值),
    a row for each part heading, and one row per criterion. The section, item and 分值 are written on
    the first row of their span and left blank below, which is how a paste from Word reads once its
    merged cells are read; rubric_spans() gives the ranges to merge."""
    names = {**DEFAULT_NAMES, **{k: v for k, v in rubric.labels.items() if v}}
    rows: list[list[str | Decimal]] = [[names["section"], names["item"], names["criterion"], POINTS_HEADER]]
    for part in rubric.parts:
        if _headed(rubric):
            rows.append([part_heading(part), "", "", ""])
        for section in part.sections:
            for i, item in enumerate(section.items):
                for c, criterion in enumerate(item.criteria):
                    rows.append([section_text(section) if i == 0 and c == 0 else "",
                                 f"{item.label}{item.text}" if c == 0 else "",
                                 f"{criterion.display_label}{criterion.text}",
                                 item.points if c == 0 else ""])
    return rows


def rubric_spans(rubric: Rubric) -> list[tuple[int, int, int, int]]:
    """The merged ranges of rubric_rows(rubric) as (first_row, first_col, last_row, last_col), 0-based
    indexes into those rows: each part heading across the table, each section, item and 分值 down its
    rows. Single cells are left out."""
    spans: list[tuple[int, int, int, int]] = []
    row = 1
    for part in rubric.parts:
        if _headed(rubric):
            spans.append((row, 0, row, 3))
            row += 1
        for section in part.sections:
            first = row
            for item in section.items:
                last = row + len(item.criteria) - 1
                if last > row:
                    spans += [(row, 1, last, 1), (row, 3, last, 3)]
                row = last + 1
            if row - 1 > first:
                spans.append((first, 0, row - 1, 0))
    return spans
