"""Everything a person can put in input/ ends in the report: returns inside a .zip are read like files
on disk, formats the tool cannot read are said to be so with the fix, file names that are not UTF-8
are shown decoded, and a missing unit's finding names the file that was probably its return."""

import dataclasses
from decimal import Decimal
import os

import openpyxl
import pytest

from inspection.constants import PROGRESS_FILE, SCORING_FILE
from inspection.cli import main
from inspection.intake.filekinds import UNZIP_FIX
from inspection.findings import ERROR, INFO, WARNING, Code
from inspection.model import ACCEPTED, IGNORED, REJECTED, UNPACKED, UNREAD
from inspection.intake.limits import Limits
from inspection.run import run
from tests import bombs
from tests.conftest import ROOT
from tests.corpus import NAME, UNIT, zip_of_files
from tests.filling import fill_progress, fill_scoring

SECOND = "商城县"


def _run(ctx, tmp_path, **kwargs):
    return run(ctx.campaign, ctx.input, tmp_path / "output", **kwargs)


def _return(ctx, unit: str, points=1) -> bytes:
    """A filled 打分表 of `unit` with one deduction, as bytes."""
    group = ctx.config.group_for_unit(unit).number
    path = fill_scoring(ctx.templates / SCORING_FILE.format(group=group, unit=unit), ctx.input.parent / f".{unit}.xlsx",
                        ctx.rubric, deductions={"c07": (points, "台账不全")})
    data = path.read_bytes()
    path.unlink()
    return data


def _by_path(result) -> dict:
    return {f.path: f for f in result.files}


