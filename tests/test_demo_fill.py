"""The demo's filled scoring returns: realistic, rule-abiding, reproducible, templates untouched."""

import hashlib
import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from itertools import combinations

import openpyxl
import pytest

from inspection.kinds.scoring.demo import fill_scoring_returns

SKIPPED, WARNED = "羊山新区", "息县"


def read_back_deductions(path, rubric) -> dict[str, tuple]:
    """Criterion id → (deduction as Decimal or None, reason, 完成情况 of its item's first row)."""
    ws = openpyxl.load_workbook(path)["打分表"]
    header = next(r for r in ws.iter_rows(max_row=40) if any(c.value == "扣分原因" for c in r))
    cols = {re.sub(r"\s+", "", str(c.value)): c.column for c in header if c.value}
    queues: dict[str, list] = {}
    for c in rubric.criteria:
        queues.setdefault(c.label, []).append(c)
    out = {}
    for row in range(header[0].row + 1, ws.max_row + 1):
        match = re.match(r"^\((\w+)\)", str(ws.cell(row, cols["评分标准"]).value or ""))
        if not match:
            continue
        criterion = queues[match.group(1)].pop(0)
        amount = ws.cell(row, cols["扣分"]).value
        out[criterion.id] = (None if amount is None else Decimal(str(amount)),
                             ws.cell(row, cols["扣分原因"]).value or "",
                             ws.cell(row, cols["完成情况"]).value or "")
    return out


def unit_of(path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    return next(v for k, v, *_ in wb["_meta"].iter_rows(values_only=True) if k == "county")


def total(rubric, values) -> Decimal:
    """100 − deductions, each item floored at 0, as the consolidation computes it."""
    score = Decimal(0)
    for item in rubric.items:
        lost = sum((values[c.id][0] or Decimal(0) for c in item.criteria), Decimal(0))
        score += max(Decimal(0), item.points - lost)
    return score


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cell_values(path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets
            if ws.title != "_meta"}


@pytest.fixture(scope="module")
def filled(config, rubric, templates, tmp_path_factory):
    before = {p: digest(p) for p in templates.scoring}
    paths = fill_scoring_returns(config, rubric, templates.scoring, tmp_path_factory.mktemp("returns"),
                                 skip_units=(SKIPPED,), warning_unit=WARNED)
    returns = {unit_of(p): (p, read_back_deductions(p, rubric)) for p in paths}
    return paths, returns, before


def test_fill__one_unit_skipped__ten_files_named_by_people(filled, templates):
    paths, returns, _ = filled
    assert len(paths) == 10
    assert SKIPPED not in returns
    expected = [unit_of(t) for t in templates.scoring if unit_of(t) != SKIPPED]
    assert [unit_of(p) for p in paths] == expected
    assert not {p.name for p in paths} & {t.name for t in templates.scoring}


def test_deductions__follow_each_criterion_rule(filled, rubric):
    _, returns, _ = filled
    halves = 0
    for unit, (_, values) in returns.items():
        deducted = [c for c in rubric.criteria if values[c.id][0]]
        assert 6 <= len(deducted) <= 18, unit
        for item in rubric.items:
            amounts = [values[c.id][0] for c in item.criteria if values[c.id][0] is not None]
            assert all(a >= 0 for a in amounts), unit
            assert sum(amounts, Decimal(0)) <= item.points, (unit, item.id)
        for c in deducted:
            amount, reason, _ = values[c.id]
            assert reason.strip(), (unit, c.id)
            if c.per_finding_step:
                assert amount % c.per_finding_step == 0, (unit, c.id, amount)
            else:
                sums = {sum(d.amount for d in chosen) for n in range(1, len(c.deductions) + 1)
                        for chosen in combinations(c.deductions, n)}
                assert amount in sums, (unit, c.id, amount)
            halves += amount % 1 != 0
    assert halves, "some returns should show a 0.5 deduction"


def test_totals__vary_and_two_units_tie(filled, rubric):
    _, returns, _ = filled
    totals = {unit: total(rubric, values) for unit, (_, values) in returns.items()}
    assert len(set(totals.values())) >= 6
    assert max(Counter(totals.values()).values()) >= 2
    assert all(Decimal(70) <= t <= Decimal(95) for t in totals.values()), totals


def test_header__date_in_window_and_inspectors_named(filled, config):
    paths, _, _ = filled
    for path in paths:
        ws = openpyxl.load_workbook(path)["打分表"]
        header = next(r[0].row for r in ws.iter_rows(max_row=40) if any(c.value == "扣分原因" for c in r))
        info = {str(c.value).rstrip("：:"): ws.cell(c.row, c.column + 1).value
                for c in ws[header - 1] if c.value}
        day = info["检查日期"]
        day = day.date() if isinstance(day, datetime) else day
        assert isinstance(day, date) and config.inspection_start <= day <= config.inspection_end
        assert 3 <= len(info["检查人员"].split("、")) <= 4


def test_status__every_item_described__bare_done_only_where_planted(filled, rubric):
    _, returns, _ = filled
    for unit, (_, values) in returns.items():
        reason_without_amount = [c.id for c in rubric.criteria if values[c.id][1] and not values[c.id][0]]
        bare_done = []
        for item in rubric.items:
            status = values[item.criteria[0].id][2]
            assert status.strip(), (unit, item.id)
            if any(values[c.id][0] for c in item.criteria) and status == "已完成":
                bare_done.append(item.id)
        planted = 1 if unit == WARNED else 0
        assert len(reason_without_amount) == planted, unit
        assert len(bare_done) == planted, unit
    _, warned = returns[WARNED]
    forgotten = next(c for c in rubric.criteria if warned[c.id][1] and warned[c.id][0] is None)
    assert warned[forgotten.id][0] is None  # empty, not 0


def test_fill__same_seed__same_cell_values(filled, config, rubric, templates, tmp_path):
    paths, _, _ = filled
    again = fill_scoring_returns(config, rubric, templates.scoring, tmp_path,
                                 skip_units=(SKIPPED,), warning_unit=WARNED)
    assert [p.name for p in again] == [p.name for p in paths]
    for first, second in zip(paths, again):
        assert cell_values(first) == cell_values(second)


def test_fill__templates_left_untouched(filled):
    _, _, before = filled
    assert {p: digest(p) for p in before} == before
