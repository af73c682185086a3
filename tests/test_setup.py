"""Setting a campaign up in Excel: `setup` writes 检查活动设置.xlsx from the config, the workbook works
as --config for every command, and `setup --from-workbook` writes the TOML back: the same campaign."""

import dataclasses
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from inspection.spec.campaign import load_campaign
from inspection.cli import main
from inspection.errors import SetupError
from inspection.setup.commands import toml_from_workbook, workbook_from_config
from inspection.setup.sheets import (
    SHEET_BASICS, SHEET_GROUPS, SHEET_PARSED, SHEET_RUBRIC, SHEET_UNITS, WORKBOOK_FILE,
)
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*/config.toml"))


def same_campaign(a, b) -> None:
    """Two campaigns say the same: every config fact but where the files are, and the rubric whole."""
    skip = {"path", "rubric_path", "progress_unit_form", "progress_department_form"}
    for field in dataclasses.fields(a.config):
        if field.name not in skip:
            assert getattr(a.config, field.name) == getattr(b.config, field.name), field.name
    for name in ("progress_unit_form", "progress_department_form"):
        one, two = getattr(a.config, name), getattr(b.config, name)
        assert (one and one.resolve()) == (two and two.resolve()), name
    assert (a.unit_form, a.department_form) == (b.unit_form, b.department_form)
    skip = {"path"}
    for field in dataclasses.fields(a.rubric):
        if field.name not in skip:
            assert getattr(a.rubric, field.name) == getattr(b.rubric, field.name), field.name


@pytest.mark.parametrize("config", EXAMPLES, ids=[p.parent.name[:3] for p in EXAMPLES])
def test_round_trip__toml_workbook_toml__same_campaign(config, tmp_path):
    original = load_campaign(config)
    _, workbook = workbook_from_config(config, tmp_path / "book")
    same_campaign(original, load_campaign(workbook))  # the workbook as --config
    campaign, config_toml, rubric_toml, parsed = toml_from_workbook(workbook, tmp_path / "toml")
    same_campaign(original, load_campaign(config_toml))
    assert rubric_toml.exists() and parsed.exists()


def test_setup_command__default_campaign_worked_example(tmp_path, capsys):
    assert main(["setup", "--output", str(tmp_path)]) == 0
    path = tmp_path / WORKBOOK_FILE
    assert f"已生成 {path}" in capsys.readouterr().out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == [SHEET_BASICS, SHEET_UNITS] and SHEET_RUBRIC in wb.sheetnames
    basics = {row[0]: row[1] for row in wb[SHEET_BASICS].iter_rows(min_row=2, values_only=True)}
    assert basics["检查活动名称"] == "信阳市安全生产县际异地交叉检查" and basics["用交办清单"] == "是"
    units = [row[1] for row in wb[SHEET_UNITS].iter_rows(min_row=2, values_only=True) if row[1]]
    assert units[0] == "浉河区" and len(units) == 11


def test_workbook_as_config__templates_and_run(tmp_path, capsys):
    book = tmp_path / "设置"
    assert main(["setup", "--output", str(book)]) == 0
    workbook = str(book / WORKBOOK_FILE)
    assert main(["templates", "--config", workbook, "--output", str(tmp_path / "templates"), "--quiet"]) == 0
    assert len(list((tmp_path / "templates").glob("*.xlsx"))) == 64
    (tmp_path / "input").mkdir()
    assert main(["run", "--config", workbook, "--input", str(tmp_path / "input"), "--output",
                 str(tmp_path / "output"), "--quiet"]) == 1  # nothing returned yet: every unit missing
    assert "排名汇总表" in capsys.readouterr().out


def _edited(tmp_path: Path, edit) -> Path:
    _, workbook = workbook_from_config(ROOT / "config.toml", tmp_path)
    wb = openpyxl.load_workbook(workbook)
    edit(wb)
    wb.save(workbook)
    return workbook