def _about_rows(result) -> dict:
    """The report's 说明 file list: path → (status, reason)."""
    ws = openpyxl.load_workbook(result.output_path)["说明"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(n for n, r in enumerate(rows) if r[0] == "序号")
    status, reason = rows[head].index("状态"), rows[head].index("原因")
    return {r[1]: (r[status], r[reason]) for r in rows[head + 1:] if r[1]}


# --- archives ---

def test_zip_from_chinese_windows__returns_read_names_decoded_and_everything_listed(ctx, tmp_path):
    members = [(f"第一组/打分表_01_{UNIT}.xlsx", _return(ctx, UNIT, 2)),
               (f"第一组/打分表_07_{SECOND}.xlsx", _return(ctx, SECOND, Decimal("0.5"))),
               ("第一组/签字页.jpg", b"\xff\xd8\xff\xe0"),
               ("第一组/~$打分表_01_淮滨县.xlsx", b"lock"),
               ("第二组.zip", zip_of_files([("x.xlsx", b"x")])),
               ("__MACOSX/第一组/._签字页.jpg", b"x")]
    ctx.write("报回材料.zip", zip_of_files(members, gbk=True))

    result = _run(ctx, tmp_path)
    files = _by_path(result)
    assert result.scoring[UNIT].total == 98 and result.scoring[SECOND].total == Decimal("99.5")
    assert list(files) == ["报回材料.zip", "报回材料.zip/__MACOSX/第一组/._签字页.jpg", "报回材料.zip/第一组/~$打分表_01_淮滨县.xlsx",
                           f"报回材料.zip/第一组/打分表_01_{UNIT}.xlsx", f"报回材料.zip/第一组/打分表_07_{SECOND}.xlsx",
                           "报回材料.zip/第一组/签字页.jpg", "报回材料.zip/第二组.zip"]
    archive = files["报回材料.zip"]
    assert archive.status == UNPACKED and "内含 6 个文件" in archive.reason and archive.sha256
    statuses = {path: f.status for path, f in files.items()}
    assert statuses == {"报回材料.zip": UNPACKED, "报回材料.zip/__MACOSX/第一组/._签字页.jpg": IGNORED,
                        "报回材料.zip/第一组/~$打分表_01_淮滨县.xlsx": IGNORED,
                        f"报回材料.zip/第一组/打分表_01_{UNIT}.xlsx": ACCEPTED,
                        f"报回材料.zip/第一组/打分表_07_{SECOND}.xlsx": ACCEPTED,
                        "报回材料.zip/第一组/签字页.jpg": UNREAD, "报回材料.zip/第二组.zip": REJECTED}
    nested = next(f for f in result.findings if f.file == "报回材料.zip/第二组.zip")
    assert nested.code == Code.F014 and "只解压一层" in nested.message and UNZIP_FIX in nested.message
    # In the report's file list, each with its status; the member's hash is its own.
    about = _about_rows(result)
    assert {path: row[0] for path, row in about.items()} == statuses
    assert files[f"报回材料.zip/第一组/打分表_01_{UNIT}.xlsx"].sha256 not in ("", archive.sha256)


def test_zip__a_member_goes_through_the_same_guard_as_a_file_on_disk(ctx, tmp_path):
    ctx.write("第一组.zip", zip_of_files([(NAME, bombs.far_cell(ctx.good_bytes())), ("坏的.xlsx", b"not a workbook")]))
    result = _run(ctx, tmp_path)
    codes = {f.file: f.code for f in result.findings if f.file.startswith("第一组.zip/")}
    assert codes == {f"第一组.zip/{NAME}": Code.F008, "第一组.zip/坏的.xlsx": Code.F001}


def test_zip__over_a_limit_rejected_like_a_workbook(ctx, tmp_path):
    ctx.write("第一组.zip", bombs.zip_of([(NAME, bombs.deflated_zeros(300), 8, 10_000, 2_000, 0)]))  # lies
    result = _run(ctx, tmp_path)
    assert [(f.path, f.status) for f in result.files] == [("第一组.zip", REJECTED)]
    assert [f.code for f in result.findings if f.file == "第一组.zip"] == [Code.F006]


def test_zip__member_over_the_size_limit__F005(ctx, tmp_path):
    ctx.write("第一组.zip", zip_of_files([(NAME, ctx.good_bytes() + bytes(300_000))]))
    config = dataclasses.replace(ctx.config, limits=Limits(max_file_bytes=200_000))
    result = run(dataclasses.replace(ctx.campaign, config=config), ctx.input, tmp_path / "output")
    assert [f.code for f in result.findings if f.file == f"第一组.zip/{NAME}"] == [Code.F005]


def test_zip_that_is_a_workbook__read_as_one(ctx, tmp_path):
    ctx.write(f"{UNIT}.zip", ctx.good_bytes())
    result = _run(ctx, tmp_path)
    assert [(f.path, f.status) for f in result.files] == [(f"{UNIT}.zip", ACCEPTED)]


@pytest.mark.parametrize("name, data", [("第一组.rar", b"Rar!\x1a\x07\x01\x00" + bytes(40)),
                                        ("第一组.7z", b"7z\xbc\xaf\x27\x1c" + bytes(40)),
                                        ("第一组.zip", b"Rar!\x1a\x07\x01\x00" + bytes(40))])
def test_archives_the_tool_cannot_open__error_with_the_fix(ctx, tmp_path, name, data):
    ctx.write(name, data)
    result = _run(ctx, tmp_path)
    (found,) = [f for f in result.findings if f.file == name]
    assert found.code == Code.F014 and found.level == ERROR and UNZIP_FIX in found.message
    assert "RAR" in found.message or "7z" in found.message
    assert _by_path(result)[name].status == REJECTED


def test_cli_summary_counts_archives_and_unread_files(ctx, tmp_path, capsys):
    ctx.write("第一组.zip", zip_of_files([(NAME, ctx.good_bytes()), ("签字页.pdf", b"%PDF")], gbk=True))
    code = main(["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input),
                 "--output", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1  # units missing
    assert "收到 3 个文件（含压缩包中的 2 个）：采用 1 个，未采用 0 个，忽略 0 个，未读取 1 个，已解压的压缩包 1 个。" in out
    assert "  未读取 第一组.zip/签字页.pdf：PDF 文件，本工具无法读取" in out


# --- formats ---

@pytest.mark.parametrize("name, status, code", [
    (f"{UNIT}.xlsb", REJECTED, Code.F015), (f"{UNIT}.csv", REJECTED, Code.F015),
    (f"{UNIT}.numbers", REJECTED, Code.F015), (f"{UNIT}.et", REJECTED, Code.F015),
    (f"{UNIT}.pdf", UNREAD, Code.F016), (f"{UNIT}.jpg", UNREAD, Code.F016), (f"{UNIT}.png", UNREAD, Code.F016),
    (f"{UNIT}.doc", UNREAD, Code.F016), (f"{UNIT}.docx", UNREAD, Code.F016),
    (f"~${UNIT}.xlsx", IGNORED, Code.F003), (".DS_Store", IGNORED, Code.F003), ("Thumbs.db", IGNORED, Code.F003),
])
def test_formats_not_read__never_a_mere_note_when_it_may_be_a_return(ctx, tmp_path, name, status, code):
    ctx.write(name, b"\x00not what it says" + bytes(20))
    result = _run(ctx, tmp_path)
    (found,) = [f for f in result.findings if f.file == name]
    assert (_by_path(result)[name].status, found.code) == (status, code)
    assert found.level == {Code.F015: ERROR, Code.F016: WARNING, Code.F003: INFO}[code]
    if code == Code.F015:
        assert "另存为" in found.message or "下发的模板" in found.message
    if code == Code.F016:
        assert "扫描件" in found.message and "重新报送" in found.message


def test_scan_beside_the_return__warns_only(ctx, tmp_path, capsys):
    """A signed page scanned and sent with the 打分表 is normal: a warning, never a rejection."""
    for path in ctx.templates.glob("打分表_*.xlsx"):
        fill_scoring(path, ctx.input / path.name, ctx.rubric)
    ctx.write(f"{UNIT}签字页.pdf", b"%PDF-1.4")
    assert main(["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input),
                 "--output", str(tmp_path / "out")]) == 0
    assert "未读取 1 个" in capsys.readouterr().out


# --- file names ---

def test_file_name_in_gbk_bytes__accepted_and_shown_decoded(ctx, tmp_path, capsys):
    raw = os.fsencode(ctx.input) + b"/" + "淮滨县（第一组）.xlsx".encode("gbk")
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, ctx.good_bytes())
    os.close(fd)
    (ctx.input / "子文件夹").mkdir()
    odd = os.fsencode(ctx.input / "子文件夹") + b"/\xff\xfe.pdf"  # neither UTF-8 nor GBK
    os.close(os.open(odd, os.O_WRONLY | os.O_CREAT, 0o644))

    code = main(["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input),
                 "--output", str(tmp_path / "out")])  # the archive (sqlite) is written too
    assert code == 1
    result = run(ctx.campaign, ctx.input, tmp_path / "out")
    assert [(f.path, f.status) for f in result.files] == [("子文件夹/\ufffd\ufffd.pdf", UNREAD),
                                                          ("淮滨县（第一组）.xlsx", ACCEPTED)]
    assert result.scoring[UNIT].total == 98
    assert "淮滨县（第一组）.xlsx" in _about_rows(result)
    history = main(["history", "--config", str(ROOT / "config.toml"), "--archive", str(tmp_path / "out" / "归档.sqlite")])
    assert history == 0 and "淮滨县（第一组）.xlsx" in capsys.readouterr().out


# --- folders ---

def test_folder_that_cannot_be_listed__F017_error(ctx, tmp_path, monkeypatch):
    ctx.scoring()
    (ctx.input / "锁住的").mkdir()
    (ctx.input / "锁住的" / "打分表.xlsx").write_bytes(b"x")
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("锁住的"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    result = _run(ctx, tmp_path)
    assert _by_path(result)["锁住的/"].status == REJECTED
    assert [f.code for f in result.findings if f.file == "锁住的/"] == [Code.F017]


def test_link_to_a_folder__listed(ctx, tmp_path):
    ctx.scoring()
    (tmp_path / "外面").mkdir()
    os.symlink(tmp_path / "外面", ctx.input / "外面的文件夹")
    result = _run(ctx, tmp_path)
    assert _by_path(result)["外面的文件夹"].status == IGNORED


# --- a missing unit's finding says what input/ holds instead ---

def _u001(result, unit: str):
    return next(f for f in result.findings if f.code == Code.U001 and f.unit == unit)


def test_missing_unit__its_unread_file_named_as_the_likely_reason(ctx, tmp_path):
    ctx.scoring()
    ctx.write(f"{SECOND}打分表.pdf", b"%PDF")
    ctx.write("第九组.rar", b"Rar!\x1a\x07\x01\x00")
    ctx.write("息县.et", b"\x00WPS")
    result = _run(ctx, tmp_path)
    message = _u001(result, SECOND).message
    assert message.startswith(f"没有收到“{SECOND}”的打分表（应由")
    assert f"收到 {SECOND}打分表.pdf，但它没有读取（PDF 文件，本工具无法读取），可能就是这份" in message
    assert "收到 息县.et，但它未采用" in _u001(result, "息县").message
    # A unit no file names: the files of no known unit are listed (not 商城县's or 息县's).
    other = _u001(result, "浉河区").message
    assert "另有 1 个文件没有读取或未采用" in other and "第九组.rar" in other and "息县.et" not in other


def test_missing_unit__many_unidentified_files_listed_then_counted(ctx, tmp_path):
    for n in range(5):
        ctx.write(f"扫描{n}.jpg", b"\xff\xd8")
    message = _u001(_run(ctx, tmp_path), "浉河区").message
    assert "扫描0.jpg、扫描1.jpg、扫描2.jpg 等 5 个" in message


def test_missing_unit__a_rejected_file_of_unknown_unit_and_an_archive_member_named(ctx, tmp_path):
    ctx.write("第二组.zip", zip_of_files([(f"{SECOND}/打分表.xlsx", b"broken")], gbk=True))
    message = _u001(_run(ctx, tmp_path), SECOND).message
    assert f"收到 第二组.zip/{SECOND}/打分表.xlsx，但它未采用（文件无法读取）" in message


def test_missing_unit__nothing_unread__message_unchanged(ctx, tmp_path):
    ctx.scoring()
    message = _u001(_run(ctx, tmp_path), SECOND).message
    assert message.endswith("报送）。")


def test_missing_dispatch_or_progress__U002_names_the_file_of_its_kind(ctx, tmp_path):
    ctx.scoring()
    fill_progress(ctx.templates / PROGRESS_FILE.format(reporter=UNIT, round=ctx.config.round),
                  ctx.input / "调度.xlsx", {})
    ctx.write(f"{SECOND}调度表.jpg", b"\xff\xd8")
    ctx.write(f"{SECOND}打分表.jpg", b"\xff\xd8")  # names another kind: not this one's reason
    result = _run(ctx, tmp_path)
    u002 = next(f for f in result.findings if f.code == Code.U002 and f.unit == SECOND)
    assert f"收到 {SECOND}调度表.jpg，但它没有读取" in u002.message
    assert f"收到 {SECOND}打分表.jpg，但它没有读取" in _u001(result, SECOND).message


def test_missing_unit__a_link_to_its_file_outside_input_named(ctx, tmp_path):
    ctx.scoring()
    outside = tmp_path / f"{SECOND}.xlsx"
    outside.write_bytes(_return(ctx, SECOND))
    os.symlink(outside, ctx.input / f"{SECOND}.xlsx")
    result = _run(ctx, tmp_path)
    assert _by_path(result)[f"{SECOND}.xlsx"].status == IGNORED
    assert f"收到 {SECOND}.xlsx，但它没有读取（指向输入文件夹以外的链接，不读取）" in _u001(result, SECOND).message
