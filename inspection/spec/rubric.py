"""Rubrics as data: load a TOML rubric into frozen objects and check that it adds up.

Levels: parts → sections (考评项目) → items (考评细则, the unit that is scored) → criteria
(评分标准, one row of the scoring sheet). See rubrics/README.md for the file format.
"""

from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from pathlib import Path
from inspection.errors import RubricError
from inspection.spec.toml_file import load_toml, to_decimal
from inspection.values import plain_number

PER_FINDING_UNITS = ("家", "次", "人", "处", "个", "项")


@dataclass(frozen=True)
class DeductionRule:
    """One deduction clause of a criterion: a fixed amount, or an amount per finding."""

    amount: Decimal
    per: str | None = None  # 家/次/人/处/个/项 when the amount is per finding


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str  # official number without brackets, e.g. "7"; may repeat (the two "48")
    text: str
    deductions: tuple[DeductionRule, ...]
    not_applicable: bool = False  # the text says 不涉及的不扣分
    item_id: str = ""

    @cached_property  # read for every criterion of every returned file
    def display_label(self) -> str:
        """How the scoring sheet prints the label: "(7)"."""
        return f"({self.label})"

    @cached_property
    def per_finding_step(self) -> Decimal | None:
        """The amount per finding when every clause is per finding with one amount, else None."""
        amounts = {d.amount for d in self.deductions if d.per}
        if len(amounts) == 1 and all(d.per for d in self.deductions):
            return amounts.pop()
        return None


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    text: str
    points: Decimal
    criteria: tuple[Criterion, ...]
    section_id: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    label: str
    title: str
    points: Decimal
    items: tuple[Item, ...]
    part_id: str = ""


@dataclass(frozen=True)
class Part:
    id: str
    label: str
    title: str
    note: str
    points: Decimal | None
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Rubric:
    id: str
    version: str
    name: str
    title: str
    annex: str
    source: str
    subtitle: str
    total: Decimal
    labels: dict = field(default_factory=dict)  # section/item/criterion → header label
    parts: tuple[Part, ...] = ()
    path: str = ""

    @property
    def sections(self) -> list[Section]:
        return [s for p in self.parts for s in p.sections]

    @property
    def items(self) -> list[Item]:
        return [i for s in self.sections for i in s.items]

    @property
    def criteria(self) -> list[Criterion]:
        return [c for i in self.items for c in i.criteria]

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)


# What is wrong, after the place ("（三）1. 第 (5) 条：…"); sums name the level below by the file's labels.
DEDUCTION_ABOVE = "扣分 {amount} 超过该细则分值 {points}"
SECTION_SUM = "分值 {points}，其下细则合计 {got}"
PART_SUM = "分值 {points}，其下{level}合计 {got}"
TOTAL_SUM = "总分 {points}，各{level}合计 {got}"
DUPLICATE_ID = "id “{id}” 与{other}重复，每个 id 在文件内必须唯一"
LEVEL_NAMES = {"section": "考评项目", "item": "考评细则", "criterion": "评分标准"}  # when [rubric.labels] lacks one
AFTER = 10**6  # order key: after every child
TABLES = {"parts": "[[parts]]", "sections": "[[parts.sections]]", "items": "[[parts.sections.items]]",
          "criteria": "[[parts.sections.items.criteria]]"}


@dataclass(frozen=True)
class _Place:
    """Where a problem is, as a person reads the annex ("（三）1. 第 (5) 条"), and an order key so
    the problems are listed from the top of the file down."""

    text: str
    order: tuple[int, ...] = ()

    @property
    def sums(self) -> "_Place":
        """The same place, ordered after everything under it: a sum is checked once its parts are."""
        return _Place(self.text, (*self.order, AFTER))


def _join(*pieces: str) -> str:
    """Labels side by side as the annex prints them: "二、县区政府层面（十四）", "（三）1. 第 (5) 条"."""
    out = ""
    for piece in filter(None, pieces):
        tight = not out or out[-1] in "）、" or piece[0] == "（"
        out += piece if tight else f" {piece}"
    return out


