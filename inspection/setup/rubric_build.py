"""From the units read off a pasted table to the dict a rubric TOML file parses to, checking as it goes:
sums (section = its items, part = its sections, the total), points missing or written twice
differently, criteria whose deductions cannot be read or exceed their item, repeated labels.

Ids are the shipped rubrics': parts p1, p2 …; sections s01 …; items i01 …; a criterion c + its label
(c07), a second criterion with the same label c07b (信阳附件2's two (48) are c48 and c48b).
"""

from decimal import Decimal

from inspection.setup.rubric_columns import Columns
from inspection.setup.rubric_text import read_deductions, toml_number
from inspection.setup.rubric_entries import (
    ABOVE_ITEM, DEFAULT_NAMES, DUPLICATE_LABEL, NO_CHILDREN, NO_CRITERIA_AT_ALL, NO_POINTS, NO_TEXT,
    POINTS_DISAGREE, SUM_PART, SUM_SECTION, SUM_TABLE, SUM_TOTAL, ZERO_POINTS, Problems, Unit, place,
)
from inspection.values import plain_number


def _dec(value) -> Decimal:
    return Decimal(str(value))


class _Builder:
    def __init__(self, columns: Columns, points_name: str, problems: Problems):
        self.names = {**DEFAULT_NAMES, **columns.names}
        self.own_criteria = "criterion" in columns.levels
        self.points_name = points_name
        self.problems = problems
        self.counts = {"section": 0, "item": 0, "criterion": 0}
        self.last_label = 0
        self.ids: set[str] = set()
        self.wrong_sections = 0  # sections whose printed points are not the sum of their items
        self.labels: dict[str, tuple[Unit, str]] = {}  # criterion label → its first unit and id

    def place(self, unit: Unit) -> str:
        return place(unit, self.names)

    def part(self, n: int, unit: Unit) -> dict:
        before = self.wrong_sections
        sections = [self.section(s) for s in unit.children]
        if not sections:
            self.problems.error(unit.order, NO_CHILDREN.format(place=self.place(unit), child=self.names["section"]))
        if unit.raw and not unit.text:
            self.problems.error(unit.order, NO_TEXT.format(place=self.place(unit)))
        out = {"id": f"p{n}", "label": unit.label, "title": unit.text}
        if unit.note:
            out["note"] = unit.note
        points = [_dec(s["points"]) for s in sections]
        # a section that does not add up is named at its cell; its part is checked once it does
        out["points"] = toml_number(self.checked_sum(unit, points, SUM_PART) if self.wrong_sections == before
                                    else unit.points if unit.points is not None else sum(points, Decimal(0)))
        out["sections"] = sections
        return out

    def section(self, unit: Unit) -> dict:
        self.counts["section"] += 1
        sid = f"s{self.counts['section']:02d}"
        if unit.raw and not unit.text:
            self.problems.error(unit.order, NO_TEXT.format(place=self.place(unit)))
        items = [self.item(i) for i in unit.children]
        if not items:
            self.problems.error(unit.order, NO_CHILDREN.format(place=self.place(unit), child=self.names["item"]))
        known = [_dec(i["points"]) for i in items if "points" in i]
        # an item without points, or with two, is named at its cell; the sums wait for it
        if len(known) < len(items) or unit.unsure or any(i.unsure for i in unit.children):
            self.wrong_sections += 1
            points = unit.points if unit.points is not None else sum(known, Decimal(0))
        else:
            wrong = self.problems.count
            points = self.checked_sum(unit, known, SUM_SECTION)
            self.wrong_sections += self.problems.count != wrong
        return {"id": sid, "label": unit.label, "title": unit.text, "points": toml_number(points), "items": items}

    def checked_sum(self, unit: Unit, points: list[Decimal], template: str) -> Decimal:
        """The points a section or part states, checked against those under it; their sum if it states none."""
        got = sum(points, Decimal(0))
        if unit.points is None or not points:
            return got
        if unit.points != got:
            self.problems.error(unit.points_order, template.format(
                place=self.place(unit), points=plain_number(unit.points), got=plain_number(got),
                terms=" + ".join(plain_number(p) for p in points), level=self.names["section"]))
        return unit.points

    def item(self, unit: Unit) -> dict:
        self.counts["item"] += 1
        out = {"id": f"i{self.counts['item']:02d}", "label": unit.label, "text": unit.text}
        if unit.raw and not unit.text:
            self.problems.error(unit.order, NO_TEXT.format(place=self.place(unit)))
        if unit.column is not None and unit.printed is not None and unit.column != unit.printed:
            unit.unsure = True
            self.problems.error(unit.column_order, POINTS_DISAGREE.format(
                place=self.place(unit), text=plain_number(unit.printed), column=self.points_name,
                cell=plain_number(unit.column)))
        if unit.points is not None:
            out["points"] = toml_number(unit.points)
            if unit.points <= 0:
                unit.unsure = True
                self.problems.error(unit.points_order, ZERO_POINTS.format(place=self.place(unit),
                                                                          level=self.names["item"]))
        elif unit.raw:
            self.problems.error(unit.order, NO_POINTS.format(place=self.place(unit), column=self.points_name))
        criteria = unit.children if self.own_criteria else [unit]
        if not criteria and unit.raw:
            self.problems.error(unit.order, NO_CHILDREN.format(place=self.place(unit), child=self.names["criterion"]))
        points = unit.points if unit.points is not None and unit.points > 0 else None
        out["criteria"] = [self.criterion(c, points) for c in criteria]
        return out

    def criterion(self, unit: Unit, item_points: Decimal | None) -> dict:
        self.counts["criterion"] += 1
        own = unit.level == "criterion"
        label = unit.label if own and unit.label else str(self.last_label + 1)
        if label.isdigit():
            self.last_label = int(label)
        cid = base = f"c{int(label):02d}" if label.isdigit() else f"c{self.counts['criterion']:02d}"
        suffixes = iter("bcdefghijklmnopqrstuvwxyz")
        while cid in self.ids:
            cid = base + next(suffixes)
        self.ids.add(cid)
        place = f"（{label}）"
        if label in self.labels:
            first, first_id = self.labels[label]
            self.problems.warning(unit.order, DUPLICATE_LABEL.format(place=place, other=first.cell,
                                                                     first_id=first_id, id=cid))
        else:
            self.labels[label] = (unit, cid)
        if own and unit.raw and not unit.text:
            self.problems.error(unit.order, NO_TEXT.format(place=place))
        deductions, not_applicable, found = read_deductions(unit.text, item_points)
        for level, message in found:
            self.problems.add(level, unit.order, f"{place}：{message}")
        for clause in deductions:
            if item_points is not None and _dec(clause["amount"]) > item_points:
                self.problems.error(unit.order, ABOVE_ITEM.format(
                    place=place, amount=plain_number(_dec(clause["amount"])), points=plain_number(item_points),
                    item=self.names["item"]))
        out = {"id": cid, "label": label, "text": unit.text, "deductions": deductions}
        if not_applicable:
            out["not_applicable"] = True
        return out


