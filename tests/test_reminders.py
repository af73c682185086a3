"""催报: every expected return not received or not accepted is on the 催报清单 sheet and in 催报消息_….txt,
read back from the files `run` writes."""

from datetime import date
import shutil

import openpyxl
import pytest

from inspection.spec.campaign import load_campaign
from inspection.cli import main
from inspection.constants import SCORING_FILE
from inspection.kinds.scoring.demo import fill_scoring_returns
from inspection.model import BLANK_RECEIVED, NOT_ACCEPTED, NOT_RECEIVED
from inspection.run import run
from inspection.templates import generate_templates
from inspection.report.reminders import SHEET_REMINDERS, messages_path
from tests.filling import fill_scoring
from tests.test_examples import PINGDINGSHAN_2023, XUCHANG_2018

AS_OF = date(2023, 9, 12)  # four days after the default campaign's deadline (2023-09-08)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory, campaign, templates):
    """Scoring sheets only: 淮滨县 rejected (a deduction over the criterion's points), 商城县 the blank
    template sent back, 息县 nothing, the other eight accepted."""
    config, rubric = campaign.config, campaign.rubric
    folder = tmp_path_factory.mktemp("reminders")
    inputs = folder / "input"
    inputs.mkdir()
    for unit in config.units:
        template = templates.folder / SCORING_FILE.format(group=config.group_for_unit(unit).number, unit=unit)
        if unit == "淮滨县":
            fill_scoring(template, inputs / f"{unit}.xlsx", rubric, deductions={"c05": (50, "超过分值")})
        elif unit == "商城县":
            shutil.copy(template, inputs / f"{unit}打分表.xlsx")
        elif unit != "息县":
            fill_scoring(template, inputs / f"{unit}.xlsx", rubric)
    result = run(campaign, inputs, folder / "output", as_of=AS_OF)
    return result, openpyxl.load_workbook(result.output_path)[SHEET_REMINDERS]


def test_reminders__each_scoring_sheet_not_used_with_its_state(outcome):
    result, _ = outcome
    scoring = {r.name: r for r in result.reminders if r.kind == "打分表"}
    assert set(scoring) == {"淮滨县", "商城县", "息县"}
    assert scoring["淮滨县"].state == NOT_ACCEPTED and "淮滨县.xlsx" in scoring["淮滨县"].detail
    assert scoring["商城县"].state == BLANK_RECEIVED and "商城县打分表.xlsx" in scoring["商城县"].detail
    assert scoring["息县"].state == NOT_RECEIVED
    assert scoring["息县"].sender == "第 3 组（罗山县组）"


def test_reminders__other_forms_the_campaign_uses_are_owed_too(outcome, config):
    """No 交办清单 or 调度表 came in: all are owed, from their senders (调度表 from the units and departments)."""
    result, _ = outcome
    assert sorted(r.name for r in result.reminders if r.kind == "交办清单") == sorted(config.units)
    progress = [r for r in result.reminders if r.kind == "调度表"]
    assert [r.name for r in progress] == [r.sender for r in progress] == [*config.units, *config.departments]


def test_reminders__sheet_by_sender_with_deadline_and_days_overdue(outcome, config):
    result, ws = outcome
    rows = [list(r) for r in ws.iter_rows(values_only=True)][1:]  # under the title
    assert rows[0] == ["序号", "催报对象", "单位", "表格", "情况", "说明", "报送截止", "逾期天数\n截至2023-09-12"]
    assert len(rows) == 1 + len(result.reminders)
    xi = next(r for r in rows if r[2] == "息县" and r[3] == "打分表")
    assert xi[1] == "第 3 组（罗山县组）" and xi[4] == "未收到" and xi[6] == "2023-09-08" and xi[7] == 4
    # Groups first, in their order, each with its units' forms; then the units and departments themselves.
    senders = list(dict.fromkeys(r[1] for r in rows[1:]))
    groups = [f"第 {g.number} 组（{g.name}）" for g in config.groups]
    assert senders == groups + [*config.units, *config.departments]
    assert ws["A1"].value == "催报清单（2023-08，截至2023-09-12）"
    assert ws.print_title_rows == "$2:$2"  # the header row on every printed page


