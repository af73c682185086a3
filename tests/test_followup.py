"""隐患整改跟踪表 through files: written from the archive, filled by a unit, read back, hazards closed."""

from datetime import date

import openpyxl
import pytest

from inspection.cli import main
from inspection.findings import Code
from inspection.model import ACCEPTED
from inspection.templates import generate_templates
from tests.filling import put_text
from tests.test_hazards import HAZARDS
from tests.test_rounds import Rounds

OPEN = [{**HAZARDS[0], "企业（单位）名称": f"淮滨某{n}号化工有限公司", "整改状态": "未整改"} for n in range(1, 6)]
SHANGCHENG = [{**HAZARDS[0], "企业（单位）名称": "商城某化工有限公司", "整改状态": "未整改"}]
HEADER_ROW = 4  # 1-based, under the title, the unit line and 填报时间


@pytest.fixture
def rounds(tmp_path, rubric):
    return Rounds(tmp_path, rubric)


def rows_of(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 1) if row[1].value]


def test_followup_table_lists_open_hazards_of_each_unit(rounds):
    first = rounds.round("2023-08", dispatch={"淮滨县": HAZARDS, "商城县": SHANGCHENG})
    result = generate_templates(rounds.campaign("2023-09"), rounds.folder / "t2", rounds.archive)
    assert sorted(p.name for p in result.followup) == ["隐患整改跟踪表_商城县_2023-09.xlsx",
                                                       "隐患整改跟踪表_淮滨县_2023-09.xlsx"]
    assert result.open_hazards == 3  # HAZARDS[1] was reported 已整改 in its own list

    wb = openpyxl.load_workbook(rounds.folder / "t2" / "隐患整改跟踪表_淮滨县_2023-09.xlsx")
    ws = wb["隐患整改跟踪"]
    assert [c.value for c in ws[HEADER_ROW]] == [
        "序号", "隐患编号", "企业（单位）名称", "行业领域", "隐患级别", "问题隐患描述", "整改要求", "整改时限",
        "首次交办", "上次状态", "整改状态", "整改完成日期", "整改情况说明"]
    huaibin = [h for h in first.hazards if h.unit == "淮滨县" and h.status != "已整改"]
    rows = rows_of(ws)
    assert [r[1] for r in rows] == [h.id for h in huaibin]
    assert rows[0][2:8] == ["信阳某化工有限公司", "危险化学品", "重大事故隐患", "储罐区可燃气体报警器失效",
                            "立即停用并更换", rows[0][7]] and rows[0][7].date() == date(2023, 8, 30)
    assert rows[0][8:10] == ["2023-08-15", "整改中"] and rows[1][9] == "未整改"
    assert ws.protection.sheet and not ws["K5"].protection.locked and ws["B5"].protection.locked
    meta = dict(r for r in wb["_meta"].iter_rows(values_only=True) if r[0])
    assert (meta["kind"], meta["county"], meta["group"], meta["round"]) == ("followup", "淮滨县", "1", "2023-09")


def fill_followup(template, target, statuses: dict, *, report_day=date(2023, 9, 20), extra=()):
    """statuses: row number (1-based in the table) → (整改状态, 整改完成日期, 说明); extra: (id, 状态) rows appended."""
    wb = openpyxl.load_workbook(template)
    ws = wb["隐患整改跟踪"]
    ws["C3"] = report_day  # beside the 填报时间 label, merged over the first two columns
    for n, (status, day, note) in statuses.items():
        row = HEADER_ROW + n
        ws[f"K{row}"], ws[f"L{row}"] = status, day
        put_text(ws, f"M{row}", note)
    last = HEADER_ROW + len(rows_of(ws))
    for k, (hazard_id, status) in enumerate(extra, start=1):
        ws[f"B{last + k}"], ws[f"K{last + k}"] = hazard_id, status
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def test_filled_followup_closes_and_updates_hazards_with_each_problem_located(rounds):
    first = rounds.round("2023-08", dispatch={"淮滨县": OPEN, "商城县": SHANGCHENG})
    ids = [h.id for h in first.hazards if h.unit == "淮滨县"]
    other = next(h.id for h in first.hazards if h.unit == "商城县")
    templates = generate_templates(rounds.campaign("2023-09"), rounds.folder / "t2", rounds.archive)
    table = next(p for p in templates.followup if "淮滨县" in p.name)
    fill_followup(table, rounds.folder / "input-2023-09" / "淮滨跟踪.xlsx", {
        1: ("已整改", date(2023, 9, 10), "已更换报警器"),
        2: ("整改中", None, "=正在采购"),
        3: ("搞定了", None, ""),
        4: ("已整改", None, ""),
        5: ("已整改", "九月底", ""),
    }, extra=[("XXXX-2023-08-01-999", "已整改"), (other, "已整改")])
    second = rounds.rerun("2023-09", as_of=date(2023, 9, 25))

    assert [f.status for f in second.files] == [ACCEPTED]
    located = {(f.code, f.cell) for f in second.findings if f.code.name.startswith("K")}
    assert located == {(Code.K002, "K7"), (Code.K003, "L8"), (Code.K004, "L9"), (Code.K001, "B10"),
                       (Code.K005, "B11")}
    k005 = next(f for f in second.findings if f.code == Code.K005)
    assert "商城县" in k005.message and other in k005.message

    tracked = {t.hazard.id: t for t in second.tracked}
    assert (tracked[ids[0]].closed_on, tracked[ids[0]].closed_round) == (date(2023, 9, 10), "2023-09")
    assert (tracked[ids[1]].status, tracked[ids[1]].status_on, tracked[ids[1]].closed_round) == (
        "整改中", date(2023, 9, 20), "")
    assert tracked[ids[2]].status == "未整改"  # an unrecognised status changes nothing
    assert tracked[ids[3]].closed_on == tracked[ids[4]].closed_on == date(2023, 9, 20)  # the 填报时间
    assert tracked[other].status == "未整改"  # another unit's table cannot close it

    ledger = openpyxl.load_workbook(second.output_path)["问题隐患台账"]
    row = next([c.value for c in r] for r in ledger.iter_rows(min_row=2) if r[0].value == ids[0])
    assert row[11] == "已整改" and row[15] == "已销号 2023-09-10"

    third = generate_templates(rounds.campaign("2023-10"), rounds.folder / "t3", rounds.archive)
    ws = openpyxl.load_workbook(next(p for p in third.followup if "淮滨县" in p.name))["隐患整改跟踪"]
    assert [r[1] for r in rows_of(ws)] == ids[1:3]  # closed hazards are no longer asked about
    assert [r[9] for r in rows_of(ws)] == ["整改中", "未整改"]


