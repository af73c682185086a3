"""A corpus of bad and odd returns, generated from the real templates: each fault, what it must produce.

Each Fault writes one (or two) files into an input folder. `expect` is the status the file must end
with and the finding code it must carry (None: accepted with no finding of its own). `cell` is where
the finding must point, when it points at a cell. Run `python -m tests.corpus` to print the table of
what the tool says for each fault.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
import io
import os
from pathlib import Path
import re
import struct
import zipfile

import openpyxl

from inspection.constants import DISPATCH_FILE, PROGRESS_FILE, SCORING_FILE
from inspection.intake.filenames import display_path
from inspection.findings import Code
from inspection.model import ACCEPTED, IGNORED, REJECTED, UNREAD
from tests import bombs
from tests.filling import criterion_rows, fill_dispatch, fill_progress, fill_scoring, insert_cols_like_excel
from tests.filling import insert_rows_like_excel, set_meta

UNIT = "淮滨县"
NAME = f"{UNIT}.xlsx"


@dataclass(frozen=True)
class Fault:
    kind: str  # the fault, as the issue names it, in Chinese for the table
    build: callable  # build(ctx) → writes into ctx.input; returns the name of the file under test
    status: str
    code: Code | None = None
    cell: str | None = None
    total: Decimal | None = None  # the score the unit must get when accepted


class Context:
    """Where to write, and the blank templates to start from."""

    def __init__(self, input_dir: Path, templates_dir: Path, campaign):
        self.input, self.templates, self.campaign = input_dir, templates_dir, campaign
        self.config, self.rubric = campaign.config, campaign.rubric

    def scoring_template(self, unit: str = UNIT) -> Path:
        return self.templates / SCORING_FILE.format(group=self.config.group_for_unit(unit).number, unit=unit)

    def scoring(self, name: str = NAME, **kwargs) -> Path:
        return fill_scoring(self.scoring_template(), self.input / name, self.rubric, **kwargs)

    def good_bytes(self) -> bytes:
        path = self.scoring(name=".good.xlsx", deductions={"c01": (2, "未明确第一责任人")})
        data = path.read_bytes()
        path.unlink()
        return data

    def write(self, name: str, data: bytes) -> str:
        self.input.mkdir(parents=True, exist_ok=True)
        (self.input / name).write_bytes(data)
        return name

    def rows(self) -> dict[str, int]:
        return criterion_rows(openpyxl.load_workbook(self.scoring_template())["打分表"], self.rubric)


def rezip(data: bytes, change) -> bytes:
    """The same zip with change(name, bytes) → bytes | None (None drops the member)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = change(info.filename, src.read(info))
            if body is not None:
                dst.writestr(info.filename, body)
    return out.getvalue()


def _deduct(value, reason="原因"):
    return lambda ctx: ctx.scoring(deductions={"c07": (value, reason)}) and NAME


def _reason(text):
    return lambda ctx: ctx.scoring(deductions={"c07": (1, text)}) and NAME


def _meta(**changes):
    def build(ctx):
        set_meta(ctx.scoring(), **changes)
        return NAME
    return build


def _edit(edit, **kwargs):
    return lambda ctx: ctx.scoring(edit=edit, **kwargs) and NAME


def _truncated(ctx):
    return ctx.write(NAME, ctx.good_bytes()[:3000])


def _no_sheets(ctx):
    def change(name, body):
        if name == "xl/workbook.xml":
            return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", body, flags=re.S)
        return body
    return ctx.write(NAME, rezip(ctx.good_bytes(), change))


def _unmerged(ws, rows):
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(r.coord)


def _reordered(ws, rows):
    """Swap two criterion rows of the same item (labels, texts and all)."""
    a, b = rows["c01"], rows["c02"]
    for col in range(3, ws.max_column + 1):
        top, bottom = ws.cell(a, col), ws.cell(b, col)
        if type(top).__name__ == "MergedCell" or type(bottom).__name__ == "MergedCell":
            continue
        top.value, bottom.value = bottom.value, top.value