def test_workbook_mistakes__every_one_by_sheet_and_cell(tmp_path, capsys):
    def edit(wb):
        wb[SHEET_GROUPS]["C7"] = "淮宾县"  # a typo for 淮滨县 (group 6's row)
        basics = wb[SHEET_BASICS]
        row = next(r for r in range(2, basics.max_row + 1) if basics.cell(r, 1).value == "检查开始日期")
        basics.cell(row, 2).value = "八月上旬"
    workbook = _edited(tmp_path, edit)
    with pytest.raises(SetupError) as err:
        load_campaign(workbook)
    text = str(err.value)
    assert f"{SHEET_GROUPS}!C7：“淮宾县”不在被检查单位中，是否为“淮滨县”？" in text
    assert f"{SHEET_BASICS}!B6：“检查开始日期”“八月上旬”不是日期" in text
    assert main(["templates", "--config", str(workbook), "--output", str(tmp_path / "t")]) == 2
    err_text = capsys.readouterr().err
    assert err_text.startswith("无法运行：") and "Traceback" not in err_text


def test_from_workbook_with_mistakes__parsed_sheet_lists_them(tmp_path):
    workbook = _edited(tmp_path, lambda wb: wb[SHEET_GROUPS].__setitem__("C7", "淮宾县"))
    with pytest.raises(SetupError):
        toml_from_workbook(workbook, tmp_path / "toml")
    parsed = openpyxl.load_workbook(tmp_path / "toml" / f"{workbook.stem}_{SHEET_PARSED}.xlsx")[SHEET_PARSED]
    assert any("淮宾县" in str(row[1]) for row in parsed.iter_rows(min_row=2, values_only=True))
    assert not (tmp_path / "toml" / "config.toml").exists()


def test_workbook_edits_that_would_change_the_campaign_silently__errors_at_their_cells(tmp_path):
    """A renamed 检查组 header (every group, or a column of facts, would be dropped), two different
    组名 for one group, and a 基本信息 item written twice: each an error at its cell."""
    def edit(wb):
        groups = wb[SHEET_GROUPS]
        groups["A3"] = 1  # row 3 (平桥区组's unit) now in group 1, under another 组名
        basics = wb[SHEET_BASICS]
        last = basics.max_row + 1
        basics.cell(last, 1, "用交办清单")
        basics.cell(last, 2, "否")
    workbook = _edited(tmp_path, edit)
    with pytest.raises(SetupError) as err:
        load_campaign(workbook)
    text = str(err.value)
    assert f"{SHEET_BASICS}!A{last_row(workbook)}：“用交办清单”写了两行" in text
    assert f"{SHEET_GROUPS}!B3：第 1 组的“组名”前面已写为“浉河区组”，这里又写了“平桥区组”" in text

    def rename(wb):
        wb[SHEET_GROUPS]["D1"] = "组长（必填）"
    renamed = _edited(tmp_path / "renamed", rename)
    with pytest.raises(SetupError) as err:
        load_campaign(renamed)
    assert f"{SHEET_GROUPS}!A1：表头找不到“组长”" in str(err.value)


def last_row(workbook: Path) -> int:
    return openpyxl.load_workbook(workbook)[SHEET_BASICS].max_row


def _basics_row(wb, label: str) -> int:
    basics = wb[SHEET_BASICS]
    return next(r for r in range(2, basics.max_row + 1) if basics.cell(r, 1).value == label)


def test_workbook_round_typed_as_a_date_and_a_rule_between_items_named_by_cell(tmp_path):
    """Excel turns 2023-08 into a date: it is the round 2023-08. A rule between two items (隐患整改跟踪表
    needs 交办清单) names the cell, not a TOML key."""
    def as_date(wb):
        wb[SHEET_BASICS].cell(_basics_row(wb, "轮次"), 2).value = datetime(2023, 8, 1)
    assert load_campaign(_edited(tmp_path / "date", as_date)).config.round == "2023-08"

    rows = {}

    def followup_alone(wb):
        rows["followup"] = _basics_row(wb, "用隐患整改跟踪表")
        wb[SHEET_BASICS].cell(_basics_row(wb, "用交办清单"), 2).value = "否"
    with pytest.raises(SetupError) as err:
        load_campaign(_edited(tmp_path / "rule", followup_alone))
    assert f"{SHEET_BASICS}!B{rows['followup']}（用隐患整改跟踪表）：隐患整改跟踪表跟踪的是交办清单里的隐患" in str(err.value)