def build_rubric(parts: list[Unit], header: dict, columns: Columns,
                 printed_total: tuple[Decimal, tuple[int, int]] | None, points_name: str,
                 problems: Problems) -> dict:
    """The rubric dict: [rubric] from `header` (total None → the sum; labels missing → the table's
    column names) and the parts read; every problem goes to `problems`."""
    b = _Builder(columns, points_name, problems)
    built = [b.part(n, unit) for n, unit in enumerate(parts, start=1)]
    got = sum((_dec(s["points"]) for p in built for s in p["sections"]), Decimal(0))
    if not b.counts["criterion"]:
        problems.error((0, 0), NO_CRITERIA_AT_ALL.format(criterion=b.names["criterion"]))
    if b.wrong_sections:
        printed_total = total = None  # checked once the sections add up
    else:
        total = header.get("total")
    if printed_total and printed_total[0] != got:
        problems.error(printed_total[1], SUM_TABLE.format(points=plain_number(printed_total[0]),
                                                          level=b.names["section"], got=plain_number(got)))
    if total is not None and _dec(total) != got:
        problems.error((0, 0), SUM_TOTAL.format(points=plain_number(_dec(total)), level=b.names["section"],
                                                got=plain_number(got)))
    head = {k: v for k, v in header.items() if k not in ("total", "labels") and v not in (None, "")}
    total = header.get("total")
    head["total"] = toml_number(_dec(total) if total is not None else got)
    given = header.get("labels") if isinstance(header.get("labels"), dict) else {}
    head["labels"] = {"section": b.names["section"], "item": b.names["item"],
                      "criterion": columns.names.get("criterion", DEFAULT_NAMES["criterion"]),
                      **{k: v for k, v in given.items() if v}}
    return {"rubric": head, "parts": built}
