"""退回修改: every return with something to fix or check comes back marked up, and the marked-up copy,
fixed as a person would, is accepted again with everything the template holds intact."""

from decimal import Decimal
import hashlib
import io
import re
import shutil
import zipfile

import openpyxl
import pytest
import xlsxwriter

from inspection.spec.campaign import load_campaign
from inspection.cli import main
from inspection.constants import SHEET_CORRECTIONS
from inspection.findings import Code
from inspection.model import ACCEPTED, REJECTED
from inspection.intake.limits import Limits
from inspection.run import run
from inspection.sendback.send import FOLDER as SENDBACK, FOR_THE_OFFICE, UNKNOWN_FOLDER, summary_line
from inspection.sendback.marked_copy import ERROR_FILL, WARNING_FILL, CannotMark, Note, marked_copy
from inspection.sendback.rewrite_check import book_parts, losses
from tests.conftest import ROOT
from tests.corpus import ENCRYPTED, FAULTS, NAME, UNIT, add_member, rezip
from tests.filling import fill_scoring
from tests.libreoffice import convert

GROUP_FOLDER = "第01组_浉河区组"  # 淮滨县 is inspected by group 1, 浉河区组
FOLDER = f"{SENDBACK}/2023-08"  # each round's copies in a folder of their own
TO_FIX = "请修改后重新报送"
TO_CHECK = "已采用，请核实（如有误请更正后重新报送）"