def _raw(data: dict, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _shown(value) -> str:
    """A value from the file as the clerk typed it: 1.0 → "1", text in quotes."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return plain_number(Decimal(value))
    if isinstance(value, str):
        return f"“{value}”"
    return str(value).lower() if isinstance(value, bool) else str(value)


class _Reader:
    """Walks the parsed TOML, naming every problem by the labels of its place."""

    def __init__(self):
        self.problems: list[tuple[tuple[int, ...], str]] = []
        self.names = dict(LEVEL_NAMES)  # what the file calls a section, item, criterion
        self.ids: list[tuple[str, _Place]] = []

    def problem(self, place: _Place, message: str, key: str = "") -> None:
        tail = place.text[-1:]
        where = f"{place.text}{' ' if tail.isascii() and tail.isalnum() else ''}的 {key}" if key else place.text
        self.problems.append((place.order, f"{where}：{message}" if where else message))

    def listed(self) -> list[str]:
        return [text for _, text in sorted(self.problems, key=lambda p: p[0])]

    def text(self, table: dict, key: str, place: _Place, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(place, "缺少此项", key)
            return ""
        if not isinstance(value, str):
            self.problem(place, f"应为文字（加英文引号），现为 {_shown(value)}", key)
            return ""
        if required and not value.strip():
            self.problem(place, "不能为空", key)
        return value.strip()

    def points(self, table: dict, key: str, place: _Place, *, required: bool = True,
               noun: str = "分值") -> Decimal | None:
        if key not in table:
            if required:
                self.problem(place, f"缺少{noun}", key)
            return None
        value = to_decimal(table[key])
        if value is None or not value.is_finite() or value <= 0:
            self.problem(place, f"{noun}应为正数，现为 {_shown(table[key])}", key)
            return None
        return value

    def tables(self, table: dict, key: str, place: _Place) -> list[dict]:
        value = table.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.problem(place, f"{'下面' if place.text else ''}没有 {TABLES[key]}，至少要有一个")
            return []
        return value

    def named(self, node_id: str, place: _Place) -> None:
        """Remember an id and where it is, to name both places of a duplicate."""
        if node_id:
            self.ids.append((node_id, place))


def load_rubric(path: str | Path) -> Rubric:
    """Load and check a rubric file. Raises RubricError listing every problem, each named by the
    labels of its place ("（三）1. 第 (5) 条：扣分 1 超过该细则分值 0.5")."""
    path = Path(path)
    try:
        data = load_toml(path, RubricError, "考评细则文件")
    except FileNotFoundError as err:
        raise RubricError(f"找不到考评细则文件：{path}") from err
    except OSError as err:
        raise RubricError(f"考评细则文件无法读取：{path.name}：{err.strerror or err}") from err
    return rubric_from_data(data, f"考评细则文件 {path.name}", str(path))


def rubric_from_data(data: dict, source: str, path: str = "") -> Rubric:
    """Check a rubric given as the dict a rubric TOML file parses to (numbers as int or Decimal)
    and build it. `source` names where it came from in messages ("考评细则文件 x.toml");
    `path` is kept on the Rubric. Raises RubricError listing every problem, as load_rubric does."""
    r = _Reader()
    head = data.get("rubric")
    if not isinstance(head, dict):
        raise RubricError.listing(source, ["缺少 [rubric] 表"])
    top, at_labels = _Place("[rubric]"), _Place("[rubric.labels]")
    labels = head.get("labels") if isinstance(head.get("labels"), dict) else {}
    for level in ("section", "item", "criterion"):
        if r.text(labels, level, at_labels):
            r.names[level] = labels[level].strip()

    parts = tuple(_part(r, p, n) for n, p in enumerate(r.tables(data, "parts", _Place("")), start=1))
    rubric = Rubric(
        id=r.text(head, "id", top),
        version=str(head.get("version", "")).strip() or r.text(head, "version", top),
        name=r.text(head, "name", top),
        title=r.text(head, "title", top),
        annex=r.text(head, "annex", top, required=False),
        source=r.text(head, "source", top, required=False),
        subtitle=r.text(head, "subtitle", top, required=False),
        total=r.points(head, "total", top) or Decimal(0),
        labels={k: str(labels.get(k, "")).strip() for k in ("section", "item", "criterion")},
        parts=parts,
        path=path,
    )
    got = sum((s.points for s in rubric.sections), Decimal(0))
    if rubric.total and parts and got != rubric.total:
        r.problem(top.sums, TOTAL_SUM.format(points=plain_number(rubric.total), level=r.names["section"],
                                             got=plain_number(got)), "total")
    _check_ids(r)
    if r.problems:
        raise RubricError.listing(source, r.listed())
    return rubric


def _part(r: _Reader, data: dict, n: int) -> Part:
    name = _join(_raw(data, "label"), _raw(data, "title")) or _fallback(data, "部分", f"第 {n} 部分")
    place = _Place(name, (n,))
    pid = r.text(data, "id", place)
    r.named(pid, place)
    sections = tuple(_section(r, s, name, (n, sn), pid) for sn, s in
                     enumerate(r.tables(data, "sections", place), start=1))
    part = Part(
        id=pid,
        label=r.text(data, "label", place, required=False),
        title=r.text(data, "title", place),
        note=r.text(data, "note", place, required=False),
        points=r.points(data, "points", place, required=False),
        sections=sections,
    )
    got = sum((s.points for s in sections), Decimal(0))
    if part.points is not None and sections and got != part.points:
        r.problem(place.sums, PART_SUM.format(points=plain_number(part.points), level=r.names["section"],
                                              got=plain_number(got)))
    return part


def _section(r: _Reader, data: dict, part_name: str, order: tuple[int, ...], part_id: str) -> Section:
    level = r.names["section"]
    name = _raw(data, "label") or _raw(data, "title") or _fallback(data, level, f"第 {order[-1]} 个{level}")
    place = _Place(_join(part_name, name), order)
    sid = r.text(data, "id", place)
    r.named(sid, place)
    items = tuple(_item(r, i, name, (*order, n), sid) for n, i in
                  enumerate(r.tables(data, "items", place), start=1))
    section = Section(
        id=sid,
        label=r.text(data, "label", place, required=False),
        title=r.text(data, "title", place),
        points=r.points(data, "points", place) or Decimal(0),
        items=items,
        part_id=part_id,
    )
    got = sum((i.points for i in items), Decimal(0))
    if section.points and items and got != section.points:
        r.problem(place.sums, SECTION_SUM.format(points=plain_number(section.points), got=plain_number(got)))
    return section


def _item(r: _Reader, data: dict, section_name: str, order: tuple[int, ...], section_id: str) -> Item:
    level = r.names["item"]
    name = _raw(data, "label") or _fallback(data, level, f"第 {order[-1]} 项{level}")
    place = _Place(_join(section_name, name), order)
    iid = r.text(data, "id", place)
    r.named(iid, place)
    points = r.points(data, "points", place) or Decimal(0)
    # A criterion is named by its own label; the item's is added when it has one (许昌's do not all).
    item_name = name if _raw(data, "label") else ""
    criteria = tuple(_criterion(r, c, _join(section_name, item_name), name, (*order, n), iid, points)
                     for n, c in enumerate(r.tables(data, "criteria", place), start=1))
    return Item(
        id=iid,
        label=r.text(data, "label", place, required=False),
        text=r.text(data, "text", place),
        points=points,
        criteria=criteria,
        section_id=section_id,
    )


def _criterion(r: _Reader, data: dict, within: str, item_name: str, order: tuple[int, ...],
               item_id: str, item_points: Decimal) -> Criterion:
    level = r.names["criterion"]
    label = _raw(data, "label")
    if label:
        place = _Place(_join(within, f"第 ({label}) 条"), order)
    else:
        place = _Place(_join(within or item_name, _fallback(data, level, f"第 {order[-1]} 条{level}")), order)
    cid = r.text(data, "id", place)
    r.named(cid, place)
    deductions = []
    raw = data.get("deductions")
    if not isinstance(raw, list) or not raw:
        r.problem(place, "应列出至少一种扣分情形，如 [{ amount = 1 }]", "deductions")
        raw = []
    for n, clause in enumerate(raw, start=1):
        if not isinstance(clause, dict):
            r.problem(place, f"第 {n} 种扣分情形应写作 {{ amount = 数字 }} 或 {{ amount = 数字, per = \"家\" }}",
                      "deductions")
            continue
        amount = r.points(clause, "amount", place, noun="扣分")
        per = clause.get("per")
        if per is not None and per not in PER_FINDING_UNITS:
            r.problem(place, f"单位应为 {'、'.join(PER_FINDING_UNITS)} 之一，现为 {_shown(per)}", "per")
        if amount is not None and item_points and amount > item_points:
            r.problem(place, DEDUCTION_ABOVE.format(amount=plain_number(amount), points=plain_number(item_points)))
        if amount is not None:
            deductions.append(DeductionRule(amount=amount, per=per))
    na = data.get("not_applicable", False)
    if not isinstance(na, bool):
        r.problem(place, "应为 true 或 false", "not_applicable")
        na = False
    return Criterion(
        id=cid,
        label=r.text(data, "label", place),
        text=r.text(data, "text", place),
        deductions=tuple(deductions),
        not_applicable=na,
        item_id=item_id,
    )


def _fallback(data: dict, level: str, position: str) -> str:
    """A node without a label: named by its id ("评分标准 c05"), else by its position."""
    node_id = _raw(data, "id")
    return f"{level} {node_id}" if node_id else position


def _check_ids(r: _Reader) -> None:
    """Every id is unique across all levels (they are keys in _meta and the archive)."""
    first: dict[str, _Place] = {}
    for node_id, place in r.ids:
        if node_id in first:
            r.problem(place, DUPLICATE_ID.format(id=node_id, other=first[node_id].text))
        else:
            first[node_id] = place
