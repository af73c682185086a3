"""The consolidated workbook read back sheet by sheet: ledger, progress totals, matrix, audit trail."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import python_calamine

from inspection.constants import DISPATCH_FILE, SCORING_FILE
from inspection.run import run
from inspection.writers.common import clip, format_points
from inspection.writers.report_ranking import clean_reason
from tests.filling import fill_dispatch, fill_progress, fill_scoring
from tests.libreoffice import convert
from tests.test_hazards import HAZARDS

AS_OF = date(2023, 9, 15)


@pytest.fixture(scope="module")
def report(tmp_path_factory, config, rubric, templates, campaign):
    """Two scoring sheets, two 交办清单 and two 调度表 (one unit, one department), as the clerk gets them."""
    folder = tmp_path_factory.mktemp("report")
    inputs = folder / "input"
    for unit, deductions in {"新县": {"c01": (2, "未明确第一责任人。")},
                             "息县": {"c16": (1, "未组织警示教育\n记录缺失；"), "c20": (Decimal("0.5"), "演练流于形式")}}.items():
        group = config.group_for_unit(unit)
        fill_scoring(templates.folder / SCORING_FILE.format(group=group.number, unit=unit), inputs / f"{unit}打分.xlsx",
                     rubric, deductions=deductions)
        fill_dispatch(templates.folder / DISPATCH_FILE.format(group=group.number, unit=unit), inputs / f"{unit}交办.xlsx",
                      HAZARDS)
    fill_progress(templates.folder / "调度表_息县_2023-08.xlsx", inputs / "息县调度.xlsx",
                  {"企业自查发现的重大事故隐患（个）": 12, "企业自查发现重大事故隐患中已完成整改（个）": 9})
    fill_progress(templates.folder / "调度表_新县_2023-08.xlsx", inputs / "新县调度.xlsx",
                  {"企业自查发现的重大事故隐患（个）": 4, "企业自查发现重大事故隐患中已完成整改（个）": 3})
    fill_progress(templates.folder / "调度表_市应急局_2023-08.xlsx", inputs / "应急局调度.xlsx",
                  {"部门检查发现的重大事故隐患（个）": 7, "部门检查发现重大事故隐患中已完成整改的（个）": 7})
    first = run(campaign, inputs, folder / "out1", as_of=AS_OF)
    second = run(campaign, inputs, folder / "out2", as_of=AS_OF)
    return first, openpyxl.load_workbook(first.output_path), openpyxl.load_workbook(second.output_path)


def rows(ws, min_row=1, max_col=None):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=min_row, max_col=max_col)]


def test_sheets_in_bulletin_order(report, config):
    _, wb, _ = report
    assert wb.sheetnames == ["排名", "扣分原因", "得分明细", "共性问题", "趋势", "自评与复核", "检查组复核情况", "问题隐患台账",
                             f"进展调度汇总（{config.unit_label}）", "进展调度汇总（部门）", "催报清单", "校验报告", "说明"]


def test_ranking__unranked_marked_and_chart(report, config):
    _, wb, _ = report
    ws = wb["排名"]
    table = [r for r in rows(ws, 2, 5) if r[1]]
    assert table[:2] == [[1, "息县", 98.5, "第 3 组（罗山县组）", "已排名"], [2, "新县", 98, "第 4 组（光山县组）", "已排名"]]
    assert [(r[0], r[4]) for r in table[2:len(config.units)]] == [(None, "未报送")] * (len(config.units) - 2)
    assert len(ws._charts) == 1


def test_reasons__cleaned_and_no_trailing_punctuation(report):
    _, wb, _ = report
    lines = [r[0] for r in rows(wb["扣分原因"]) if r[0]]
    assert lines[0] == "各县区扣分原因"
    assert lines[1:] == ["息县得分 98.5 分，扣分原因：", "（16）未组织警示教育；记录缺失，扣 1 分；",
                         "（20）演练流于形式，扣 0.5 分；", "新县得分 98 分，扣分原因：", "（1）未明确第一责任人，扣 2 分；"]


def test_score_matrix__sections_items_and_highlight(report, rubric):
    _, wb, _ = report
    ws = wb["得分明细"]
    first_item = rubric.sections[0].items[0]
    assert ws["A1"].value == "排名" and ws["D1"].value.startswith(rubric.sections[0].label)
    assert ws["D2"].value == "小计" and ws["E2"].value == f"1（{format_points(first_item.points)}分）"
    xinxian = next(r for r in rows(ws, 3) if r[1] == "新县")
    # 新县 lost 2 points on (1), which belongs to item 1 (3 points) of section (一): 小计 7 → 5.
    assert xinxian[2:6] == [98, 5, 1, 4]
    missing = next(r for r in rows(ws, 3) if r[1] == "羊山新区")
    assert missing[2] == "未报送" and all(v is None for v in missing[3:])
    assert ws.conditional_formatting and ws.freeze_panes == "D3"


def test_common_problems_table(report):
    _, wb, _ = report
    table = [r for r in rows(wb["共性问题"], 2, 7) if isinstance(r[0], int)]
    assert [(r[1], r[4], r[5], r[6]) for r in table] == [("(1)", 1, "新县", 2), ("(16)", 1, "息县", 1),
                                                          ("(20)", 1, "息县", 0.5)]


def test_ledger__ids_counts_overdue(report, config):
    result, wb, _ = report
    ws = wb["问题隐患台账"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["隐患编号", "县区", "检查组"] and header[14] == "逾期（截至2023-09-15）"
    ledger = [r[:18] for r in rows(ws, 2) if r[0]]
    assert [r[0] for r in ledger] == [h.id for h in result.hazards] and len(ledger) == 6
    # As of 15 September: the 30 August and 1 September deadlines have passed; 已整改 is closed (销号).
    assert [r[14] for r in ledger[:3]] == ["逾期 16 天", None, "逾期 14 天"]
    assert [r[11] for r in ledger[:3]] == ["整改中", "已整改", "未整改"]
    assert ledger[1][15] == "已销号 2023-08-15" and ledger[0][15] is None
    assert [r[10] for r in ledger[:2]] == ["2023-08（08-15）"] * 2 and ledger[0][13] == 31
    assert ws.auto_filter.ref.startswith("A1:") and ws.freeze_panes == "A2"
    counts = {r[19]: r[20:] for r in rows(ws, 2) if len(r) > 19 and r[19]}
    # Counts beside the ledger: sectors present, 未填领域, 合计, 重大事故隐患, 逾期, 已销号, 本轮交办清单.
    assert counts["息县"][-6:] == [0, 3, 2, 2, 1, "已报送"]
    assert counts["合计"][-6:-1] == [0, 6, 4, 4, 2] and counts["淮滨县"][-1] == "未报送"


def test_ledger__same_input_same_rows(report):
    _, first, second = report
    assert rows(first["问题隐患台账"]) == rows(second["问题隐患台账"])
    assert rows(first["排名"]) == rows(second["排名"])


def test_progress__totals_rates_and_missing(report, config):
    _, wb, _ = report
    ws = wb[f"进展调度汇总（{config.unit_label}）"]
    header = [c.value for c in ws[1]]
    found = header.index("企业自查发现的重大事故隐患（个）")
    fixed = header.index("企业自查发现重大事故隐患中已完成整改（个）")
    rate = header.index("企业自查发现的重大事故隐患整改率")
    table = {r[0]: r for r in rows(ws, 2) if r[0]}
    assert (table["息县"][found], table["息县"][fixed], table["息县"][rate]) == (12, 9, 0.75)
    assert table["淮滨县"][1] == "未报送"
    assert (table["合计"][1], table["合计"][found], table["合计"][fixed]) == (f"2/{len(config.units)}", 16, 12)
    assert table["合计"][rate] == pytest.approx(0.75)
    departments = {r[0]: r for r in rows(wb["进展调度汇总（部门）"], 2) if r[0]}
    assert departments["市应急局"][1] == "已报送" and departments["合计"][1] == f"1/{len(config.departments)}"


def test_findings_sheet__errors_first_with_cells(report):
    result, wb, _ = report
    table = [r for r in rows(wb["校验报告"], 2) if isinstance(r[0], int)]
    assert len(table) == len(result.findings) > 0
    levels = [r[5] for r in table]
    assert levels == sorted(levels, key=lambda v: {"错误": 0, "警告": 1, "提示": 2}[v])
    # The 交办清单 rows with 重大隐患 and 燃气 were mapped and warned at their cells.
    assert any(r[1] == "息县交办.xlsx" and r[4] == "E9" and r[8] == "H003" for r in table)


def test_about__every_file_with_hash_and_status(report):
    result, wb, _ = report
    table = {r[1]: r for r in rows(wb["说明"]) if r[1] and r[5] and len(str(r[5])) == 64}
    assert set(table) == {f.path for f in result.files}
    assert {r[6] for r in table.values()} == {"已采用"}


def test_clean_reason_and_clip():
    assert clean_reason("  第一行\r\n  第二行。 ") == "第一行；第二行"
    assert clip("短") == "短"
    long = clip("字" * 3000)
    assert long.startswith("字" * 2000) and long.endswith("（以下略，共 3000 字）")
    assert [format_points(Decimal(v)) for v in ("80.10", "80", "0.50", "100")] == ["80.1", "80", "0.5", "100"]


def test_report_opens_in_libreoffice(report, tmp_path):
    """LibreOffice opens the workbook and saves it again with every sheet and the ranking intact."""
    result, wb, _ = report
    saved = convert(result.output_path, "ods", tmp_path / "lo", tmp_path / "profile")
    book = python_calamine.CalamineWorkbook.from_path(str(saved))
    assert book.sheet_names == wb.sheetnames
    ranking = book.get_sheet_by_name("排名").to_python()
    assert ranking[1][:3] == [1.0, "息县", 98.5]
