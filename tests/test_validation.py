"""Every finding code of the catalog, triggered through real files, checked for level and cell."""

from datetime import date
from decimal import Decimal
import shutil

import openpyxl
import pytest

from inspection.constants import SCORING_FILE
from inspection.findings import INFO, WARNING, Code
from inspection.model import ACCEPTED, IGNORED, MISSING, REJECTED, UNIT_REJECTED, UNREAD
from inspection.run import run
from tests.catalog import message
from tests.filling import fill_scoring, insert_cols_like_excel, insert_rows_like_excel, set_meta


@pytest.fixture
def box(tmp_path, config, rubric, templates, campaign):
    """An input folder to put returns into, and a way to run on it."""

    class Box:
        input = tmp_path / "input"
        output = tmp_path / "output"

        def template(self, unit: str):
            group = config.group_for_unit(unit)
            return templates.folder / SCORING_FILE.format(group=group.number, unit=unit)

        def fill(self, unit: str, name: str | None = None, **kwargs):
            return fill_scoring(self.template(unit), self.input / (name or f"{unit}.xlsx"), rubric, **kwargs)

        def run(self):
            self.input.mkdir(exist_ok=True)
            return run(campaign, self.input, self.output)

    return Box()


def only(result, code: Code):
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, (code, [(f.code.name, f.message) for f in result.findings])
    return found[0]


def status_of(result, name: str) -> str:
    return next(f.status for f in result.files if f.path == name)


# --- files ---

def test_text_file_named_xlsx__F001_rejected(box):
    box.input.mkdir()
    (box.input / "打分表.xlsx").write_text("这不是表格", encoding="utf-8")
    result = box.run()
    # The reader's own words (English) never reach the clerk for a file that is simply no spreadsheet.
    assert only(result, Code.F001).message == message(Code.F001, detail="不是 Excel、WPS 或 LibreOffice 能保存的表格格式")
    assert status_of(result, "打分表.xlsx") == REJECTED


def test_encrypted_container__F002_password(box):
    box.input.mkdir()
    # The start of an OLE compound file whose directory names an EncryptedPackage stream, as
    # Excel writes a workbook with an open password.
    blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(64)
    (box.input / "加密.xlsx").write_bytes(blob)
    result = box.run()
    assert only(result, Code.F002).message == message(Code.F002)


def test_lock_hidden_and_system_files__F003_ignored(box):
    box.input.mkdir()
    (box.input / "~$淮滨县.xlsx").write_bytes(b"lock")
    (box.input / ".DS_Store").write_bytes(b"x")
    (box.input / "Thumbs.db").write_bytes(b"x")
    result = box.run()
    ignored = {f.path: f.reason for f in result.files if f.status == IGNORED}
    assert set(ignored) == {"~$淮滨县.xlsx", ".DS_Store", "Thumbs.db"}
    assert all(f.level == INFO for f in result.findings if f.code == Code.F003)


def test_document_that_may_be_a_scanned_return__F016_warning_not_a_note(box):
    box.input.mkdir()
    (box.input / "说明.docx").write_bytes(b"x")
    result = box.run()
    assert only(result, Code.F016).level == WARNING and status_of(result, "说明.docx") == UNREAD


def test_zero_bytes__F004(box):
    box.input.mkdir()
    (box.input / "空.xlsx").write_bytes(b"")
    assert only(box.run(), Code.F004).file == "空.xlsx"


# --- identity ---

def test_no_meta__M001(box):
    box.input.mkdir()
    wb = openpyxl.Workbook()
    wb.active.title = "打分表"
    wb.save(box.input / "自制.xlsx")
    assert only(box.run(), Code.M001).file == "自制.xlsx"


@pytest.mark.parametrize("changes, code", [
    ({"kind": None}, Code.M002),
    ({"kind": "survey"}, Code.M003),
    ({"campaign": "别的检查"}, Code.M004),
    ({"rubric_id": "another-rubric"}, Code.M005),
    ({"county": "某某县", "reporter": "某某县"}, Code.M006),
    ({"group": "3"}, Code.M007),
    ({"round": "2023-09"}, Code.M008),  # a later round (an earlier one is set aside, tests/test_season.py)
])
def test_meta_edited__rejected(box, changes, code):
    path = box.fill("淮滨县")
    set_meta(path, **changes)
    result = box.run()
    assert only(result, code).is_error
    assert status_of(result, "淮滨县.xlsx") == REJECTED
    # Where the file still says which unit's scoring sheet it is, the unit shows as rejected.
    known = code in (Code.M004, Code.M005, Code.M007, Code.M008)
    expected = UNIT_REJECTED if known else MISSING
    assert next(r for r in result.ranking if r.unit == "淮滨县").status == expected