def _doubled(ws, rows):
    insert_rows_like_excel(ws, rows["c08"], 1)
    for col in range(3, 8):
        ws.cell(rows["c08"], col, ws.cell(rows["c08"] + 1, col).value)


def _deleted(ws, rows):
    """Delete criterion (8)'s row as Excel does: merges over it shrink, merges below move up."""
    from openpyxl.worksheet.cell_range import CellRange
    row = rows["c08"]
    kept = []
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(r.coord)
        first, last = r.min_row - (r.min_row > row), r.max_row - (r.max_row >= row)
        if last >= first and (last > first or r.max_col > r.min_col):
            kept.append(CellRange(min_col=r.min_col, max_col=r.max_col, min_row=first, max_row=last))
    ws.delete_rows(row)
    for r in kept:
        ws.merge_cells(r.coord)


def _header_renamed(ws, rows):
    cell = next(c for row in ws.iter_rows(max_row=rows["c01"]) for c in row if c.value == "扣分")
    cell.value = "扣 分 值"


def _formula(ws, rows):
    ws.cell(rows["c07"], 6, "=1+1")
    ws.cell(rows["c07"], 7, "台账缺失")


def _foreign_formula(ws, rows):
    """A formula reading another workbook, saved without its value: what it shows cannot be known."""
    ws.cell(rows["c07"], 6, "=[1]Sheet1!A1")
    ws.cell(rows["c07"], 7, "台账缺失")


def _meta_and_title_gone(ws, rows):
    ws.parent.remove(ws.parent["_meta"])
    for row in ws.iter_rows(max_row=3):
        for cell in row:
            if type(cell).__name__ != "MergedCell" and isinstance(cell.value, str) and "淮滨" in cell.value:
                cell.value = None


def _renamed_beside_copy(ws, rows):
    ws.title = "Sheet1"
    ws.parent.copy_worksheet(ws).title = "Sheet2"


def _symlink(ctx):
    outside = ctx.input.parent / "outside.xlsx"
    outside.write_bytes(ctx.good_bytes())
    ctx.input.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, ctx.input / "链接.xlsx")
    return "链接.xlsx"


def _copies(ctx):
    ctx.scoring()
    ctx.scoring(name="副本.xlsx")  # listed first (paths are taken in sorted order), so it is the one used
    return NAME


def _conflict(ctx):
    ctx.scoring(deductions={"c01": (1, "原因")})
    ctx.scoring(name="另一份.xlsx", deductions={"c01": (2, "原因")})
    return NAME


def _control_characters(ctx):
    """openpyxl refuses control characters; Excel stores them escaped as _x0007_, so put that in."""
    ctx.scoring(name=".raw.xlsx", deductions={"c07": (1, "台帳CTRL未建立😀，ＡＢＣ１２３\t制表")})
    data = (ctx.input / ".raw.xlsx").read_bytes()
    (ctx.input / ".raw.xlsx").unlink()
    return ctx.write(NAME, rezip(data, lambda name, body: body.replace(b"CTRL", b"_x0007__x001B_")))


def add_member(data: bytes, member: str, body: bytes) -> bytes:
    """The same zip with one more member."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as zf:
        zf.writestr(member, body)
    return out.getvalue()


def _with_member(name: str, member: str, body: bytes):
    """A good return with one more zip member (a macro project, an external link part)."""
    def build(ctx):
        return ctx.write(name, add_member(ctx.good_bytes(), member, body))
    return build


EXTERNAL_LINK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
                 b'</externalLink>')


def _bomb(make):
    """A real return turned hostile by one of tests/bombs.py's builders."""
    return lambda ctx: ctx.write(NAME, make(ctx.good_bytes()))


def _oversized(ctx):
    """Bigger than the default max_file_mb (50): refused before a byte of it is read."""
    return ctx.write(NAME, ctx.good_bytes() + os.urandom(51 * 1024 * 1024))