def hashes(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sent(output, round_folder: str = "") -> list[str]:
    """What this round's 退回修改/ folder holds, as paths relative to it."""
    folder = output / SENDBACK / round_folder if round_folder else output / FOLDER
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def note_rows(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[SHEET_CORRECTIONS]
    return [tuple(v for v in row if v is not None) for row in ws.iter_rows(values_only=True) if any(row)]


def findings_of(result, name) -> set[tuple[str, str, str]]:
    return {(f.code.name, f.sheet, f.cell) for f in result.findings if f.file == name and f.code not in FOR_THE_OFFICE}


def again(campaign, tmp_path, *paths, name=None):
    """Run on a fresh input folder holding only `paths`."""
    folder = tmp_path / f"again{len(list(tmp_path.glob('again*')))}"
    (folder / "input").mkdir(parents=True)
    for path in paths:
        shutil.copy(path, folder / "input" / (name or path.name))
    return run(campaign, folder / "input", folder / "output"), folder / "output"


# --- a return with an error, and one with warnings only ---

def test_error_return__marked_copy_says_fix_and_resend__fixed_copy_accepted(ctx, tmp_path, campaign, templates):
    rows = ctx.rows()
    ctx.scoring(deductions={"c07": (1, "无")}, edit=lambda ws, r: ws.cell(3, 10, "另见附件"))  # D006, S011 at J3
    before = hashes(ctx.input)
    result = run(campaign, ctx.input, tmp_path / "output")

    assert hashes(ctx.input) == before  # the original is only read
    assert result.files[0].status == REJECTED
    assert findings_of(result, NAME) == {("D006", "打分表", f"G{rows['c07']}"), ("S011", "打分表", "J3")}
    assert sent(tmp_path / "output") == [f"{GROUP_FOLDER}/淮滨县（退回修改）.xlsx"]
    copy = tmp_path / "output" / FOLDER / GROUP_FOLDER / "淮滨县（退回修改）.xlsx"

    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames == [SHEET_CORRECTIONS, "打分表", "填表说明", "_meta"] and wb.active.title == SHEET_CORRECTIONS
    ws = wb["打分表"]
    reason = ws[f"G{rows['c07']}"]
    assert reason.comment.text.startswith("【错误 D006】有扣分无原因\n") and reason.fill.fgColor.rgb == ERROR_FILL
    assert ws["J3"].comment.text.startswith("【警告 S011】") and ws["J3"].fill.fgColor.rgb == WARNING_FILL
    text = "\n".join(str(v) for row in note_rows(copy) for v in row)
    assert f"结论：未采用，{TO_FIX}" in text and "2023年9月8日 前重新报送市安委会办公室" in text
    assert "淮滨县的打分表，第 1 组（浉河区组）" in text
    table = [row for row in note_rows(copy) if isinstance(row[0], int)]
    assert [row[1:3] + row[4:6] for row in table] == [("错误", "D006", "打分表", f"G{rows['c07']}"),
                                                      ("警告", "S011", "打分表", "J3")]  # errors first

    _template_whole(copy, templates.scoring[0])
    ws[f"G{rows['c07']}"] = "抽查某化工公司未建立重大事故隐患台账"  # fixed as a person would
    ws["J3"] = None
    wb.save(copy)
    fixed, output = again(campaign, tmp_path, copy)
    assert fixed.files[0].status == ACCEPTED and findings_of(fixed, copy.name) == set()
    assert fixed.scoring[UNIT].total == Decimal(99)
    assert sent(output) == [] and summary_line(output) == "没有需要退回修改或核实的表格。"


def _template_whole(copy, template) -> None:
    """What the template holds is still there, as openpyxl and as the XML say."""
    wb, blank = openpyxl.load_workbook(copy), openpyxl.load_workbook(template)
    assert wb["_meta"].sheet_state == "veryHidden"
    for name in blank.sheetnames:
        ws, was = wb[name], blank[name]
        assert ws.protection.sheet == was.protection.sheet
        assert [(v.type, str(v.sqref)) for v in ws.data_validations.dataValidation] == \
               [(v.type, str(v.sqref)) for v in was.data_validations.dataValidation]
        assert {str(r) for r in ws.merged_cells.ranges} == {str(r) for r in was.merged_cells.ranges}
        assert (ws.print_title_rows, ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.freeze_panes) == \
               (was.print_title_rows, was.page_setup.orientation, was.page_setup.fitToWidth, was.freeze_panes)
    parts, blank_parts = book_parts(copy.read_bytes()), book_parts(template.read_bytes())
    assert list(parts.sheets) == [SHEET_CORRECTIONS, *blank_parts.sheets]
    assert blank_parts.names <= parts.names  # print areas and titles


def test_run_command__summary_says_how_many_and_where(ctx, tmp_path, capsys):
    ctx.scoring(deductions={"c07": (1, "无")})
    out = tmp_path / "output"
    assert main(["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input), "--output", str(out),
                 "--jobs", "1"]) == 1
    assert f"标注了问题的表格：1 份退回修改、0 份请核实，在 {out / FOLDER}（按检查组或报送单位分文件夹）。" \
        in capsys.readouterr().out


def test_demo__returns_come_back_marked__fixed_and_run_again__accepted(tmp_path, capsys, campaign):
    """The demo plants two warnings in 息县's 打分表 and a count written as words in 市交通运输局's 调度表:
    the first comes back as （请核实）, the second as （退回修改）; fixed as a person would, both are clean."""
    out = tmp_path / "output"
    assert main(["demo", "--config", str(ROOT / "config.toml"), "--templates", str(tmp_path / "templates"),
                 "--input", str(tmp_path / "input"), "--output", str(out), "--jobs", "1"]) == 0
    assert (f"标注了问题的表格：1 份退回修改、1 份请核实，在 {out / FOLDER}（按检查组或报送单位分文件夹）。"
            in capsys.readouterr().out)
    assert sent(out) == ["市交通运输局/市交通运输局调度表（退回修改）.xlsx",
                         "第03组_罗山县组/息县交叉检查打分表（已填）（请核实）.xlsx"]
    checked, returned = out / FOLDER / sent(out)[1], out / FOLDER / sent(out)[0]
    assert any(TO_CHECK in row[0] for row in note_rows(checked))
    wb = openpyxl.load_workbook(checked)
    ws = wb["打分表"]
    marked = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert sorted(text[:9] for text in marked.values()) == ["【警告 D007】", "【警告 D009】"]
    for ref, text in marked.items():
        if "D009" in text:  # 完成情况 only says 已完成
            ws[ref] = "抽查2家企业，1家未建立外包单位安全管理台账，已责令整改"
        else:  # a reason without a deduction: the reason was the slip
            ws[ref] = None
    wb.save(checked)
    wb = openpyxl.load_workbook(returned)
    ws = wb["调度表"]
    [(ref, text)] = [(c.coordinate, c.comment.text) for row in ws.iter_rows() for c in row if c.comment]
    assert text.startswith("【错误 P001】") and str(ws[ref].value).startswith("约")
    ws[ref] = 60  # the number meant: the demo's counts are at most 60, and the 其中 under it no more
    wb.save(returned)
    for original, fixed in (("息县交叉检查打分表（已填）.xlsx", checked), ("市交通运输局调度表.xlsx", returned)):
        (tmp_path / "input" / original).unlink()  # the fixed copy is sent in its place
        shutil.copy(fixed, tmp_path / "input" / fixed.name)
    before = hashes(tmp_path / "input")
    result = run(campaign, tmp_path / "input", tmp_path / "output2")
    assert hashes(tmp_path / "input") == before
    assert {f.status for f in result.files} == {ACCEPTED} and len(result.files) == len(before)
    assert findings_of(result, checked.name) == set() and findings_of(result, returned.name) == set()
    assert sent(tmp_path / "output2") == []


# --- the copy reads as the original did ---

# Each fault of the corpus found in an opened workbook; but a workbook openpyxl cannot open (no sheets
# at all) or rewrite (an .xls) gets a note, and two files of one unit (M009) are that only together.
NOT_MARKABLE = ("没有工作表", "WPS .et（OLE 文件，按 .xls 读取）")
MARKED = list({f.code: f for f in reversed(FAULTS) if f.status in (ACCEPTED, REJECTED) and f.code is not None
               and f.code.name[0] in "MSDTHP" and f.code != Code.M009 and f.kind not in NOT_MARKABLE}.values())[::-1]


@pytest.mark.parametrize("fault", MARKED, ids=[f.kind for f in MARKED])
def test_marked_copy__read_alone__same_status_and_findings_as_original(fault, ctx, tmp_path, campaign):
    """Comments, fills and the 修改说明 sheet create no finding and hide none."""
    name = fault.build(ctx)
    result = run(campaign, ctx.input, tmp_path / "output")
    info = next(f for f in result.files if f.path == name)
    [path] = [p for p in sent(tmp_path / "output") if not p.endswith("（修改说明）.xlsx")]
    expected = "（请核实）" if info.status == ACCEPTED else "（退回修改）"
    assert path.endswith(expected + ".xlsx")
    assert path.startswith(UNKNOWN_FOLDER if fault.code in (Code.M001, Code.M002, Code.M003, Code.M006) else "")
    copy = tmp_path / "output" / FOLDER / path
    reread, _ = again(campaign, tmp_path, copy)
    assert reread.files[0].status == info.status
    assert findings_of(reread, copy.name) == findings_of(result, name)


def test_marked_copy_sent_back_again__old_marks_replaced(ctx, tmp_path, campaign):
    """A copy sent back with one of two errors fixed is marked anew: the fixed cell loses its mark
    (back to the template's pale yellow), one 修改说明, one comment per remaining problem."""
    rows = ctx.rows()
    ctx.scoring(deductions={"c07": (1, "无"), "c08": (1, "/")})
    run(campaign, ctx.input, tmp_path / "output")
    copy = tmp_path / "output" / FOLDER / GROUP_FOLDER / "淮滨县（退回修改）.xlsx"
    wb = openpyxl.load_workbook(copy)
    wb["打分表"][f"G{rows['c07']}"] = "台账不全"
    wb.save(copy)
    second, output = again(campaign, tmp_path, copy)
    assert findings_of(second, copy.name) == {("D006", "打分表", f"G{rows['c08']}")}
    [path] = sent(output)
    assert path == f"{GROUP_FOLDER}/淮滨县（退回修改）.xlsx"  # not "…（退回修改）（退回修改）"
    wb = openpyxl.load_workbook(output / FOLDER / path)
    assert wb.sheetnames.count(SHEET_CORRECTIONS) == 1
    ws = wb["打分表"]
    fixed, left = ws[f"G{rows['c07']}"], ws[f"G{rows['c08']}"]
    assert fixed.comment is None and fixed.fill.fgColor.rgb == "FFFFF7D6"
    assert left.comment.text.count("【错误 D006】") == 1 and left.fill.fgColor.rgb == ERROR_FILL


# --- what cannot be marked up, and what is not sent at all ---

def test_xlsm_with_macros__note_of_its_own_beside_the_name(ctx, tmp_path, campaign):
    fault = next(f for f in FAULTS if f.code == Code.F010)
    fault.build(ctx)
    result = run(campaign, ctx.input, tmp_path / "output")
    assert sent(tmp_path / "output") == [f"{GROUP_FOLDER}/淮滨县（修改说明）.xlsx"]
    path = tmp_path / "output" / FOLDER / GROUP_FOLDER / "淮滨县（修改说明）.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET_CORRECTIONS]
    rows = note_rows(path)
    assert any("原表含有宏" in row[0] and "请打开原表 淮滨县.xlsm" in row[0] for row in rows)
    assert [row[2] for row in rows if isinstance(row[0], int)] == ["F010"]
    assert result.files[0].status == ACCEPTED and any(TO_CHECK in row[0] for row in rows)


def test_saved_as_xls__note_of_its_own_with_the_same_findings(tmp_path, rubric, templates, campaign):
    filled = fill_scoring(templates.scoring[0], tmp_path / "淮滨县.xlsx", rubric, deductions={"c07": (1, "无")})
    convert(filled, "xls", tmp_path / "input", tmp_path / "profile")
    result = run(campaign, tmp_path / "input", tmp_path / "output")
    assert sent(tmp_path / "output") == [f"{GROUP_FOLDER}/淮滨县（修改说明）.xlsx"]
    rows = note_rows(tmp_path / "output" / FOLDER / GROUP_FOLDER / "淮滨县（修改说明）.xlsx")
    assert any("Excel 97-2003 格式（.xls）" in row[0] for row in rows) and any(TO_FIX in row[0] for row in rows)
    assert {(row[2], row[4], row[5]) for row in rows if isinstance(row[0], int)} == {
        (f.code.name, f.sheet, f.cell) for f in result.findings if f.file == "淮滨县.xls"}


def test_saved_by_libreoffice__marked_copy_whole_and_read_as_before(tmp_path, rubric, templates, campaign):
    """A return LibreOffice saved loses nothing when marked up, and LibreOffice opens the copy."""
    filled = fill_scoring(templates.scoring[0], tmp_path / "filled.xlsx", rubric, deductions={"c07": (1, "无")})
    saved = convert(filled, "xlsx", tmp_path / "input", tmp_path / "profile")
    result = run(campaign, tmp_path / "input", tmp_path / "output")
    [path] = sent(tmp_path / "output")
    copy = tmp_path / "output" / FOLDER / path
    assert path.endswith("filled（退回修改）.xlsx")
    assert losses(saved.read_bytes(), copy.read_bytes(), added=SHEET_CORRECTIONS, limits=Limits()) == []
    reopened = convert(copy, "xlsx", tmp_path / "reopened", tmp_path / "profile")
    again_result, _ = again(campaign, tmp_path, reopened)
    assert findings_of(again_result, reopened.name) == findings_of(result, saved.name)
    comments = zipfile.ZipFile(reopened).namelist()
    assert any("comments" in n for n in comments)  # LibreOffice read the comments and wrote them back


def test_not_identified_as_a_workbook__nothing_sent(ctx, tmp_path, campaign):
    """A PDF, a broken file, a .rar: listed in the report, nothing to mark and no group to send to."""
    for fault in ("PDF 扫描件", "截断的 zip", "RAR 压缩包", "报回了空白模板", "Excel 二进制工作簿（.xlsb）"):
        next(f for f in FAULTS if f.kind == fault).build(ctx)
    result = run(campaign, ctx.input, tmp_path / "output")
    assert len(result.files) == 5 and sent(tmp_path / "output") == []


def test_open_password__note_in_unknown_folder(ctx, tmp_path, campaign):
    ctx.write(NAME, ENCRYPTED)  # an .xlsx saved with an open password is an OLE file
    run(campaign, ctx.input, tmp_path / "output")
    assert sent(tmp_path / "output") == [f"{UNKNOWN_FOLDER}/淮滨县（修改说明）.xlsx"]
    rows = note_rows(tmp_path / "output" / FOLDER / UNKNOWN_FOLDER / "淮滨县（修改说明）.xlsx")
    assert [row[2] for row in rows if isinstance(row[0], int)] == ["F002"]
    assert any("未能识别是哪个单位的哪张表" in row[0] for row in rows)


# --- where things go ---

def test_returns_in_a_zip__marked_from_the_zip_into_their_group_folders(ctx, tmp_path, campaign, rubric):
    from tests.corpus import zip_of_files
    ctx.scoring(name="a.xlsx", deductions={"c07": (1, "无")})
    ctx.scoring(name="b.xlsx", deductions={"c08": (1, "/")})
    other = fill_scoring(ctx.scoring_template("商城县"), tmp_path / "c.xlsx", rubric, deductions={"c01": (1, "无")})
    members = [("第一组/淮滨县打分表.xlsx", (ctx.input / "a.xlsx").read_bytes()),
               ("第一组/另一份/淮滨县打分表.xlsx", (ctx.input / "b.xlsx").read_bytes()),
               ("商城县打分表.xlsx", other.read_bytes())]
    for p in ctx.input.iterdir():
        p.unlink()
    ctx.write("收到的表格.zip", zip_of_files(members, gbk=True))
    before = hashes(ctx.input)
    run(campaign, ctx.input, tmp_path / "output")
    assert hashes(ctx.input) == before
    assert sent(tmp_path / "output") == [f"{GROUP_FOLDER}/淮滨县打分表（2）（退回修改）.xlsx",
                                         f"{GROUP_FOLDER}/淮滨县打分表（退回修改）.xlsx",
                                         "第02组_平桥区组/商城县打分表（退回修改）.xlsx"]


def test_campaign_without_groups__one_folder_per_unit(tmp_path, capsys):
    folder = ROOT / "examples" / "004_许昌2018目标考评"
    out = tmp_path / "output"
    assert main(["demo", "--config", str(folder / "config.toml"), "--templates", str(tmp_path / "templates"),
                 "--input", str(tmp_path / "input"), "--output", str(out), "--jobs", "1"]) == 0
    config = load_campaign(folder / "config.toml").config
    warned = config.units[len(config.units) * 2 // 3]
    [path] = sent(out, config.round_folder)
    assert path.startswith(f"{warned}/") and path.endswith("（请核实）.xlsx")


def test_each_run_rewrites_the_folder__a_persons_own_file_stays(ctx, tmp_path, campaign):
    ctx.scoring(deductions={"c07": (1, "无")})
    run(campaign, ctx.input, tmp_path / "output")
    mine = tmp_path / "output" / FOLDER / "我的笔记.txt"
    mine.write_text("记一下", encoding="utf-8")
    (ctx.input / NAME).unlink()
    ctx.scoring(deductions={"c07": (1, "未建立台账")})
    run(campaign, ctx.input, tmp_path / "output")
    assert sent(tmp_path / "output") == ["我的笔记.txt"]


# --- failures never lose the report ---

def test_marking_fails__note_instead_and_logged(ctx, tmp_path, campaign, monkeypatch):
    import inspection.sendback.send

    def broken(*args):
        raise RuntimeError("模拟的程序错误")
    monkeypatch.setattr(inspection.sendback.send, "marked_copy", broken)
    ctx.scoring(deductions={"c07": (1, "无")})
    run(campaign, ctx.input, tmp_path / "output")
    assert sent(tmp_path / "output") == [f"{GROUP_FOLDER}/淮滨县（修改说明）.xlsx"]
    [log] = (tmp_path / "output").glob("错误记录_*.txt")
    assert "RuntimeError: 模拟的程序错误" in log.read_text(encoding="utf-8")


def test_sending_back_fails_altogether__report_written_run_goes_on(ctx, tmp_path, campaign, monkeypatch):
    import inspection.sendback.send

    def broken(*args):
        raise RuntimeError("模拟的程序错误")
    monkeypatch.setattr(inspection.sendback.send, "_send_back", broken)
    ctx.scoring(deductions={"c07": (1, "无")})
    result = run(campaign, ctx.input, tmp_path / "output")
    assert result.output_path.exists() and result.files[0].status == REJECTED
    [log] = (tmp_path / "output").glob("错误记录_*.txt")
    assert "写退回修改的表格时出错" in log.read_text(encoding="utf-8")


# --- what openpyxl keeps and loses ---

@pytest.mark.parametrize("which", ["scoring", "dispatch", "progress"])
def test_templates__rewritten_by_openpyxl__nothing_lost(which, templates):
    """Every kind of template openpyxl rewrites whole: validation, protection, _meta, merges, print setup."""
    template = {"scoring": templates.scoring[0], "dispatch": templates.dispatch[0],
                "progress": templates.by_kind["progress"][0][1]}[which]
    data = template.read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data), rich_text=True)
    wb.create_sheet(SHEET_CORRECTIONS, 0)
    out = io.BytesIO()
    wb.save(out)
    assert losses(data, out.getvalue(), added=SHEET_CORRECTIONS, limits=Limits()) == []
    parts = book_parts(data)
    main_sheet = next(iter(parts.sheets.values()))
    assert main_sheet.validations and main_sheet.merges and main_sheet.protection["sheet"] == "1"
    assert parts.sheets["_meta"].state == "veryHidden" and main_sheet.page[0][1] in ("landscape", "portrait")


CUSTOM_PROPS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
                'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
                'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
                '<vt:lpwstr>2052-12.1.0.16120</vt:lpwstr></property></Properties>').encode()