def test_meta_lost__identified_by_what_the_form_shows_M014(box):
    """The form copied into a new workbook loses the very hidden _meta, which nobody can see: the
    sheet says it is 淮滨县's 打分表, and it is read as this round's, with a warning saying so."""
    path = box.fill("淮滨县", deductions={"c07": (2, "台账缺失")})
    wb = openpyxl.load_workbook(path)
    del wb["_meta"]
    wb.save(path)
    result = box.run()
    assert only(result, Code.M014).message == message(Code.M014, name="淮滨县", form="打分表", kind="打分表",
                                                      round="2023-08")
    assert status_of(result, "淮滨县.xlsx") == ACCEPTED and result.scoring["淮滨县"].total == Decimal(98)


def test_rubric_revised_after_the_templates_went_out__read_by_this_version_M015(box):
    """The office raised the rubric's version after sending the forms: the group cannot see it, so the
    return is read by this version (its labels and points are checked as always), with a warning."""
    path = box.fill("淮滨县", deductions={"c07": (2, "台账缺失")})
    set_meta(path, rubric_version="0")
    result = box.run()
    assert only(result, Code.M015).message == message(Code.M015, value="0", expected="1")
    assert status_of(result, "淮滨县.xlsx") == ACCEPTED and result.scoring["淮滨县"].total == Decimal(98)


def test_identified_by_meta_not_name(box):
    box.fill("淮滨县", name="sub/第一组交来的表.xlsx")
    result = box.run()
    assert result.files[0].unit == "淮滨县" and result.files[0].status == ACCEPTED
    assert "淮滨县" in result.scoring


def test_file_named_after_another_unit__M012_held_with_both_named(box):
    box.fill("淮滨县", name="sub/商城县打分表.xlsx")
    result = box.run()
    found = only(result, Code.M012)
    assert result.files[0].status == REJECTED and "淮滨县" not in result.scoring
    assert found.message == message(Code.M012, page="商城县", meta="淮滨县", kind="打分表")


def test_file_named_after_the_sending_group__accepted(box):
    box.fill("淮滨县", name="浉河区组报送.xlsx")  # group 1, 浉河区组, inspects 淮滨县
    box.fill("商城县", name="平桥区.xlsx")  # named after the sender's home county, without 组
    result = box.run()
    assert {f.path: f.status for f in result.files} == {"浉河区组报送.xlsx": ACCEPTED, "平桥区.xlsx": ACCEPTED}


def test_two_different_files_same_unit__M009_neither_used(box):
    box.fill("淮滨县", name="a.xlsx")
    box.fill("淮滨县", name="b.xlsx", deductions={"c01": (1, "未明确第一责任人")})
    result = box.run()
    found = [f for f in result.findings if f.code == Code.M009]
    assert {f.file for f in found} == {"a.xlsx", "b.xlsx"} and all(f.is_error for f in found)
    assert "淮滨县" not in result.scoring


def test_identical_copies__M010_warning_one_used(box):
    path = box.fill("淮滨县", name="a.xlsx")
    shutil.copy(path, box.input / "a - 副本.xlsx")
    result = box.run()
    assert only(result, Code.M010).file == "a.xlsx"  # "a - 副本.xlsx" sorts first and is used
    assert "淮滨县" in result.scoring


# --- structure ---

def test_sheet_renamed__read_by_its_content_S013(box):
    """A tab renamed after the county: the sheet is still the form, so it is read, with a warning."""
    box.fill("淮滨县", deductions={"c07": (2, "台账缺失")}, edit=lambda ws, rows: setattr(ws, "title", "淮滨县"))
    result = box.run()
    assert only(result, Code.S013).message == message(Code.S013, name="打分表", renamed="淮滨县")
    assert result.scoring["淮滨县"].total == Decimal(98)


def test_sheet_renamed_beside_a_copy__S001_with_hint(box):
    """Two sheets could be the form: which one is meant cannot be known."""
    def rename_and_copy(ws, rows):
        ws.title = "打分表(1)"
        ws.parent.copy_worksheet(ws).title = "打分表(2)"
    box.fill("淮滨县", edit=rename_and_copy)
    found = only(box.run(), Code.S001)
    assert found.message.startswith("找不到工作表“打分表”")


def test_header_renamed__S002(box):
    box.fill("淮滨县", edit=lambda ws, rows: ws.cell(4, 6, "扣分数"))
    found = only(box.run(), Code.S002)
    assert found.cell == "A4" and found.message == message(Code.S002, label="扣分", hint="（是否改成了“扣分数”？）")


