"""Rubrics as data: load a TOML rubric into frozen objects and check that it adds up.

Levels: parts → sections (考评项目) → items (考评细则, the unit that is scored) → criteria
(评分标准, one row of the scoring sheet). See rubrics/README.md for the file format.
"""

from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from pathlib import Path

from inspection.errors import RubricError
from inspection.tomlfile import load_toml, to_decimal

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


class _Reader:
    """Walks the parsed TOML, remembering the key path so every problem names its place."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.path.name}：{key}：{message}")

    def text(self, table: dict, key: str, where: str, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "缺少此项")
            return ""
        if not isinstance(value, str):
            self.problem(f"{where}.{key}", "应为文字")
            return ""
        if required and not value.strip():
            self.problem(f"{where}.{key}", "不能为空")
        return value.strip()

    def points(self, table: dict, key: str, where: str, *, required: bool = True) -> Decimal | None:
        if key not in table:
            if required:
                self.problem(f"{where}.{key}", "缺少分值")
            return None
        value = to_decimal(table[key])
        if value is None or value <= 0:
            self.problem(f"{where}.{key}", f"分值应为正数，现为 {table[key]!r}")
            return None
        return value

    def tables(self, table: dict, key: str, where: str) -> list[dict]:
        value = table.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.problem(f"{where}.{key}", "应为非空的表数组（[[...]]）")
            return []
        return value


def load_rubric(path: str | Path) -> Rubric:
    """Load and check a rubric file. Raises RubricError naming the file and key of the problem."""
    path = Path(path)
    try:
        data = load_toml(path, RubricError, "考评细则文件")
    except FileNotFoundError as err:
        raise RubricError(f"找不到考评细则文件：{path}") from err
    except OSError as err:
        raise RubricError(f"考评细则文件无法读取：{path.name}：{err.strerror or err}") from err

    r = _Reader(path)
    head = data.get("rubric")
    if not isinstance(head, dict):
        raise RubricError(f"{path.name}：缺少 [rubric] 表")
    labels = head.get("labels") if isinstance(head.get("labels"), dict) else {}
    for level in ("section", "item", "criterion"):
        r.text(labels, level, "rubric.labels")

    parts = tuple(_part(r, p, f"parts[{n}]") for n, p in enumerate(r.tables(data, "parts", "")))
    rubric = Rubric(
        id=r.text(head, "id", "rubric"),
        version=str(head.get("version", "")).strip() or r.text(head, "version", "rubric"),
        name=r.text(head, "name", "rubric"),
        title=r.text(head, "title", "rubric"),
        annex=r.text(head, "annex", "rubric", required=False),
        source=r.text(head, "source", "rubric", required=False),
        subtitle=r.text(head, "subtitle", "rubric", required=False),
        total=r.points(head, "total", "rubric") or Decimal(0),
        labels={k: str(labels.get(k, "")).strip() for k in ("section", "item", "criterion")},
        parts=parts,
        path=str(path),
    )
    _check_sums(r, rubric)
    _check_ids(r, rubric)
    if r.problems:
        more = f"（另有 {len(r.problems) - 1} 处问题）" if len(r.problems) > 1 else ""
        err = RubricError(r.problems[0] + more)
        err.problems = list(r.problems)
        raise err
    return rubric


def _part(r: _Reader, data: dict, where: str) -> Part:
    pid = r.text(data, "id", where)
    sections = tuple(
        _section(r, s, f"{where}.sections[{n}]", pid)
        for n, s in enumerate(r.tables(data, "sections", where))
    )
    return Part(
        id=pid,
        label=r.text(data, "label", where, required=False),
        title=r.text(data, "title", where),
        note=r.text(data, "note", where, required=False),
        points=r.points(data, "points", where, required=False),
        sections=sections,
    )


def _section(r: _Reader, data: dict, where: str, part_id: str) -> Section:
    sid = r.text(data, "id", where)
    items = tuple(
        _item(r, i, f"{where}.items[{n}]", sid)
        for n, i in enumerate(r.tables(data, "items", where))
    )
    return Section(
        id=sid,
        label=r.text(data, "label", where, required=False),
        title=r.text(data, "title", where),
        points=r.points(data, "points", where) or Decimal(0),
        items=items,
        part_id=part_id,
    )


def _item(r: _Reader, data: dict, where: str, section_id: str) -> Item:
    iid = r.text(data, "id", where)
    points = r.points(data, "points", where) or Decimal(0)
    criteria = tuple(
        _criterion(r, c, f"{where}.criteria[{n}]", iid, points)
        for n, c in enumerate(r.tables(data, "criteria", where))
    )
    return Item(
        id=iid,
        label=r.text(data, "label", where, required=False),
        text=r.text(data, "text", where),
        points=points,
        criteria=criteria,
        section_id=section_id,
    )


def _criterion(r: _Reader, data: dict, where: str, item_id: str, item_points: Decimal) -> Criterion:
    deductions = []
    raw = data.get("deductions")
    if not isinstance(raw, list) or not raw:
        r.problem(f"{where}.deductions", "应列出至少一种扣分情形，如 [{ amount = 1 }]")
        raw = []
    for n, clause in enumerate(raw):
        key = f"{where}.deductions[{n}]"
        if not isinstance(clause, dict):
            r.problem(key, "应为 { amount = 数字, per = 单位 } 形式")
            continue
        amount = r.points(clause, "amount", key)
        per = clause.get("per")
        if per is not None and per not in PER_FINDING_UNITS:
            r.problem(f"{key}.per", f"单位应为 {'、'.join(PER_FINDING_UNITS)} 之一，现为 {per!r}")
        if amount is not None and item_points and amount > item_points:
            r.problem(f"{key}.amount", f"扣分 {amount} 超过所属细则分值 {item_points}")
        if amount is not None:
            deductions.append(DeductionRule(amount=amount, per=per))
    na = data.get("not_applicable", False)
    if not isinstance(na, bool):
        r.problem(f"{where}.not_applicable", "应为 true 或 false")
        na = False
    return Criterion(
        id=r.text(data, "id", where),
        label=r.text(data, "label", where),
        text=r.text(data, "text", where),
        deductions=tuple(deductions),
        not_applicable=na,
        item_id=item_id,
    )


def _check_sums(r: _Reader, rubric: Rubric) -> None:
    """Items add up to their section, sections to their part (where given) and to the total."""
    for pn, part in enumerate(rubric.parts):
        for sn, section in enumerate(part.sections):
            got = sum((i.points for i in section.items), Decimal(0))
            if section.points and got != section.points:
                r.problem(
                    f"parts[{pn}].sections[{sn}].points",
                    f"{section.label}{section.title} 分值 {section.points}，其下细则合计 {got}",
                )
        got = sum((s.points for s in part.sections), Decimal(0))
        if part.points is not None and got != part.points:
            r.problem(f"parts[{pn}].points", f"{part.label}{part.title} 分值 {part.points}，其下项目合计 {got}")
    got = sum((s.points for s in rubric.sections), Decimal(0))
    if rubric.total and got != rubric.total:
        r.problem("rubric.total", f"总分 {rubric.total}，各考评项目合计 {got}")


def _check_ids(r: _Reader, rubric: Rubric) -> None:
    """Every id is unique across all levels (they are keys in _meta and the archive)."""
    seen: set[str] = set()
    nodes = [*rubric.parts, *rubric.sections, *rubric.items, *rubric.criteria]
    for node in nodes:
        if node.id and node.id in seen:
            r.problem(f"id = {node.id!r}", "编号重复，每个 id 在文件内必须唯一")
        seen.add(node.id)
