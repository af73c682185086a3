"""Ordinary mistakes from a clerk's inbox, through real files: each one counts, or it is a finding at
its cell with the fix. None may change a score, a rank or a hazard count without a word.
"""

from datetime import date
from decimal import Decimal
import re
import shutil

import openpyxl
import pytest

from inspection.constants import PROGRESS_FILE
from inspection.findings import Code, finding
from inspection.model import ACCEPTED, IGNORED, MISSING, REJECTED, UNIT_REJECTED
from inspection.run import run
from tests.bombs import read_part, replace_part
from tests.filling import (
    DEDUCT_COL, REASON_COL, SCORE_COL, STATUS_COL, criterion_rows, fill_dispatch, fill_scoring,
    insert_rows_like_excel,
)

UNIT, OTHER = "淮滨县", "浉河区"
DEDUCTIONS = {"c07": (2, "抽查某化工公司未建立重大事故隐患台账"), "c36": (Decimal("0.5"), "未提请关闭")}


@pytest.fixture
def box(tmp_path, config, rubric, templates, campaign):
    class Box:
        input = tmp_path / "input"
        output = tmp_path / "output"

        def template(self, unit=UNIT, kind="打分表"):
            return templates.folder / f"{kind}_{config.group_for_unit(unit).number:02d}_{unit}.xlsx"

        def fill(self, unit=UNIT, name=None, **kwargs):
            kwargs.setdefault("deductions", DEDUCTIONS)
            return fill_scoring(self.template(unit), self.input / (name or f"{unit}.xlsx"), rubric, **kwargs)

        def run(self, **kwargs):
            self.input.mkdir(exist_ok=True)
            return run(campaign, self.input, self.output, **kwargs)

    return Box()


def mine(result, name):
    info = next(f for f in result.files if f.path == name)
    return info, [f for f in result.findings if f.file == name]


def expected(code, file, **values):
    """The message the catalog makes for these values (so tests never copy message text)."""
    return finding(code, file=file, **values).message


# --- 1. a blank template returned ----------------------------------------------------------------

def test_blank_template_returned__ignored_S008_unit_not_ranked(box, rubric):
    box.input.mkdir()
    shutil.copy(box.template(), box.input / "淮滨县打分表.xlsx")
    result = box.run()
    info, found = mine(result, "淮滨县打分表.xlsx")
    assert info.status == IGNORED and [f.code for f in found] == [Code.S008]
    assert found[0].message == expected(Code.S008, "", kind="打分表", name=UNIT)
    row = next(r for r in result.ranking if r.unit == UNIT)
    assert row.rank is None and row.status == MISSING
    assert UNIT not in result.scoring