def _c07_text(rubric) -> str:
    return next(c.text for c in rubric.criteria if c.id == "c07")[:30] + "……"


def test_criterion_row_deleted__S003_names_it(box, rubric):
    box.fill("淮滨县", edit=lambda ws, rows: ws.cell(rows["c07"], 3, "（已删除）"))
    assert only(box.run(), Code.S003).message == message(Code.S003, label="(7)", text=_c07_text(rubric))


def test_criterion_overwritten_by_another__S012_and_S003(box):
    """(8)'s row relabelled (7): (7) twice is a warning (its rows add up), (8) missing an error."""
    box.fill("淮滨县", edit=lambda ws, rows: ws.cell(rows["c08"], 3, ws.cell(rows["c07"], 3).value))
    result = box.run()
    found = only(result, Code.S012)
    first = int(found.cell[1:]) - 1
    assert found.message == message(Code.S012, label="(7)", count=2, cells=f"C{first}、C{first + 1}")
    assert only(result, Code.S003).message.startswith("找不到评分标准 (8)")


def test_criterion_row_copied_for_a_second_deduction__both_counted_S012(box, rubric):
    """A person copies (7)'s row to write a second deduction under it: both count; an identical copy once."""
    def second(ws, rows):
        insert_rows_like_excel(ws, rows["c07"] + 1, 2)
        for r in (rows["c07"] + 1, rows["c07"] + 2):
            ws.cell(r, 3, ws.cell(rows["c07"], 3).value)
        ws.cell(rows["c07"] + 1, 6, 1)
        ws.cell(rows["c07"] + 1, 7, "另一企业台账缺失")
        ws.cell(rows["c07"] + 2, 6, 1)
        ws.cell(rows["c07"] + 2, 7, "另一企业台账缺失")  # the row above, copied as it was: counted once
    box.fill("淮滨县", deductions={"c07": (1, "台账缺失")}, edit=second)
    result = box.run()
    assert only(result, Code.S012).message.startswith("评分标准 (7) 出现了 3 次")
    assert result.scoring["淮滨县"].total == Decimal(98)
    assert [(d.label, d.amount) for d in result.scoring["淮滨县"].deductions] == [("7", 1), ("7", 1)]


def test_criterion_relabelled__S005(box, rubric):
    def relabel(ws, rows):
        ws.cell(rows["c07"], 3, ws.cell(rows["c07"], 3).value.replace("(7)", "(70)", 1))
    box.fill("淮滨县", edit=relabel)
    result = box.run()
    assert only(result, Code.S005).cell.startswith("C")
    assert only(result, Code.S003).message == message(Code.S003, label="(7)", text=_c07_text(rubric))


def test_points_edited__S006_error(box):
    def edit(ws, rows):
        ws.cell(rows["c07"], 4, 6)
    box.fill("淮滨县", edit=edit)
    found = only(box.run(), Code.S006)
    assert found.is_error and found.sheet == "打分表"
    assert found.message == message(Code.S006, label="4", value="6", expected=5)


def test_criterion_text_edited__S007_warning(box):
    box.fill("淮滨县", edit=lambda ws, rows: ws.cell(rows["c09"], 3, "(9)改过的文字"))
    result = box.run()
    assert only(result, Code.S007).level == WARNING
    assert status_of(result, "淮滨县.xlsx") == ACCEPTED


def test_row_inserted_and_columns_moved__still_read(box, config, rubric):
    def edit(ws, rows):
        insert_rows_like_excel(ws, rows["c05"], 2)  # between sections 一 and 二
        insert_cols_like_excel(ws, 1, 1)
    box.fill("淮滨县", deductions={"c01": (2, "未明确主要负责人为第一责任人")}, edit=edit)
    result = box.run()
    assert status_of(result, "淮滨县.xlsx") == ACCEPTED, [f.message for f in result.findings]
    assert result.scoring["淮滨县"].total == Decimal(98)


# --- deductions ---

@pytest.mark.parametrize("value, code", [
    ("两三分", Code.D001), (-1, Code.D002), (0.25, Code.D003), (6, Code.D004),
])
def test_bad_deduction__error_at_cell(box, rubric, value, code):
    path = box.fill("淮滨县", deductions={"c07": (value, "原因")})
    rows = _rows(path, rubric)
    found = only(box.run(), code)
    assert found.cell == f"F{rows['c07']}" and found.is_error


