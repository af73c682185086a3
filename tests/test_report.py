"""The consolidated workbook read back sheet by sheet: ledger, progress totals, matrix, audit trail."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import python_calamine

from inspection.constants import DISPATCH_FILE, SCORING_FILE
from inspection.run import run
from inspection.paper.common import clip, format_points
from inspection.report.ranking import clean_reason
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
                             "问题隐患统计", f"进展调度汇总（{config.unit_label}）", "进展调度汇总（部门）", "催报清单", "校验报告",
                             "说明"]


def test_every_sheet_opens_with_a_title(report):
    _, wb, _ = report
    for ws in wb.worksheets:
        assert isinstance(ws["A1"].value, str) and ws["A1"].font.sz >= 16 and ws["A1"].font.b, ws.title


def test_ranking__unranked_marked_and_chart(report, config):
    _, wb, _ = report
    ws = wb["排名"]
    assert ws["A1"].value == "各县区得分排名（2023-08）" and [c.value for c in ws[2]][:3] == ["排名", "县区", "得分"]
    table = [r for r in rows(ws, 3, 5) if r[1]]
    assert table[:2] == [[1, "息县", 98.5, "第 3 组（罗山县组）", "已排名"], [2, "新县", 98, "第 4 组（光山县组）", "已排名"]]
    assert [(r[0], r[4]) for r in table[2:len(config.units)]] == [(None, "未报送")] * (len(config.units) - 2)
    assert len(ws._charts) == 1


def test_reasons__cleaned_and_no_trailing_punctuation(report):
    _, wb, _ = report
    lines = [r[0] for r in rows(wb["扣分原因"]) if r[0]]
    assert lines[0] == "各县区扣分原因"
    # In the config's order (息县 before 新县 there, as by rank here); a unit's last line ends "。".
    assert lines[1:] == ["息县得分 98.5 分，扣分原因：", "（16）未组织警示教育；记录缺失，扣 1 分；",
                         "（20）演练流于形式，扣 0.5 分。", "新县得分 98 分，扣分原因：", "（1）未明确第一责任人，扣 2 分。"]


def test_score_matrix__sections_items_and_highlight(report, rubric, config):
    """The rubric down the side (each section's 小计, then its items), a column per unit: ranked
    first, then the others, marked and not shaded."""
    _, wb, _ = report
    ws = wb["得分明细"]
    first_section, first_item = rubric.sections[0], rubric.sections[0].items[0]
    assert [c.value for c in ws[2]][:5] == ["考评项目", "考评细则", "分值", "息县", "新县"]
    assert [ws["A3"].value, ws["A4"].value, ws["C4"].value] == ["排名", "总得分", 100]
    assert ws["A5"].value.startswith(first_section.label) and [ws["B5"].value, ws["C5"].value] == ["小计", 7]
    assert [ws["B6"].value, ws["C6"].value] == [first_item.label.rstrip("."), float(first_item.points)]
    # 新县 lost 2 points on (1), which belongs to item 1 (3 points) of section (一): 小计 7 → 5.
    xinxian = [ws.cell(r, 5).value for r in range(3, 8)]
    assert xinxian == [2, 98, 5, 1, 4]
    missing = next(c.column for c in ws[2] if c.value == "羊山新区")
    assert ws.cell(4, missing).value == "未报送" and all(ws.cell(r, missing).value is None for r in range(5, 20))
    shaded = [str(r.sqref) for r in ws.conditional_formatting if any(rule.type == "cellIs" for rule in r.rules)]
    assert shaded and all(ref.startswith("D") and ref.split(":")[1].startswith("E") for ref in shaded)  # ranked only
    assert ws.freeze_panes == "D5"


def test_common_problems_table(report):
    _, wb, _ = report
    table = [r for r in rows(wb["共性问题"], 3, 7) if isinstance(r[0], int)]
    assert [(r[1], r[4], r[5], r[6]) for r in table] == [("(1)", 1, "新县", 2), ("(16)", 1, "息县", 1),
                                                          ("(20)", 1, "息县", 0.5)]


def test_ledger__ids_counts_overdue(report, config):
    result, wb, _ = report
    ws = wb["问题隐患台账"]
    header = [c.value for c in ws[2]]
    assert header[:3] == ["隐患编号", "县区", "检查组"] and header[14] == "逾期（截至2023-09-15）"
    ledger = [r[:18] for r in rows(ws, 3) if r[0]]
    assert [r[0] for r in ledger] == [h.id for h in result.hazards] and len(ledger) == 6
    # As of 15 September: the 30 August and 1 September deadlines have passed; 已整改 is closed (销号).
    assert [r[14] for r in ledger[:3]] == ["逾期 16 天", None, "逾期 14 天"]
    assert [r[11] for r in ledger[:3]] == ["整改中", "已整改", "未整改"]
    assert ledger[1][15] == "已销号 2023-08-15" and ledger[0][15] is None
    assert [r[10] for r in ledger[:2]] == ["2023-08（08-15）"] * 2 and ledger[0][13] == 31
    assert ws.auto_filter.ref.startswith("A2:") and ws.freeze_panes == "A3"
    assert ws.print_area == f"'问题隐患台账'!$A$1:$P${len(ledger) + 2}"  # where each came from: on the screen
    counts = {r[0]: r[1:] for r in rows(wb["问题隐患统计"], 3) if r[0]}
    # Per unit: sectors present, 未填领域, 合计, 重大事故隐患, 逾期, 已销号, 本轮交办清单.
    assert counts["息县"][-6:] == [0, 3, 2, 2, 1, "已报送"]
    assert counts["合计"][-6:-1] == [0, 6, 4, 4, 2] and counts["淮滨县"][-1] == "未报送"


def test_ledger__same_input_same_rows(report):
    _, first, second = report
    assert rows(first["问题隐患台账"]) == rows(second["问题隐患台账"])
    assert rows(first["排名"]) == rows(second["排名"])


def test_progress__totals_rates_and_missing(report, config):
    """The form's fields down the side, a column per reporter and 合计, the rates under them."""
    _, wb, _ = report

    def table(name):
        ws = wb[name]
        header = [c.value for c in ws[2]]
        by_label = {r[2]: r for r in rows(ws, 4) if r[2]}
        return header, [c.value for c in ws[3]], by_label

    header, status, fields = table(f"进展调度汇总（{config.unit_label}）")
    assert header[:4] == ["类别", "序号", "填报项目", "单位"] and header[4:-1] == list(config.units)
    xi, total = header.index("息县"), header.index("合计")
    found, fixed = fields["企业自查发现的重大事故隐患（个）"], fields["企业自查发现重大事故隐患中已完成整改（个）"]
    rate = fields["企业自查发现的重大事故隐患整改率"]
    assert (found[xi], fixed[xi], rate[xi]) == (12, 9, 0.75)
    assert status[header.index("淮滨县")] == "未报送" and found[header.index("淮滨县")] is None
    assert (status[total], found[total], fixed[total]) == (f"2/{len(config.units)}", 16, 12)
    assert rate[total] == pytest.approx(0.75)
    header, status, _ = table("进展调度汇总（部门）")
    assert status[header.index("市应急局")] == "已报送" and status[header.index("合计")] == f"1/{len(config.departments)}"


def test_findings_sheet__errors_first_with_cells(report):
    result, wb, _ = report
    table = [r for r in rows(wb["校验报告"], 3) if isinstance(r[0], int)]
    assert len(table) == len(result.findings) > 0
    levels = [r[5] for r in table]
    assert levels == sorted(levels, key=lambda v: {"错误": 0, "警告": 1, "提示": 2}[v])
    # The 交办清单 rows with 重大隐患 and 燃气 were mapped and warned at their cells.
    assert any(r[1] == "息县交办.xlsx" and r[4] == "E9" and r[8] == "H003" for r in table)


def test_about__every_file_with_hash_and_status(report):
    result, wb, _ = report
    table = {r[1]: r for r in rows(wb["说明"]) if r[1] and r[7] and len(str(r[7])) == 64}
    assert set(table) == {f.path for f in result.files}
    assert {r[5] for r in table.values()} == {"已采用"}


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
    assert ranking[2][:3] == [1.0, "息县", 98.5]


def test_ranking__header_repeated_only_when_the_table_goes_on(report):
    """Eleven units and the chart fit one page: no header row repeated (on a second page it would
    stand alone above the chart). A table over pages repeats it: test_report_scale."""
    _, wb, _ = report
    assert not wb["排名"].print_title_rows