CALC_CHAIN = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><calcChain xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><c r="H6" i="1"/></calcChain>')
X15_WORKBOOK = (b'<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x15="http://schemas.microsoft.com/office/'
                b'spreadsheetml/2010/11/main"><x15:workbookPr chartTrackingRefBase="1"/></ext></extLst></workbook>')
MC = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/'
      b'markup-compatibility/2006" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">')


def _as_excel_or_wps_saves(name: str, body: bytes) -> bytes | None:
    """What Excel and WPS add that matters to nobody here: WPS's custom properties, a calculation
    chain, Excel's 2010 workbook extension and row-height hints."""
    if name == "[Content_Types].xml":
        return body.replace(b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                            b'vnd.openxmlformats-officedocument.custom-properties+xml"/><Override PartName="/xl/calcChain.xml"'
                            b' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
    if name == "_rels/.rels":
        return body.replace(b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>')
    if name == "xl/_rels/workbook.xml.rels":
        return body.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    if name == "xl/workbook.xml":
        return body.replace(b"</workbook>", X15_WORKBOOK)
    if name == "xl/worksheets/sheet1.xml":
        body = re.sub(rb"<worksheet[^>]*>", MC, body, count=1)
        return body.replace(b"<sheetFormatPr ", b'<sheetFormatPr x14ac:dyDescent="0.15" ', 1)
    return body


def test_saved_by_excel_or_wps__their_extras__still_marked_up(ctx, tmp_path, campaign):
    ctx.scoring(name=".filled.xlsx", deductions={"c07": (1, "无")})
    data = (ctx.input / ".filled.xlsx").read_bytes()
    (ctx.input / ".filled.xlsx").unlink()
    data = add_member(add_member(rezip(data, _as_excel_or_wps_saves), "docProps/custom.xml", CUSTOM_PROPS),
                      "xl/calcChain.xml", CALC_CHAIN)
    ctx.write(NAME, data)
    result = run(campaign, ctx.input, tmp_path / "output")
    assert sent(tmp_path / "output") == [f"{GROUP_FOLDER}/淮滨县（退回修改）.xlsx"]
    reread, _ = again(campaign, tmp_path, tmp_path / "output" / FOLDER / GROUP_FOLDER / "淮滨县（退回修改）.xlsx")
    assert findings_of(reread, "淮滨县（退回修改）.xlsx") == findings_of(result, NAME)


def test_workbook_with_what_openpyxl_drops__not_marked_and_says_what(tmp_path):
    """A picture, a text box and a 2010 data bar would be lost: no copy, the reason names them."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("打分表")
    ws.write("A1", "扣分")
    ws.insert_textbox("C2", "现场照片见附件")
    ws.conditional_format("A1:A5", {"type": "data_bar", "data_bar_2010": True})
    wb.close()
    note = Note("修改说明", ["结论：未采用，请修改后重新报送。"], [], "市安委会办公室")
    with pytest.raises(CannotMark) as caught:
        marked_copy(buffer.getvalue(), note, Limits())
    assert "图片、图形或文本框" in caught.value.reason and "Excel 扩展功能" in caught.value.reason


def test_an_original_that_cannot_be_read_again__that_one_unmarked__the_others_sent_and_said(
        ctx, tmp_path, campaign, monkeypatch, capsys):
    """One original refused on the second read (grown past the size limit, say): only it goes without a
    marked-up copy (its 修改说明 alone), the other returns are still sent back, and nothing stops."""
    import inspection.sendback.send as sendback
    from inspection.intake.limits import FileTooLarge

    ctx.scoring(deductions={"c07": (1, "无")})  # D006: to be sent back
    other = ctx.scoring(name="淮滨县打分表（副本说明）.xlsx", deductions={"c07": (1, "无")})
    real = sendback.read_disk

    def refuse(path, limits):
        if path.name == other.name:
            raise FileTooLarge(limits.max_file_bytes + 1, limits.max_file_bytes)
        return real(path, limits)

    monkeypatch.setattr(sendback, "read_disk", refuse)
    result = run(campaign, ctx.input, tmp_path / "output")
    names = sent(tmp_path / "output")
    assert any(n.endswith("（退回修改）.xlsx") for n in names), names
    assert len(names) == 2, names  # the refused one gets its 修改说明 on its own
    assert result.sendback_problem == ""
    assert summary_line(tmp_path / "output").startswith("标注了问题的表格：")