def _dispatch(level):
    def build(ctx):
        group = ctx.config.group_for_unit(UNIT).number
        fill_dispatch(ctx.templates / DISPATCH_FILE.format(group=group, unit=UNIT), ctx.input / "交办.xlsx", [{
            "企业（单位）名称": "信阳某化工有限公司", "行业领域": "危险化学品", "问题隐患描述": "报警器失效",
            "隐患级别": level, "整改要求": "更换", "整改时限": date(2023, 9, 30), "责任单位": "县应急局",
            "整改状态": "未整改"}])
        return "交办.xlsx"
    return build


def _progress(value):
    def build(ctx):
        fill_progress(ctx.templates / PROGRESS_FILE.format(reporter=UNIT, round=ctx.config.round),
                      ctx.input / "调度.xlsx",
                      {"企业自查发现的重大事故隐患（个）": value})
        return "调度.xlsx"
    return build


def _blank(kind: str):
    def build(ctx):
        group = ctx.config.group_for_unit(UNIT).number
        source = {"打分表": SCORING_FILE.format(group=group, unit=UNIT),
                                             "调度表": PROGRESS_FILE.format(reporter=UNIT, round=ctx.config.round)}[kind]
        return ctx.write(f"{kind}.xlsx", (ctx.templates / source).read_bytes())
    return build


def _in_copy(ws, rows):
    copy = ws.parent.copy_worksheet(ws)
    copy.title = "打分表 (2)"
    copy.cell(rows["c07"], 6, 2)
    copy.cell(rows["c07"], 7, "未建立台账")


def _retitled(ws, rows):
    ws["A2"] = ws["A2"].value.replace(UNIT, "浉河区")


def _row_inserted(ws, rows):
    at = rows["c08"] + 1
    insert_rows_like_excel(ws, at, 1)
    ws.cell(at, 6, 1)


def _repeated_numbers(ctx):
    group = ctx.config.group_for_unit(UNIT).number

    def renumber(ws, header):
        for n in range(3):
            ws.cell(header + 1 + n, 1, 1)
    fill_dispatch(ctx.templates / DISPATCH_FILE.format(group=group, unit=UNIT), ctx.input / "交办.xlsx",
                  [{"企业（单位）名称": f"公司{n}", "问题隐患描述": "隐患"} for n in range(3)], edit=renumber)
    return "交办.xlsx"


def _plain(name: str, data: bytes):
    return lambda ctx: ctx.write(name, data)


def zip_of_files(members: list[tuple[str, bytes]], *, gbk: bool = False) -> bytes:
    """A .zip of (name, bytes). With `gbk`, the names are written in GBK without the UTF-8 flag, as
    Chinese Windows ("发送到→压缩文件夹") and WinRAR write them; zipfile itself always writes UTF-8."""
    out = io.BytesIO()
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (name, body) in enumerate(members):
            raw = name.encode("gbk")
            stand_in = f"@{n:03d}".ljust(len(raw), "#") if gbk else name  # ASCII of the same length: no flag
            zf.writestr(stand_in, body)
            names.append((stand_in.encode(), raw))
    data = out.getvalue()
    for stand_in, raw in names if gbk else ():
        data = data.replace(stand_in, raw)
    return data