def test_reminders__messages_one_per_sender_for_notepad(outcome, config):
    result, _ = outcome
    path = messages_path(result.output_path)
    assert result.reminders_path == path and path.name == "催报消息_信阳市安全生产县际异地交叉检查_2023-08.txt"
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    blocks = [b for b in text.split("\r\n\r\n")[1:] if b.strip()]
    assert len(blocks) == len({r.sender for r in result.reminders})
    group3 = next(b for b in blocks if b.startswith("【发给 第 3 组（罗山县组）】"))
    assert "息县打分表（未收到）" in group3 and "息县交办清单（未收到）" in group3
    assert "已逾期 4 天" in group3 and "市安委会办公室" in group3
    group1 = next(b for b in blocks if b.startswith("【发给 第 1 组（浉河区组）】"))
    assert "淮滨县打分表（已收到，但未通过校验，请按退回的修改说明改好后重新报送）" in group1
    group2 = next(b for b in blocks if b.startswith("【发给 第 2 组（平桥区组）】"))
    assert "商城县打分表（收到的是空白表，请填写后报送）" in group2


def test_reminders__summary_line(tmp_path, capsys):
    """The summary says how many returns are owed and where the list is."""
    (tmp_path / "in").mkdir()
    code = main(["run", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"), "--as-of", "2023-09-01",
                 "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == 1
    # 打分表 and 交办清单 of 11 units (from the groups); 调度表, 自评表 and 自查问题清单 of 11 units; 调度表 of 9 departments
    owed = 11 + 11 + 11 * 3 + 9
    assert f"催报：{owed} 份表格未收到或未采用，涉及 {11 + 11 + 9} 个报送对象" in out
    assert "催报消息_信阳市安全生产县际异地交叉检查_2023-08.txt" in out
    text = (tmp_path / "out" / "催报消息_信阳市安全生产县际异地交叉检查_2023-08.txt").read_text("utf-8-sig")
    assert "报送截止日期为2023年9月8日，还有 7 天" in text


def test_reminders__group_leader_and_phone_when_the_campaign_lists_them(tmp_path):
    """001 lists each group's 组长 and phone: they are on the sheet and the message greets the leader."""
    campaign = load_campaign(PINGDINGSHAN_2023 / "config.toml")
    (tmp_path / "in").mkdir()
    result = run(campaign, tmp_path / "in", tmp_path / "out", as_of=campaign.config.deadline)
    ws = openpyxl.load_workbook(result.output_path)[SHEET_REMINDERS]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "催报对象", "组长", "联系电话"]
    first = [c.value for c in ws[3]]
    assert first[1:4] == ["第 1 组（第一组）", "孙宝印（市应急管理局局长）", "13939968926"]
    text = result.reminders_path.read_text("utf-8-sig")
    assert "【发给 第 1 组（第一组），组长 孙宝印（市应急管理局局长），电话 13939968926】\n孙宝印组长：您好！" in text
    # the group's units in the campaign's (administrative) order, each with its forms
    assert "以下表格尚未收齐：湛河区打分表（未收到）；湛河区交办清单（未收到）；宝丰县打分表（未收到）；宝丰县交办清单（未收到）。" in text
    assert f"今天（{campaign.config.deadline.year}年" in text


def test_reminders__nothing_owed_says_so(tmp_path):
    """004 uses only 打分表: with every unit's sheet accepted there is nobody to remind, and both files say so."""
    campaign = load_campaign(XUCHANG_2018 / "config.toml")
    templates = generate_templates(campaign, tmp_path / "tpl")
    fill_scoring_returns(campaign.config, campaign.rubric, templates.scoring, tmp_path / "in")
    result = run(campaign, tmp_path / "in", tmp_path / "out", as_of=campaign.config.deadline)
    assert result.reminders == [] and len(result.scoring) == len(campaign.config.units)
    ws = openpyxl.load_workbook(result.output_path)[SHEET_REMINDERS]
    assert ws["A3"].value == "应报的表格已全部收到并采用，无需催报。"
    assert "无需催报" in result.reminders_path.read_text("utf-8-sig")
