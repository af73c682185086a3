"""What reading a pasted rubric table works with: its units (a part heading, a section, an item or a
criterion, where it sits in the sheet), the problems found, and the catalog of their messages."""

from dataclasses import dataclass, field
from decimal import Decimal

from inspection.findings import ERROR, WARNING
from inspection.intake.book import column_letters
from inspection.spec.rubric import DEDUCTION_ABOVE, PART_SUM, SECTION_SUM, TOTAL_SUM
from inspection.setup.rubric_text import split_heading, split_label, split_points

SHEET = "考评细则"
POINTS_HEADER = "分值"
LEVELS = ("part", "section", "item", "criterion")
PARENT = dict(zip(LEVELS[1:], LEVELS))
DEFAULT_NAMES = {"part": "部分", "section": "考评项目", "item": "考评细则", "criterion": "评分标准"}
IMPLICIT_PART = "考评内容"  # the title of the one part of a table without part headings

# The catalog: what is wrong at a cell, and the fix. {place} names the unit as the annex does ("（十四）").
NO_HEADER = ("找不到表头：表格上方应有一行列名，如 考评项目、考评细则、评分标准、分值"
             "（也认 项目/类别/指标、细则/考评内容、扣分标准/考评标准、分数/标准分），请把附件表格连同表头一起粘贴")
NO_CRITERIA_AT_ALL = "表头下面没有读出任何{criterion}，请把附件表格的内容粘贴在表头下面"
UNKNOWN_COLUMN = ("表头“{name}”不认识，这一列没有读取；如果它是考评内容，"
                  "请把表头改为 考评项目、考评细则、评分标准 或 分值")
NOT_READ = "“{text}”不是考评内容，没有读取"
SUM_SECTION = "{place}" + SECTION_SUM + "（{terms}），请改正这一格写的分值，或核对其下各细则的分值"
SUM_PART = "{place}" + PART_SUM + "（{terms}），请改正这一格写的分值，或核对其下各{level}的分值"
SUM_TOTAL = TOTAL_SUM + "，请核对总分或各{level}的分值"
SUM_TABLE = "合计 {points}，各{level}合计 {got}，请核对这一格或各{level}的分值"
ABOVE_ITEM = "{place}：" + DEDUCTION_ABOVE + "，请核对这一格的扣分或该{item}的分值"
NO_POINTS = "{place}：没有分值，请在“{column}”列填写，或在条文末尾写明如“（3分）”"
POINTS_DISAGREE = "{place}：条文写“（{text}分）”，“{column}”列是 {cell}，两者不一致，请改正其一"
POINTS_TWICE = "{place}：分值 {value} 与这条{level}上面一行的 {first} 不一致，一条{level}只有一个分值，请改正"
BAD_POINTS = "分值“{value}”不是数字，请填写如 2 或 0.5"
ZERO_POINTS = "{place}：分值为 0，每条{level}的分值应大于 0，请改正"
NO_TEXT = "{place}：只有编号，没有文字，请补上"
NO_PARENT = "这一行有{level}，但它所属的{parent}是空的，请在这一格填写{parent}（或与上面合并）"
NO_CHILDREN = "{place}下面没有{child}，请补上，或删去这一行"
MANY_IN_CELL = ("一格里有 {count} 条{level}（{labels}），同一行的{child}无法分到各条，"
                "请把每条{level}和它的{child}分别放在各自的行")
DUPLICATE_LABEL = "{place}与 {other} 的编号相同：两条都已读入（id 分别为 {first_id}、{id}）；如是笔误，请改正编号"


@dataclass(frozen=True)
class Problem:
    """One problem in the pasted table: the cell ("C31"; "" when it is no one cell, as for the total),
    错误 or 警告, and the message, which starts with the sheet and cell ("考评细则!C31：……") and says
    the fix."""

    cell: str
    level: str
    message: str


def cell_name(order: tuple[int, int]) -> str:
    """(excel row, 0-based column) → "C31"; row 0 is no cell."""
    return f"{column_letters(order[1])}{order[0]}" if order[0] else ""


class Problems:
    """The problems found, listed errors first, then by their place in the sheet."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.found: list[tuple[int, tuple[int, int], Problem]] = []

    def add(self, level: str, order: tuple[int, int], message: str) -> None:
        cell = cell_name(order)
        where = f"{self.sheet}!{cell}" if cell else self.sheet
        self.found.append((0 if level == ERROR else 1, order, Problem(cell, level, f"{where}：{message}")))

    def error(self, order: tuple[int, int], message: str) -> None:
        self.add(ERROR, order, message)

    def warning(self, order: tuple[int, int], message: str) -> None:
        self.add(WARNING, order, message)

    @property
    def count(self) -> int:
        return len(self.found)

    def listed(self) -> list[Problem]:
        return [p for _, _, p in sorted(self.found, key=lambda t: (t[0], t[1]))]


@dataclass
class Unit:
    """A part heading, section, item or criterion as read from the table: its cell text (`raw`, a
    paragraph spread over the next row by the paste joined on) and what it says."""

    level: str
    raw: str
    order: tuple[int, int]  # (excel row, column) of its first cell
    label: str = ""
    text: str = ""  # a part's or section's title, an item's or criterion's text
    note: str = ""
    printed: Decimal | None = None  # points written in its own text, "（3分）"
    column: Decimal | None = None  # points from the 分值 column
    column_order: tuple[int, int] = (0, 0)
    children: list["Unit"] = field(default_factory=list)
    unsure: bool = False  # its points cannot be trusted (already reported): sums above it wait

    def __post_init__(self):
        self.derive()

    @property
    def cell(self) -> str:
        return cell_name(self.order)

    def derive(self) -> None:
        if not self.raw:
            return
        self.label, rest = split_label(self.level, self.raw)
        if self.level == "part":
            self.text, self.printed, self.note = split_heading(rest)
            self.text = self.text.rstrip("。.")
        elif self.level == "section":
            text, self.printed = split_points(rest)
            self.text = text.rstrip("。. ")
        elif self.level == "item":
            self.text, self.printed = split_points(rest)
        else:
            self.text = rest

    def extend(self, text: str) -> None:
        self.raw += text
        self.derive()

    @property
    def points(self) -> Decimal | None:
        return self.column if self.column is not None else self.printed

    @property
    def points_order(self) -> tuple[int, int]:
        """Where its points are written: the 分值 cell, else its own cell."""
        return self.column_order if self.column is not None else self.order


def place(unit: Unit, names: dict[str, str]) -> str:
    """A unit as the annex names it: "一、企业层面", "（十四）", "考评细则 3.", "（5）", else the start of
    its text in quotes."""
    if unit.level == "part":
        return f"{unit.label}{unit.text}"
    if unit.level == "item" and unit.label:
        return f"{names['item']} {unit.label}"
    if unit.level == "criterion" and unit.label:
        return f"（{unit.label}）"
    return unit.label or (f"“{unit.text[:16]}”" if unit.text else names[unit.level])