@pytest.mark.parametrize("report_day, what", [(None, "未填写"), ("九月下旬", "“九月下旬”无法识别")])
def test_followup_without_usable_report_date__K006_at_its_cell(rounds, report_day, what):
    rounds.round("2023-08", dispatch={"淮滨县": OPEN})
    templates = generate_templates(rounds.campaign("2023-09"), rounds.folder / "t2", rounds.archive)
    table = next(p for p in templates.followup if "淮滨县" in p.name)
    fill_followup(table, rounds.folder / "input-2023-09" / "淮滨跟踪.xlsx", {1: ("整改中", None, "")},
                  report_day=report_day)
    second = rounds.rerun("2023-09", as_of=date(2023, 9, 25))
    k006 = [f for f in second.findings if f.code == Code.K006]
    assert [(f.sheet, f.cell) for f in k006] == [("隐患整改跟踪", "C3")] and what in k006[0].message
    assert [f.status for f in second.files] == [ACCEPTED]


def test_templates_command_writes_followup_tables_from_the_archive(rounds, capsys):
    rounds.round("2023-08", dispatch={"淮滨县": HAZARDS})
    config_path = rounds.folder / "config-2023-09.toml"
    rounds.config("2023-09")
    out = rounds.folder / "t2"
    assert main(["templates", "--config", str(config_path), "--output", str(out),
                 "--archive", str(rounds.archive)]) == 0
    printed = capsys.readouterr().out
    assert "隐患整改跟踪表 1 份" in printed and "2 条隐患未销号" in printed
    assert (out / "隐患整改跟踪表_淮滨县_2023-09.xlsx").exists()

    assert main(["templates", "--config", str(config_path), "--output", str(out),
                 "--archive", str(rounds.folder / "none.sqlite")]) == 2
    assert "找不到归档文件" in capsys.readouterr().err


def test_followup_same_hazard_on_two_rows__K007_at_the_repeat(rounds):
    """The same 隐患编号 reported twice (a row copied, an id mistyped as another's): which status is
    meant cannot be known, so the repeat is a warning at its cell, naming both rows."""
    first = rounds.round("2023-08", dispatch={"淮滨县": OPEN})
    ids = [h.id for h in first.hazards if h.unit == "淮滨县"]
    templates = generate_templates(rounds.campaign("2023-09"), rounds.folder / "t2", rounds.archive)
    table = next(p for p in templates.followup if "淮滨县" in p.name)
    fill_followup(table, rounds.folder / "input-2023-09" / "淮滨跟踪.xlsx", {1: ("整改中", None, "")},
                  extra=[(ids[0], "已整改")])
    second = rounds.rerun("2023-09", as_of=date(2023, 9, 25))
    k007 = [f for f in second.findings if f.code == Code.K007]
    last = HEADER_ROW + len(ids) + 1
    assert [f.cell for f in k007] == [f"B{last}"] and f"B{HEADER_ROW + 1}、B{last}" in k007[0].message


def test_two_rows_quoting_one_archived_id__the_second_a_new_hazard_with_H010(rounds):
    """备注 quoting an archived id carries that hazard on; a second row quoting the same id cannot be it
    too: it is a new hazard, said at its row. An id is quoted as a whole (…-001 is not in …-0019)."""
    first = rounds.round("2023-08", dispatch={"淮滨县": OPEN[:1]})
    (old,) = [h.id for h in first.hazards]
    rows = [{**HAZARDS[0], "企业（单位）名称": f"另一家{n}公司", "问题隐患描述": f"新描述{n}", "备注": f"即{old}"}
            for n in range(2)]
    rows.append({**HAZARDS[0], "企业（单位）名称": "第三家公司", "问题隐患描述": "又一处", "备注": f"见{old}9"})  # another id that begins with it
    second = rounds.round("2023-09", dispatch={"淮滨县": rows})
    ids = [h.id for h in second.hazards]
    assert ids[0] == old and old not in ids[1:] and len(set(ids)) == 3
    h010 = [f for f in second.findings if f.code == Code.H010]
    assert [(f.cell, old in f.message) for f in h010] == [(second.hazards[1].cell, True)]