def test_blank_template_with_a_score_typed_over_a_formula__the_score_error_not_a_blank(box, rubric):
    """Only a 得分 cell typed over (nothing else filled): somebody scored by hand, so it is D013 at that
    cell and the file is held, not set aside as a blank template."""
    box.input.mkdir()
    path = box.input / "淮滨县打分表.xlsx"
    shutil.copy(box.template(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["打分表"]
    row = criterion_rows(ws, rubric)["c07"]
    ws[f"{SCORE_COL}{row}"] = 1
    wb.save(path)
    result = box.run()
    info, found = mine(result, path.name)
    assert info.status == REJECTED
    assert (Code.D013, f"{SCORE_COL}{row}") in {(f.code, f.cell) for f in found}
    assert Code.S008 not in {f.code for f in found}


def test_whole_templates_folder_dragged_in__real_returns_ranked(box, config, templates):
    box.input.mkdir()
    shutil.copytree(templates.folder, box.input / "templates")
    for unit in config.units:
        box.fill(unit, name=f"报回/{unit}.xlsx", deductions={"c07": (1, "台账不全")})
    result = box.run()
    blanks = [f for f in result.files if f.path.startswith("templates/")]
    assert blanks and {f.status for f in blanks} == {IGNORED}
    assert {f.status for f in result.files if f.path.startswith("报回/")} == {ACCEPTED}
    assert not [f for f in result.findings if f.code == Code.M009]
    assert [r.score for r in result.ranking] == [Decimal(99)] * len(config.units)


def test_dates_only__D014_rejected(box):
    box.fill(deductions={}, edit=_clear_status)
    result = box.run()
    info, found = mine(result, f"{UNIT}.xlsx")
    assert info.status == REJECTED and [f.code for f in found if f.is_error] == [Code.D014]
    assert next(r for r in result.ranking if r.unit == UNIT).status == UNIT_REJECTED


def _clear_status(ws, rows):
    for r in rows.values():
        if type(ws[f"{STATUS_COL}{r}"]).__name__ != "MergedCell":
            ws[f"{STATUS_COL}{r}"] = None


# --- 2. deductions filled in a copied sheet ---------------------------------------------------------

def _filled_in_copy(ws, rows):
    """Copy the filled sheet to "打分表 (2)", then empty the original's fill-in cells, as someone who
    worked in the copy and sent the file with the original left blank."""
    copy = ws.parent.copy_worksheet(ws)
    copy.title = "打分表 (2)"
    for r in rows.values():
        for col in (DEDUCT_COL, REASON_COL, STATUS_COL):
            if type(ws[f"{col}{r}"]).__name__ != "MergedCell":
                ws[f"{col}{r}"] = None


def test_deductions_in_copied_sheet__S009_rejected(box, rubric):
    path = box.fill(edit=_filled_in_copy)
    result = box.run()
    info, found = mine(result, path.name)
    assert info.status == REJECTED and UNIT not in result.scoring
    copied = [f for f in found if f.code == Code.S009]
    assert len(copied) == 1 and copied[0].sheet == "打分表 (2)"
    rows = criterion_rows(openpyxl.load_workbook(path)["打分表"], rubric)
    first = min((rows["c01"], STATUS_COL), (rows["c07"], DEDUCT_COL))  # the first cell that differs
    assert copied[0].cell == f"{first[1]}{first[0]}"


def test_identical_copy_of_filled_sheet__accepted(box):
    path = box.fill(edit=lambda ws, rows: setattr(ws.parent.copy_worksheet(ws), "title", "备份"))
    result = box.run()
    info, found = mine(result, path.name)
    assert info.status == ACCEPTED and result.scoring[UNIT].total == Decimal("97.5")
    assert not [f for f in found if f.code.name.startswith("S")]


# --- 3. another unit's template, retitled -----------------------------------------------------------

def _retitle(ws, rows):
    ws["A2"] = ws["A2"].value.replace(UNIT, OTHER)


def test_retitled_template__M011_both_units_named(box):
    box.fill(name="浉河区检查.xlsx", edit=_retitle)  # 淮滨县's form filled in for 浉河区
    box.fill()  # and 淮滨县's own return
    result = box.run()
    info, found = mine(result, "浉河区检查.xlsx")
    assert info.status == REJECTED
    held = [f for f in found if f.code == Code.M011]
    assert [(f.code, f.cell) for f in found] == [(Code.M011, "A2")]  # said once, not again as a stray
    assert f"“{OTHER}”" in held[0].message and f"{UNIT}的打分表" in held[0].message
    assert mine(result, f"{UNIT}.xlsx")[0].status == ACCEPTED  # not M009: the real one stands
    assert not [f for f in result.findings if f.code == Code.M009]
    assert next(r for r in result.ranking if r.unit == OTHER).status == MISSING


# --- 4. a row inserted under a criterion ------------------------------------------------------------

def test_row_inserted_with_deduction__S010_at_its_cell(box, rubric):
    def insert(ws, rows):
        at = rows["c08"] + 1  # under criterion (8), the last of its item
        insert_rows_like_excel(ws, at, 1)
        ws[f"{DEDUCT_COL}{at}"] = 1
        ws[f"{REASON_COL}{at}"] = "另查一家企业台账缺失"

    path = box.fill(edit=insert)
    result = box.run()
    info, found = mine(result, path.name)
    at = criterion_rows(openpyxl.load_workbook(path)["打分表"], rubric)["c08"] + 1
    assert info.status == REJECTED
    assert [(f.code, f.cell) for f in found if f.code in (Code.S010, Code.S011)] == [
        (Code.S010, f"{DEDUCT_COL}{at}"), (Code.S011, f"{REASON_COL}{at}")]
    assert "不是评分标准行" in found[0].message or any("不是评分标准行" in f.message for f in found)


def test_text_beside_the_table__S011_warning_still_accepted(box, rubric):
    path = box.fill(edit=lambda ws, rows: ws.cell(rows["c07"], 9, "已拍照留存"))
    result = box.run()
    info, found = mine(result, path.name)
    assert info.status == ACCEPTED and result.scoring[UNIT].total == Decimal("97.5")
    assert [(f.code, f.cell) for f in found] == [(Code.S011, f"I{criterion_rows(openpyxl.load_workbook(path)['打分表'], rubric)['c07']}")]


# --- 5. the score written where the deduction belongs -------------------------------------------------

@pytest.mark.parametrize("where, value, code, col", [
    ("score", 3, Code.D013, SCORE_COL),  # 得分 typed over the formula, 扣分 blank
    ("reason", "未建立台账，扣1分", Code.D012, DEDUCT_COL),
    ("reason", 1, Code.D012, DEDUCT_COL),  # the amount in 扣分原因
    ("status", "抽查发现台账缺失，扣 2 分", Code.D012, STATUS_COL),
])
def test_deduction_written_elsewhere__held(box, rubric, where, value, code, col):
    def write(ws, rows):
        r = rows["c07"]
        target = {"score": SCORE_COL, "reason": REASON_COL, "status": STATUS_COL}[where]
        ws[f"{target}{r}"] = value

    path = box.fill(deductions={}, edit=write)
    result = box.run()
    info, found = mine(result, path.name)
    r = criterion_rows(openpyxl.load_workbook(path)["打分表"], rubric)["c07"]
    assert info.status == REJECTED, [(f.code.name, f.message) for f in found]
    assert (code, f"{col}{r}") in [(f.code, f.cell) for f in found]
    assert UNIT not in result.scoring  # never full marks


def test_stale_formula_still_full_marks__D010_warning_our_score(box, rubric):
    """A deduction typed into a workbook that did not recalculate (Excel set to manual after the
    完成情况 were filled in, which made every 得分 show full marks): the 得分 formula still shows full
    marks. Built in the XML, as Excel leaves it: formula and old value."""
    box.input.mkdir()
    data = box.template().read_bytes()
    rows = criterion_rows(openpyxl.load_workbook(box.template())["打分表"], rubric)
    sheet = read_part(data, "xl/worksheets/sheet1.xml")
    total_row = max(rows.values()) + 1
    for row, points in [*((rows[i.criteria[0].id], i.points) for i in rubric.items), (total_row, rubric.total)]:
        sheet, n = re.subn(rf'(<c r="{SCORE_COL}{row}"[^>]*><f>[^<]*</f>)<v></v>'.encode(),
                           rf"\g<1><v>{points}</v>".encode(), sheet)
        assert n == 1
    r = rows["c07"]
    sheet, n = re.subn(rf'<c r="{DEDUCT_COL}{r}" s="(\d+)"/>'.encode(),
                       rf'<c r="{DEDUCT_COL}{r}" s="\1"><v>2</v></c>'.encode(), sheet)
    assert n == 1
    sheet, n = re.subn(rf'<c r="{REASON_COL}{r}" s="(\d+)"/>'.encode(),
                       rf'<c r="{REASON_COL}{r}" s="\1" t="inlineStr"><is><t>台账缺失</t></is></c>'.encode(), sheet)
    assert n == 1
    (box.input / "手动计算.xlsx").write_bytes(replace_part(data, "xl/worksheets/sheet1.xml", sheet))
    result = box.run()
    info, found = mine(result, "手动计算.xlsx")
    assert info.status == ACCEPTED and result.scoring[UNIT].total == Decimal(98)
    d010 = [f for f in found if f.code == Code.D010]
    assert [f.cell for f in d010] == [f"{SCORE_COL}{r}", f"{SCORE_COL}{max(rows.values()) + 1}"]  # item and total


# --- 7. "无" or "/" as the reason -------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["无", "/", "同上", " 无。"])
def test_reason_that_gives_none__D006(box, rubric, reason):
    path = box.fill(deductions={"c05": (1, reason)})
    result = box.run()
    info, found = mine(result, path.name)
    r = criterion_rows(openpyxl.load_workbook(path)["打分表"], rubric)["c05"]
    assert info.status == REJECTED
    assert [(f.code, f.cell) for f in found if f.is_error] == [(Code.D006, f"{REASON_COL}{r}")]
    assert f"只写了“{reason.strip()}”" in found[0].message


# --- the page and the file name against _meta --------------------------------------------------------

def test_dispatch_list_retitled__M011(box, config):
    target = box.input / "交办.xlsx"

    def retitle(ws, header):
        for row in ws.iter_rows(max_row=header - 1):
            for cell in row:
                if cell.value == UNIT:
                    cell.value = OTHER

    fill_dispatch(box.template(kind="交办清单"), target, [{"企业（单位）名称": "某公司", "问题隐患描述": "某隐患"}],
                  edit=retitle)
    result = box.run()
    info, found = mine(result, "交办.xlsx")
    assert info.status == REJECTED and [f.code for f in found if f.is_error] == [Code.M011]


# --- data lost: a 交办清单 whose 序号 repeats ---------------------------------------------------------

def test_dispatch_repeated_numbers__every_row_a_hazard(box):
    hazards = [{"企业（单位）名称": f"公司{n}", "问题隐患描述": f"隐患{n}", "整改状态": "未整改" if n % 2 else "已整改"}
               for n in range(7)]

    def renumber(ws, header):  # 1–4 then 1–3, as when two sheets of paper were typed in
        for n, no in enumerate([1, 2, 3, 4, 1, 2, 3]):
            ws[f"A{header + 1 + n}"] = no

    fill_dispatch(box.template(kind="交办清单"), box.input / "交办.xlsx", hazards, edit=renumber)
    result = box.run(as_of=date(2023, 9, 15))
    assert len(result.hazards) == 7 and len({h.id for h in result.hazards}) == 7
    assert [h.number for h in result.hazards] == [1, 2, 3, 4, 1, 2, 3]
    repeated = [f for f in result.findings if f.code == Code.H009]
    assert [f.cell for f in repeated] == ["A11", "A12", "A13"]
    assert not [f for f in result.findings if f.code == Code.A002]  # not one file against itself
    assert len(result.tracked) == 7


def test_dispatch_rows_below_signatures__still_hazards(box):
    def below(ws, header):
        last = ws.max_row
        ws[f"B{last + 2}"] = "补记：某加油站"
        ws[f"D{last + 2}"] = "卸油区未设静电接地"

    fill_dispatch(box.template(kind="交办清单"), box.input / "交办.xlsx",
                  [{"企业（单位）名称": "某公司", "问题隐患描述": "某隐患"}], edit=below)
    result = box.run()
    assert [h.company for h in result.hazards] == ["某公司", "补记：某加油站"]


def test_dispatch_hazard_in_the_number_column_alone__a_finding_at_its_cell(box):
    """A hazard typed into 序号 of a prepared row (the rest of the row empty) is not a hazard the
    tool can count: it is a finding at that cell, never dropped without a word."""
    def in_number(ws, header):
        ws[f"A{header + 2}"] = "乙公司 配电箱未接地"

    fill_dispatch(box.template(kind="交办清单"), box.input / "交办.xlsx",
                  [{"企业（单位）名称": "甲公司", "问题隐患描述": "消防通道堵塞"}], edit=in_number)
    result = box.run()
    assert [h.company for h in result.hazards] == ["甲公司"]
    at = [f for f in result.findings if f.file == "交办.xlsx" and f.code in (Code.S010, Code.S011)]
    assert [f.cell[0] for f in at] == ["A"] and "乙公司" in at[0].message


def test_dispatch_text_beside_a_signature__a_finding_at_its_cell(box):
    """Only the label and the box beside it belong to a signature line; a hazard typed further
    along that row is reported at its cell."""
    def beside(ws, header):
        row = next(c.row for (c,) in ws.iter_rows(min_col=1, max_col=1, min_row=header + 1)
                   if isinstance(c.value, str) and c.value.endswith("签字："))
        ws[f"I{row}"] = "丙公司 灭火器过期"

    fill_dispatch(box.template(kind="交办清单"), box.input / "交办.xlsx",
                  [{"企业（单位）名称": "甲公司", "问题隐患描述": "消防通道堵塞"}], edit=beside)
    result = box.run()
    at = [f for f in result.findings if f.file == "交办.xlsx" and f.code in (Code.S010, Code.S011)]
    assert [f.cell[0] for f in at] == ["I"] and "丙公司" in at[0].message


def test_deduction_typed_as_text_in_recalculated_file__counted_D010(box, rubric, tmp_path):
    """"2分" typed into 扣分 (pasted, so the cell's validation did not stop it): Excel's SUM skips
    text, so the file's own 得分 stays full; the tool reads the 2 and says so at the 得分 cell."""
    from tests.libreoffice import convert

    filled = fill_scoring(box.template(), tmp_path / "text.xlsx", rubric, deductions={"c07": ("2分", "台账缺失")})
    convert(filled, "xlsx", box.input, tmp_path / "profile")  # recalculated by a real spreadsheet program
    result = box.run()
    info, found = mine(result, "text.xlsx")
    r = criterion_rows(openpyxl.load_workbook(filled)["打分表"], rubric)["c07"]
    assert info.status == ACCEPTED and result.scoring[UNIT].total == Decimal(98)
    assert [f.cell for f in found if f.code == Code.D010][0] == f"{SCORE_COL}{r}"


# --- a unit that is not ranked says why --------------------------------------------------------------

def test_units_not_ranked__each_with_why(box):
    box.input.mkdir()
    shutil.copy(box.template("商城县"), box.input / "商城县.xlsx")  # a blank form
    box.fill(name="浉河区检查.xlsx", edit=_retitle)  # 淮滨县's form filled in for 浉河区
    box.fill("息县", deductions={"c05": (1, "无")})  # held: D006
    result = box.run()
    why = {r.unit: (r.status, r.why) for r in result.ranking if r.unit in ("商城县", OTHER, UNIT, "息县")}
    assert why["商城县"] == (MISSING, "收到的 商城县.xlsx 是未填写的空白模板")
    assert why[OTHER] == (MISSING, f"浉河区检查.xlsx 是为本单位填写的，但用了{UNIT}的模板，未采用")
    assert why[UNIT][0] == UNIT_REJECTED and why[UNIT][1].startswith(Code.M011.title)
    assert why["息县"] == (UNIT_REJECTED, f"{Code.D006.title}（息县.xlsx）")
    u001 = {f.unit: f.message for f in result.findings if f.code == Code.U001}
    assert u001["商城县"].endswith("收到的 商城县.xlsx 是未填写的空白模板。")
    assert u001[OTHER].endswith(f"浉河区检查.xlsx 是为本单位填写的，但用了{UNIT}的模板，未采用。")


# --- 调度表: a count written beside its field is not a count --------------------------------------

def test_progress_number_beside_the_table__S010_held(box, config, templates):
    from tests.filling import fill_progress

    def beside(ws, header):
        ws.cell(header + 1, 6, 12)  # column F, right of 累计数
    fill_progress(templates.folder / PROGRESS_FILE.format(reporter=UNIT, round=config.round),
                  box.input / "调度.xlsx", {}, default=3,
                  edit=beside)
    result = box.run()
    info, found = mine(result, "调度.xlsx")
    assert info.status == REJECTED and [(f.code, f.cell[0]) for f in found if f.is_error] == [(Code.S010, "F")]