def encrypted(data: bytes) -> bytes:
    """The same zip with every member marked as encrypted (flag bit 0), as a password sets it."""
    out = bytearray(data)
    end = data.rindex(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<HII", data, end + 10)
    pos = start
    for _ in range(count):
        out[pos + 8] |= 1
        out[struct.unpack_from("<I", data, pos + 42)[0] + 6] |= 1
        name, extra, comment = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + name + extra + comment
    return bytes(out)


def _zipped(archive: str, member: str, *, gbk: bool = True, more: tuple = ()):
    """A good return inside a .zip (in a subfolder of it, GBK names by default), beside `more` files."""
    def build(ctx):
        ctx.write(archive, zip_of_files([(member, ctx.good_bytes()), *more], gbk=gbk))
        return f"{archive}/{member}"
    return build


def _zip(archive: str, members, name: str = "", *, gbk: bool = True, change=None):
    """A .zip of members(ctx) → [(name, bytes)]; the file under test is `name` in it, or the .zip."""
    def build(ctx):
        data = zip_of_files(members(ctx), gbk=gbk)
        ctx.write(archive, change(data) if change else data)
        return f"{archive}/{name}" if name else archive
    return build


def _gbk_named(ctx):
    """A file name that is not UTF-8 (GBK bytes, as `unzip` leaves a Windows zip's names on Linux)."""
    data = ctx.good_bytes()
    fd = os.open(os.fsencode(ctx.input) + b"/" + NAME.encode("gbk"), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, data)
    os.close(fd)
    return NAME  # shown decoded


def _no_suffix(ctx):
    """A return whose ".xlsx" a chat program dropped: recognised by its bytes and read."""
    return ctx.write(UNIT, ctx.good_bytes())


OLE = bombs.OLE_MAGIC
ENCRYPTED = OLE + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(64)
MB_TEXT = "长" * (1 << 20)

FAULTS: list[Fault] = [
    # --- the file itself ---
    Fault("0 字节文件", _plain(NAME, b""), REJECTED, Code.F004),
    Fault("截断的 zip", _truncated, REJECTED, Code.F001),
    Fault("文本文件改名为 .xlsx", _plain(NAME, "这不是表格\n".encode()), REJECTED, Code.F001),
    Fault("设有打开密码", _plain(NAME, ENCRYPTED), REJECTED, Code.F002),
    Fault("损坏的 .xls", _plain(f"{UNIT}.xls", OLE + os.urandom(4000)), REJECTED, Code.F001),
    Fault("没有工作表", _no_sheets, REJECTED, Code.M001),
    Fault("Office 临时锁定文件", _plain(f"~${UNIT}.xlsx", b"lock"), IGNORED, Code.F003),
    Fault("隐藏文件", _plain(".隐藏.xlsx", b"x"), IGNORED, Code.F003),
    Fault("Word 文档（.docx）", _plain("说明.docx", b"x"), UNREAD, Code.F016),
    Fault("PDF 扫描件", _plain(f"{UNIT}打分表.pdf", b"%PDF-1.4\n"), UNREAD, Code.F016),
    Fault("手机拍的照片（.jpg）", _plain(f"{UNIT}打分表.jpg", b"\xff\xd8\xff\xe0"), UNREAD, Code.F016),
    Fault("无法识别的文件（.dat）", _plain("数据.dat", "文本".encode()), UNREAD, Code.F016),
    Fault("去掉了扩展名的打分表", _no_suffix, ACCEPTED, None, total=Decimal(98)),
    Fault("Excel 二进制工作簿（.xlsb）", _plain(f"{UNIT}.xlsb", b"PK\x03\x04" + bytes(40)), REJECTED, Code.F015),
    Fault("CSV 文件", _plain(f"{UNIT}.csv", "评分标准,扣分\n(7),1\n".encode("gbk")), REJECTED, Code.F015),
    Fault("苹果 Numbers 表格", _plain(f"{UNIT}.numbers", b"PK\x03\x04" + bytes(40)), REJECTED, Code.F015),
    Fault("WPS .et（不是 OLE 文件）", _plain(f"{UNIT}.et", b"\x00WPS" + bytes(100)), REJECTED, Code.F015),
    Fault("WPS .et（OLE 文件，按 .xls 读取）", _plain(f"{UNIT}.et", bombs.xls_sheet(bombs.number(0, 0))),
          REJECTED, Code.M001),
    Fault("Windows 快捷方式（.lnk）", _plain(f"{UNIT}.xlsx.lnk", b"L\0\0\0"), IGNORED, Code.F003),
    Fault("文件名不是 UTF-8（GBK 字节）", _gbk_named, ACCEPTED, None, total=Decimal(98)),
    # --- archives ---
    Fault(".zip 中的打分表（GBK 文件名）", _zipped("第一组.zip", f"第一组/打分表_01_{UNIT}.xlsx"), ACCEPTED, None,
          total=Decimal(98)),
    Fault(".zip 中的打分表（UTF-8 文件名）", _zipped("第一组.zip", f"打分表_01_{UNIT}.xlsx", gbk=False), ACCEPTED, None,
          total=Decimal(98)),
    Fault(".zip 中的 PDF", _zip("第一组.zip", lambda ctx: [(NAME, ctx.good_bytes()), ("签字页.pdf", b"%PDF-1.4\n")],
                               "签字页.pdf"), UNREAD, Code.F016),
    Fault(".zip 中苹果电脑附带的文件", _zip("第一组.zip", lambda ctx: [(NAME, ctx.good_bytes()), (f"__MACOSX/._{NAME}", b"x")],
                                         f"__MACOSX/._{NAME}"), IGNORED, Code.F003),
    Fault(".zip 中的 .zip", _zip("外层.zip", lambda ctx: [("内层.zip", zip_of_files([(NAME, ctx.good_bytes())]))],
                                "内层.zip"), REJECTED, Code.F014),
    Fault(".zip 中的坏表格", _zip("第一组.zip", lambda ctx: [(NAME, ctx.good_bytes()[:3000])], NAME), REJECTED, Code.F001),
    Fault(".zip 中带 XML 实体炸弹的表格", _zip("第一组.zip", lambda ctx: [(NAME, bombs.entity_bomb(ctx.good_bytes()))], NAME),
          REJECTED, Code.F007),
    Fault("设有密码的 .zip", _zip("第一组.zip", lambda ctx: [(NAME, ctx.good_bytes())], NAME, change=encrypted),
          REJECTED, Code.F014),
    Fault("压缩炸弹（.zip 解压 2 GB）", _plain("第一组.zip", bombs.zip_of([(NAME, bombs.deflated_zeros(2048), 8,
                                                                         2048 * bombs.MB, None, 0)])),
          REJECTED, Code.F006),
    Fault("空的 .zip", _zip("第一组.zip", lambda ctx: []), REJECTED, Code.F014),
    Fault("损坏的 .zip", _plain("第一组.zip", b"PK\x03\x04" + bytes(60)), REJECTED, Code.F014),
    Fault("RAR 压缩包", _plain("第一组.rar", b"Rar!\x1a\x07\x01\x00" + bytes(60)), REJECTED, Code.F014),
    Fault("扩展名是 .zip 的 RAR 压缩包", _plain("第一组.zip", b"Rar!\x1a\x07\x01\x00" + bytes(60)), REJECTED,
          Code.F014),
    Fault("7z 压缩包", _plain("第一组.7z", b"7z\xbc\xaf\x27\x1c" + bytes(60)), REJECTED, Code.F014),
    Fault("指向输入文件夹外的链接", _symlink, IGNORED, Code.F003),
    Fault("带宏的 .xlsm", _with_member(f"{UNIT}.xlsm", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(508)),
          ACCEPTED, Code.F010, total=Decimal(98)),
    Fault("含外部链接", _with_member(NAME, "xl/externalLinks/externalLink1.xml", EXTERNAL_LINK), ACCEPTED, Code.F011,
          total=Decimal(98)),
    Fault("压缩炸弹（解压 2 GB）", _bomb(lambda good: bombs.zip_bomb(good, 2)), REJECTED, Code.F006),
    Fault("压缩炸弹（目录谎报大小）", _bomb(lambda good: bombs.zip_bomb(good, 2, lie=True)), REJECTED, Code.F006),
    Fault("XML 实体炸弹", _bomb(bombs.entity_bomb), REJECTED, Code.F007),
    Fault("数据区域到 XFD1048576", _bomb(bombs.far_cell), REJECTED, Code.F008),
    Fault("超过 50 MB 的文件", _oversized, REJECTED, Code.F005),
    # --- identity ---
    Fault("_meta 被删除（表上写明了单位）", _edit(lambda ws, rows: ws.parent.remove(ws.parent["_meta"])), ACCEPTED,
          Code.M014),
    Fault("_meta 被删除、表上和文件名都看不出单位",
          lambda ctx: ctx.scoring(name="打分表.xlsx", edit=_meta_and_title_gone) and "打分表.xlsx", REJECTED, Code.M001),
    Fault("_meta 缺少表格类型", _meta(kind=None), REJECTED, Code.M002),
    Fault("_meta 表格类型被改", _meta(kind="survey"), REJECTED, Code.M003),
    Fault("另一次检查的表格", _meta(campaign="2022 年安全生产大检查"), REJECTED, Code.M004),
    Fault("另一套考评细则", _meta(rubric_id="another-rubric"), REJECTED, Code.M005),
    Fault("下发后改过版本的考评细则", _meta(rubric_version="0"), ACCEPTED, Code.M015),
    Fault("不在名单中的单位", _meta(county="某某县", reporter="某某县"), REJECTED, Code.M006),
    Fault("检查组与单位不对应", _meta(group="3"), REJECTED, Code.M007),
    Fault("上一轮的表格（归档中没有）", _meta(round="2023-07"), IGNORED, Code.M017),
    Fault("下一轮的表格", _meta(round="2023-09"), REJECTED, Code.M008),
    Fault("同一单位两份不同的文件", _conflict, REJECTED, Code.M009),
    Fault("同一文件报了两份", _copies, IGNORED, Code.M010),
    # --- structure ---
    Fault("打分表工作表改名", _edit(lambda ws, rows: setattr(ws, "title", "Sheet1")), ACCEPTED, Code.S013),
    Fault("打分表工作表改名、另有一份副本", _edit(_renamed_beside_copy), REJECTED, Code.S001),
    Fault("表头被改", _edit(_header_renamed), REJECTED, Code.S002),
    Fault("评分标准行被删", _edit(_deleted), REJECTED, Code.S003),
    Fault("评分标准行重复", _edit(_doubled), ACCEPTED, Code.S012, total=Decimal(100)),
    Fault("评分标准行顺序调换", _edit(_reordered, deductions={"c02": (1, "原因")}), ACCEPTED, None,
          total=Decimal(99)),
    Fault("插入行和列", _edit(lambda ws, rows: (insert_rows_like_excel(ws, rows["c05"], 2),
                                              insert_cols_like_excel(ws, 1, 1)), deductions={"c01": (2, "原因")}),
          ACCEPTED, None, total=Decimal(98)),
    Fault("合并单元格被拆开", _edit(_unmerged, deductions={"c01": (2, "原因")}), ACCEPTED, None, total=Decimal(98)),
    Fault("评分标准编号被改", _edit(lambda ws, rows: ws.cell(rows["c09"], 3, "(99)改过的条款")), REJECTED, Code.S005),
    Fault("分值被改", _edit(lambda ws, rows: ws.cell(rows["c07"], 4, 9)), REJECTED, Code.S006),
    Fault("条款文字被改", _edit(lambda ws, rows: ws.cell(rows["c09"], 3, "(9)改过的文字")), ACCEPTED, Code.S007),
    # --- cell values ---
    Fault("扣分填了公式", _edit(_formula), ACCEPTED, Code.D015, cell="F{c07}", total=Decimal(98)),
    Fault("扣分填了算不出结果的公式", _edit(_foreign_formula), REJECTED, Code.D011, cell="F{c07}"),
    Fault("扣分填文字", _deduct("两三分"), REJECTED, Code.D001),
    Fault("扣分为极大数", _deduct(1e308), REJECTED, Code.D004),
    Fault("扣分为 NaN", _deduct("NaN"), REJECTED, Code.D001),
    Fault("扣分为 inf", _deduct("inf"), REJECTED, Code.D001),
    Fault("扣分为负零", _deduct(-0.0, None), ACCEPTED, None, total=Decimal(100)),
    Fault("扣分为负数", _deduct(-1), REJECTED, Code.D002),
    Fault("扣分有原因无分", _deduct(None, "台账不全"), ACCEPTED, Code.D007),
    Fault("检查日期写成文字", lambda ctx: ctx.scoring(inspection_date="八月中旬") and NAME, ACCEPTED, Code.T001),
    Fault("1 MB 的扣分原因", _reason(MB_TEXT), ACCEPTED, None, total=Decimal(99)),
    Fault("控制字符、emoji、全角和繁体字", _control_characters, ACCEPTED, None, total=Decimal(99)),
    Fault("原因写成公式文字", _reason("=HYPERLINK(\"http://x\",\"点我\")"), ACCEPTED, None, total=Decimal(99)),
    Fault("交办清单选项不在列表中", _dispatch("特别重大"), ACCEPTED, Code.H004),
    Fault("调度表数量填文字", _progress("若干"), REJECTED, Code.P001),
    Fault("调度表个数写成“2000万”", _progress("2000万"), REJECTED, Code.P001),
    # --- what people do that must never pass unnoticed ---
    Fault("报回了空白模板", _blank("打分表"), IGNORED, Code.S008),
    Fault("报回了空白调度表", _blank("调度表"), IGNORED, Code.S008),
    Fault("扣分填在复制的工作表中", _edit(_in_copy), REJECTED, Code.S009),
    Fault("别的县区的模板改了标题", _edit(_retitled), REJECTED, Code.M011, cell="A2"),
    Fault("文件名写着别的县区", lambda ctx: ctx.scoring(name="商城县.xlsx") and "商城县.xlsx", REJECTED, Code.M012),
    Fault("插入一行填了扣分", _edit(_row_inserted), REJECTED, Code.S010),
    Fault("得分栏直接填了分数", _edit(lambda ws, rows: ws.cell(rows["c07"], 8, 2)), REJECTED, Code.D013,
          cell="H{c07}"),
    Fault("扣分原因写“扣1分”、扣分栏空着", _deduct(None, "台账缺失，扣1分"), REJECTED, Code.D012, cell="F{c07}"),
    Fault("扣分原因只写“无”", _reason("无"), REJECTED, Code.D006, cell="G{c07}"),
    Fault("交办清单序号重复", _repeated_numbers, ACCEPTED, Code.H009),
]


def print_table() -> None:
    """The table for the issue note: fault, what the tool said, whether anything was lost."""
    import tempfile

    from inspection.run import run
    from inspection.spec.campaign import load_campaign
    from inspection.templates import generate_templates
    from tests.conftest import ROOT

    campaign = load_campaign(ROOT / "config.toml")
    with tempfile.TemporaryDirectory() as tmp:
        templates = generate_templates(campaign, Path(tmp) / "templates")
        print("| 故障 | 结果 | 工具的话 | 有无丢失 |\n|---|---|---|---|")
        for n, fault in enumerate(FAULTS):
            ctx = Context(Path(tmp) / f"in{n}", templates.folder, campaign)
            ctx.input.mkdir()
            name = fault.build(ctx)
            result = run(campaign, ctx.input, Path(tmp) / f"out{n}")
            info = next(f for f in result.files if f.path == name)
            said = next((f for f in result.findings if f.file == name and (not fault.code or f.code == fault.code)), None)
            words = f"{said.code.name} {said.message[:70]}" if said else "（无提示，正常采用）"
            listed = {f.path for f in result.files}
            missing = [p for p in ctx.input.rglob("*") if not p.is_dir()
                       and display_path(p.relative_to(ctx.input).as_posix()) not in listed]
            lost = f"丢失 {len(missing)} 个" if missing else "无"
            print(f"| {fault.kind} | {info.status} | {words} | {lost}（{len(result.files)} 个文件全部列入报告） |")


if __name__ == "__main__":
    print_table()