@pytest.mark.parametrize("typed, expected", [
    ("１.５", "1.5"), ("1分", "1"), ("扣1分", "1"), ("1.5 分", "1.5"), ("0.5", "0.5"),
])
def test_deduction_typed_by_people__read(box, typed, expected):
    box.fill("淮滨县", deductions={"c07": (typed, "未建立台账")})
    result = box.run()
    assert result.scoring["淮滨县"].total == Decimal(100) - Decimal(expected)


@pytest.mark.parametrize("typed", ["", "无", "-", "/"])
def test_deduction_blank_like__zero(box, typed):
    box.fill("淮滨县", deductions={"c07": (typed, None)})
    assert box.run().scoring["淮滨县"].total == Decimal(100)


def test_item_over_deducted__D005_floors_at_zero(box, rubric):
    box.fill("淮滨县", deductions={"c01": (2, "原因一"), "c02": (1.5, "原因二")})
    result = box.run()
    found = only(result, Code.D005)
    assert found.message == message(Code.D005, item="1", total="3.5", points=3)
    assert result.scoring["淮滨县"].item_scores["i01"] == 0
    assert result.scoring["淮滨县"].total == Decimal(97)


def test_deduction_without_reason__D006_error(box, rubric):
    path = box.fill("淮滨县", deductions={"c07": (1, None)})
    assert only(box.run(), Code.D006).cell == f"G{_rows(path, rubric)['c07']}"


def test_reason_without_deduction__D007_warning(box, rubric):
    path = box.fill("淮滨县", deductions={"c07": (None, "台账不完整")})
    result = box.run()
    assert only(result, Code.D007).cell == f"G{_rows(path, rubric)['c07']}"
    assert result.scoring["淮滨县"].total == 100


def test_per_finding_not_a_multiple__D008_warning(box):
    box.fill("淮滨县", deductions={"c15": (1, "一处重大隐患自查未发现")})  # 每发现一处扣2分
    assert only(box.run(), Code.D008).message == message(Code.D008, label="(15)", per="处", step=2, value=1)


@pytest.mark.parametrize("status, what", [(None, "未填写"), ("已完成", "只填了“已完成”")])
def test_status_boilerplate_on_lost_item__D009(box, status, what):
    box.fill("淮滨县", deductions={"c07": (2, "未建立台账")}, status={"i04": status})
    assert only(box.run(), Code.D009).message == message(Code.D009, item="4", what=what)


def test_score_typed_over_formula__D013_rejected(box, rubric):
    path = box.fill("淮滨县", deductions={"c07": (2, "未建立台账")},
                    edit=lambda ws, rows: ws.cell(rows["c07"], 8, 5))
    result = box.run()
    found = only(result, Code.D013)
    assert found.cell == f"H{_rows(path, rubric)['c07']}"
    assert found.message == message(Code.D013, how="填了数字（不是原来的公式）", value="5", expected="3")
    assert result.files[0].status == REJECTED


# --- dates ---

@pytest.mark.parametrize("typed, expected", [
    ("2023年8月15日", date(2023, 8, 15)), ("2023.8.15", date(2023, 8, 15)), ("2023/8/15", date(2023, 8, 15)),
    ("8月15日", date(2023, 8, 15)), (45153, date(2023, 8, 15)),
])
def test_inspection_date_forms__parsed(box, typed, expected):
    box.fill("淮滨县", inspection_date=typed)
    result = box.run()
    assert result.scoring["淮滨县"].inspection_date == expected
    no_year = typed == "8月15日"  # the year is the inspection's, and the report says so
    assert [f.code for f in result.findings if f.code.name.startswith("T")] == ([Code.T005] if no_year else [])


@pytest.mark.parametrize("typed, code", [
    ("八月中旬", Code.T001), (date(2023, 8, 1), Code.T002), (date(2023, 9, 20), Code.T003), (None, Code.T004),
])
def test_inspection_date_problems__warning_at_cell(box, typed, code):
    box.fill("淮滨县", inspection_date=typed)
    found = only(box.run(), code)
    assert found.cell == "C3" and found.level == WARNING


# --- the campaign ---

def test_units_that_sent_nothing__U001(box, config):
    box.fill("淮滨县")
    result = box.run()
    missing = [f for f in result.findings if f.code == Code.U001]
    assert len(missing) == len(config.units) - 1 and all(f.is_error for f in missing)
    assert {r.unit for r in result.ranking if r.status == MISSING} == set(config.units) - {"淮滨县"}


def _rows(path, rubric):
    from tests.filling import criterion_rows
    return criterion_rows(openpyxl.load_workbook(path)["打分表"], rubric)
