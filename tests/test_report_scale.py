"""The consolidated workbook at a province's scale: 3,000 units, within Excel's limits, opened by
LibreOffice. The results are built directly (reading 3,000 returns is the bench's job, not a test's)."""

from datetime import date, datetime
from decimal import Decimal
import random
import sys

import openpyxl
import pytest

from inspection.spec.config import load_config
from inspection.decisions.settle import common_problems, rank
from inspection.model import ACCEPTED, Deduction, InputFile, RunResult, ScoringReturn
from inspection.paper.common import EXCEL_CELL_LIMIT
from inspection.report.workbook import write_report
from tests.conftest import ROOT
from tests.libreoffice import convert

sys.path.insert(0, str(ROOT / "bench"))
from campaign import write_config  # noqa: E402

UNITS = 3000
EXCEL_ROWS = 1_048_576


@pytest.fixture(scope="module")
def big(tmp_path_factory, rubric, campaign):
    folder = tmp_path_factory.mktemp("province")
    config = load_config(write_config(folder / "campaign", UNITS))
    rng = random.Random(7)
    scoring, files = {}, []
    long_reason = "；".join(f"第{k}处台账缺失，现场抽查发现制度未落实" for k in range(2500))  # ~50,000 chars
    for n, unit in enumerate(config.units):
        group = config.group_for_unit(unit).number
        deductions = []
        for criterion in rng.sample(rubric.criteria, 6):
            reason = long_reason if n == 0 and not deductions else f"{unit}{criterion.label}项未落实"
            deductions.append(Deduction(criterion.id, criterion.label, Decimal("0.5"), reason, "F9"))
        lost: dict[str, Decimal] = {}
        for d in deductions:
            item = next(i for i in rubric.items if any(c.id == d.criterion_id for c in i.criteria))
            lost[item.id] = lost.get(item.id, Decimal(0)) + d.amount
        items = {i.id: i.points - lost.get(i.id, Decimal(0)) for i in rubric.items}
        path = f"{unit}.xlsx"
        scoring[unit] = ScoringReturn(path, unit, group, deductions, items, sum(items.values(), Decimal(0)),
                                      date(2023, 8, 15), "张三")
        files.append(InputFile(path, 20_000, "0" * 64, "scoring", unit, ACCEPTED))
    result = RunResult(datetime(2023, 9, 8, 9, 0).astimezone(), config.path, folder / "input", files=files,
                       scoring=scoring, as_of=date(2023, 9, 8))
    result.ranking = rank(scoring, config, files)
    result.common_problems = common_problems(scoring, rubric, config)
    result.trend = {unit: {config.round: s.total} for unit, s in scoring.items()}
    result.output_path = folder / "排名汇总.xlsx"
    write_report(result, campaign, result.output_path)
    return result


def test_province_report_within_excel_limits_and_reasons_split_not_cut(big):
    wb = openpyxl.load_workbook(big.output_path, read_only=True)
    longest, reason_text = 0, []
    for ws in wb:
        rows = 0
        for row in ws.iter_rows(values_only=True):
            rows += 1
            for value in row:
                if isinstance(value, str):
                    longest = max(longest, len(value))
                    if ws.title == "扣分原因":
                        reason_text.append(value)
        assert rows < EXCEL_ROWS
    assert longest <= EXCEL_CELL_LIMIT
    ranking = [r for r in wb["排名"].iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]
    assert len(ranking) == UNITS
    first = big.scoring[next(iter(big.scoring))]  # the unit given a 50,000-character reason
    assert len(first.deductions[0].reason) > EXCEL_CELL_LIMIT
    whole = "".join(reason_text)
    assert first.deductions[0].reason[:100] in whole and first.deductions[0].reason[-100:] in whole  # split, not cut


def test_province_report_opens_in_libreoffice(big, tmp_path):
    csv = convert(big.output_path, "csv", tmp_path / "out", tmp_path / "profile")
    text = csv.read_text(encoding="utf-8", errors="replace")
    assert text.count("\n") > UNITS  # the first sheet, 排名: a row per unit


def test_province_scores__note_in_the_repeated_label_columns(big):
    """得分明细 spread over many pages of units: its note is merged only over the label columns every
    page repeats, so each page prints it whole (merged wider, later pages printed a slice of it)."""
    wb = openpyxl.load_workbook(big.output_path)
    ws = wb["得分明细"]
    assert ws.print_title_cols.replace("$", "") == "A:C"
    (note,) = [r for r in ws.merged_cells.ranges if str(ws.cell(r.min_row, r.min_col).value or "").startswith("注：")]
    assert (note.min_col, note.max_col) == (1, 3)
    assert ws.row_dimensions[note.min_row].height >= 5 * 13  # five lines or more in 25 characters' width


def test_province_ranking__header_on_every_page(big):
    ws = openpyxl.load_workbook(big.output_path)["排名"]
    assert ws.print_title_rows.replace("$", "") == "2:2"