def test_setup_never_writes_over_an_existing_workbook(tmp_path, capsys):
    """The clerk's workbook (perhaps edited) is never rebuilt over: one Chinese line, exit 2, bytes kept."""
    workbook = _edited(tmp_path, lambda wb: wb[SHEET_GROUPS].__setitem__("B2", "改过的组名"))
    before = workbook.read_bytes()
    assert main(["setup", "--config", str(workbook), "--output", str(tmp_path)]) == 2
    assert workbook.read_bytes() == before
    err = capsys.readouterr().err
    assert err.startswith("无法运行：") and "已经存在" in err and "--output" in err


def test_workbook_date_without_year__the_campaigns_year_said_at_its_cell(tmp_path, capsys):
    """"9月8日" as text: the deadline follows the end of the inspection (2023年8月28日), so it is
    2023年9月8日 — never this computer's year — and the console says what was assumed, at the cell."""
    rows = {}

    def yearless(wb):
        rows["deadline"] = _basics_row(wb, "报送截止日期")
        wb[SHEET_BASICS].cell(rows["deadline"], 2).value = "9月8日"
        wb[SHEET_BASICS].cell(_basics_row(wb, "检查开始日期"), 2).value = "8月7日"
    workbook = _edited(tmp_path, yearless)
    campaign = load_campaign(workbook)
    assert (campaign.config.inspection_start, campaign.config.deadline) == (date(2023, 8, 7), date(2023, 9, 8))
    assert f"{SHEET_BASICS}!B{rows['deadline']}：“报送截止日期”“9月8日”没有写年份，按 2023年9月8日 读取" \
           "（检查结束日期为 2023年8月28日）；如不是这一年，请写明年份" in campaign.notes
    assert main(["templates", "--config", str(workbook), "--output", str(tmp_path / "t"), "--quiet"]) == 0
    assert f"设置表格提醒：{SHEET_BASICS}!B{rows['deadline']}：“报送截止日期”“9月8日”没有写年份" in capsys.readouterr().out


def test_workbook_date_without_year_the_round_cannot_tell__error_asks_for_the_year(tmp_path):
    """An annual round (2018年度): a start typed "1月10日" may be January 2018 or 2019."""
    def annual(wb):
        wb[SHEET_BASICS].cell(_basics_row(wb, "轮次"), 2).value = "2018年度"
        wb[SHEET_BASICS].cell(_basics_row(wb, "检查开始日期"), 2).value = "1月10日"
    with pytest.raises(SetupError) as err:
        load_campaign(_edited(tmp_path, annual))
    assert "“检查开始日期”“1月10日”没有写年份，从轮次为 2018年度看不出是哪一年，请写明年份" in str(err.value)


def test_workbook_date_in_another_year__warned(tmp_path):
    """A full date whose year is not the campaign's (2026 for a 2023 round): a warning at its cell."""
    def other_year(wb):
        wb[SHEET_BASICS].cell(_basics_row(wb, "报送截止日期"), 2).value = datetime(2026, 9, 8)
    campaign = load_campaign(_edited(tmp_path, other_year))
    assert any("“报送截止日期”是 2026年9月8日，比“检查结束日期”（2023年8月28日）晚" in note for note in campaign.notes)


def test_workbook_group_facts_merged_over_its_rows__one_group_of_two_units(tmp_path):
    """001's groups each inspect two counties: 组号, 组名, 组长 … written once, merged over both rows."""
    source = ROOT / "examples" / "001_平顶山重大隐患专项行动" / "config.toml"
    _, workbook = workbook_from_config(source, tmp_path)
    expected = load_campaign(workbook).config
    wb = openpyxl.load_workbook(workbook)
    groups = wb[SHEET_GROUPS]
    header = [c.value for c in groups[1]]
    unit_col = header.index("被检查单位") + 1
    first = 2
    for r in range(2, groups.max_row + 2):
        if r > groups.max_row or groups.cell(r, 1).value != groups.cell(first, 1).value:
            if r - first > 1:
                for col in range(1, groups.max_column + 1):
                    if col == unit_col:
                        continue
                    for rr in range(first + 1, r):
                        groups.cell(rr, col).value = None
                    groups.merge_cells(start_row=first, start_column=col, end_row=r - 1, end_column=col)
            first = r
    groups.cell(2, 1).value = "第一组"
    wb.save(workbook)
    merged = load_campaign(workbook).config
    assert merged.groups == expected.groups
