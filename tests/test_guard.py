"""Hostile files through the real run: bombs and oversized files are refused with their own code,
quickly and in little memory, before the reader sees them; the run goes on with the good files.
Real templates and returns (and LibreOffice's re-saves of them) still pass."""

import dataclasses
import io
import os
from pathlib import Path
import tracemalloc
import zipfile

import pytest

from inspection.constants import DISPATCH_FILE, PROGRESS_FILE
from inspection.cli import main
from inspection.spec.campaign import campaign_of
from inspection.spec.config import load_config
from inspection.errors import ConfigError
from inspection.model import ACCEPTED, REJECTED
from inspection.intake.active_content import active_content
from inspection.intake.book import UnreadableFile, read_book
from inspection.intake.guard import check_container
from inspection.intake.limits import MB, Limits, SuspectedBomb
from inspection.intake.repack import reader_bytes
from inspection.run import run
from tests import bombs
from tests.conftest import ROOT
from tests.corpus import UNIT, add_member
from tests.filling import fill_dispatch, fill_progress

HOSTILE = "来历不明.xlsx"
DEFAULTS = Limits()


def _run_with(ctx, tmp_path, name: str, data: bytes, config=None):
    """The hostile file next to a good return of the same unit; the run must refuse one, take the other."""
    ctx.scoring(deductions={"c01": (2, "未明确第一责任人")})
    ctx.write(name, data)
    result = run(dataclasses.replace(ctx.campaign, config=config) if config else ctx.campaign, ctx.input,
                 tmp_path / "output")
    status = {f.path: f.status for f in result.files}
    assert status == {f"{UNIT}.xlsx": ACCEPTED, name: REJECTED}
    assert result.scoring[UNIT].total == 98
    return [f for f in result.findings if f.file == name]


def _codes(findings) -> list[str]:
    return [f.code.name for f in findings]


def _guarded(data: bytes, limits: Limits = DEFAULTS):
    """check_container on `data`: (the exception, peak traced memory in bytes). How long each bomb
    takes to be refused is measured by bench/bombs.py, not asserted here (a busy machine is slow)."""
    tracemalloc.start()
    try:
        check_container(data, limits)
        raised = None
    except UnreadableFile as err:
        raised = err
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return raised, peak


# --- zip bombs ---

def test_zip_bomb__2gb_sheet__F006_in_bounded_memory(ctx, tmp_path):
    data = bombs.zip_bomb(ctx.good_bytes(), gigabytes=2)
    assert len(data) < 4 * MB
    err, peak = _guarded(data)
    assert isinstance(err, SuspectedBomb) and peak < 64 * MB
    found = _run_with(ctx, tmp_path, HOSTILE, data)
    assert _codes(found) == ["F006"] and "压缩" in found[0].message


def test_zip_bomb__directory_lies_about_sizes__caught_while_inflating(ctx, tmp_path):
    data = bombs.zip_bomb(ctx.good_bytes(), gigabytes=2, lie=True)
    err, peak = _guarded(data)
    assert isinstance(err, SuspectedBomb) and "压缩比达到" in str(err)  # found by inflating, not declared
    assert peak < 64 * MB
    assert _codes(_run_with(ctx, tmp_path, HOSTILE, data)) == ["F006"]


def test_zip_bomb__one_entry_named_2000_times__F006(ctx, tmp_path):
    data = bombs.overlapping_bomb(ctx.good_bytes(), copies=2000)
    err, _ = _guarded(data)
    assert isinstance(err, SuspectedBomb)
    assert _codes(_run_with(ctx, tmp_path, HOSTILE, data)) == ["F006"]


def test_zip_bomb__under_ratio_limit__stopped_by_inflated_total():
    data = bombs.dense_bomb(bombs.zip_of([]), megabytes=40)  # about 186 to 1: under max_ratio
    err, _ = _guarded(data, Limits(max_inflated_bytes=30 * MB))
    assert isinstance(err, SuspectedBomb) and "仍未结束" in str(err)


def test_binary_workbook_renamed_xlsx__F001(ctx, tmp_path):
    data = bombs.zip_of(bombs.parts_of(ctx.good_bytes()) + [("xl/workbook.bin", b"", 0, 0, None, 0)])
    found = _run_with(ctx, tmp_path, HOSTILE, data)
    assert _codes(found) == ["F001"] and ".xlsb" in found[0].message


def test_zip__more_parts_than_limit__F006(ctx, tmp_path):
    data = bombs.many_parts(ctx.good_bytes(), 10_001)
    found = _run_with(ctx, tmp_path, HOSTILE, data)
    assert _codes(found) == ["F006"] and "10000 个" in found[0].message


# --- XML entity declarations ---

@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_billion_laughs__F007(ctx, tmp_path, part):
    source = ctx.scoring_template().read_bytes()  # the template has both parts
    data = bombs.entity_bomb(source, part)
    found = _run_with(ctx, tmp_path, HOSTILE, data)
    assert _codes(found) == ["F007"] and part in found[0].message


def test_doctype_alone_in_sheet__F007(ctx, tmp_path):
    good = ctx.good_bytes()
    sheet = bombs.read_part(good, bombs.SHEET1)
    end = sheet.find(b"?>") + 2 if sheet.startswith(b"<?xml") else 0  # openpyxl writes no declaration
    data = bombs.replace_part(good, "xl/worksheets/sheet1.xml", sheet[:end] + b"<!DOCTYPE worksheet>" + sheet[end:])
    assert _codes(_run_with(ctx, tmp_path, HOSTILE, data)) == ["F007"]


# --- size on disk, through config.toml [limits] and the command line ---

def test_file_over_size_limit_from_config__F005_and_cli_exit_1(ctx, tmp_path, capsys):
    config_path = _config_with_limits(tmp_path, "max_file_mb = 0.5")
    assert load_config(config_path).limits.max_file_bytes == MB // 2
    ctx.scoring(deductions={"c01": (2, "未明确第一责任人")})
    big = bombs.zip_of(bombs.parts_of(ctx.good_bytes()) + [("xl/media/photo.jpg", os.urandom(MB), 0, MB, None, 0)])
    ctx.write("带照片.xlsx", big)
    code = main(["run", "--config", str(config_path), "--input", str(ctx.input), "--output", str(tmp_path / "out")])
    assert code == 1
    assert "收到 2 个文件：采用 1 个" in capsys.readouterr().out
    result = run(campaign_of(load_config(config_path), ctx.rubric), ctx.input, tmp_path / "out2")
    found = [f for f in result.findings if f.file == "带照片.xlsx"]
    assert _codes(found) == ["F005"] and "超过上限 512 KB" in found[0].message


# --- data areas the reader would lay out cell by cell ---

def test_value_in_XFD1048576__F008_before_reader_allocates(ctx, tmp_path):
    found = _run_with(ctx, tmp_path, HOSTILE, bombs.far_cell(ctx.good_bytes()))
    assert _codes(found) == ["F008"] and "A1:XFD1048576" in found[0].message and "Ctrl+End" in found[0].message
    assert "工作表“打分表”的数据区域" in found[0].message  # which sheet to press Ctrl+End in


def test_value_a_little_further_out__still_read(ctx, tmp_path):
    seen = check_container(bombs.far_cell(ctx.good_bytes(), b"Z300"), Limits())  # passes, and hands the inflated sheet on
    assert b'r="Z300"' in seen.parts["xl/worksheets/sheet1.xml"] and "xl/workbook.xml" in seen.names


def test_shared_strings_declaring_4_billion__F008(ctx, tmp_path):
    data = bombs.string_count_lie(ctx.scoring_template().read_bytes())
    assert _codes(_run_with(ctx, tmp_path, HOSTILE, data)) == ["F008"]


@pytest.mark.parametrize("records, words", [
    ((bombs.dimensions(0xFFFFFFFF, 255),), "第 1 个工作表声明的数据区域为 4294967295 行"),
    ((bombs.number(0, 0), bombs.number(65535, 255)), "第 1 个工作表的数据区域为 65536 行 × 256 列"),
], ids=["DIMENSIONS 说谎", "远处的单元格"])
def test_xls_data_area__F008(ctx, tmp_path, records, words):
    found = _run_with(ctx, tmp_path, "旧格式.xls", bombs.xls_sheet(*records))
    assert _codes(found) == ["F008"] and words in found[0].message


def test_ods_repeated_rows_and_cells__F008(ctx, tmp_path):
    found = _run_with(ctx, tmp_path, "表格.ods", bombs.ods_of(1_000_000, 1000))
    assert _codes(found) == ["F008"] and "1000000 行 × 1000 列" in found[0].message


def test_ods_repeated_formula_cells_without_value__F008(ctx, tmp_path):
    # A self-closing cell with a formula and no value type: the reader lays it out too (found while
    # adding the .ods formula scan: 100,000 × 1,000 such cells ended the process).
    found = _run_with(ctx, tmp_path, "表格.ods", bombs.ods_of(100_000, 1000, formula=True))
    assert _codes(found) == ["F008"] and "100000 行 × 1000 列" in found[0].message


# --- broken .xls containers: unreadable, never a crash or a hang ---

def test_garbage_xls__F001(ctx, tmp_path):
    data = bombs.OLE_MAGIC + os.urandom(8192)
    assert _codes(_run_with(ctx, tmp_path, "旧格式.xls", data)) == ["F001"]


def test_xls_directory_chain_looping__F001_not_a_crash(ctx, tmp_path):
    err, _ = _guarded(bombs.ole_directory_loop())
    assert "OLE 结构损坏" in str(err)
    assert _codes(_run_with(ctx, tmp_path, "旧格式.xls", bombs.ole_directory_loop())) == ["F001"]


def test_named_pipe__F001_not_a_hang(ctx, tmp_path):
    os.mkfifo(ctx.input / "管道.xlsx")
    ctx.scoring()
    result = run(ctx.campaign, ctx.input, tmp_path / "output")
    assert {f.path: f.status for f in result.files} == {f"{UNIT}.xlsx": ACCEPTED, "管道.xlsx": REJECTED}


# --- real files are never refused ---

def test_every_template__passes(templates):
    for path in [*templates.scoring, *templates.dispatch, *templates.progress_units, *templates.progress_departments]:
        check_container(path.read_bytes(), Limits())


def test_filled_returns__pass(ctx, tmp_path, config):
    group = config.group_for_unit(UNIT).number
    hazard = {"企业（单位）名称": "信阳某化工有限公司", "行业领域": "危险化学品", "问题隐患描述": "可燃气体报警器失效" * 20,
              "隐患级别": "一般事故隐患", "整改要求": "立即更换", "责任单位": "县应急局", "整改状态": "未整改"}
    paths = [ctx.scoring(deductions={f"c{n:02d}": (1, "原因" * 50) for n in range(1, 40)}),
             fill_dispatch(ctx.templates / DISPATCH_FILE.format(group=group, unit=UNIT),
                           ctx.input / "交办.xlsx", [hazard] * 50),
             fill_progress(ctx.templates / PROGRESS_FILE.format(reporter=UNIT, round=config.round),
                           ctx.input / "调度.xlsx",
                           {"企业自查发现的重大事故隐患（个）": 3})]
    for path in paths:
        check_container(path.read_bytes(), Limits())  # raises if refused; its time: bench/bombs.py


# --- [limits] in config.toml ---

def test_limits__defaults_when_table_missing(config):
    assert config.limits == Limits()


def test_limits__all_keys_read(tmp_path):
    path = _config_with_limits(tmp_path, "max_file_mb = 20\nmax_members = 500\nmax_inflated_mb = 100.5\n"
                                         "max_ratio = 100\nmax_cells = 1000000")
    assert load_config(path).limits == Limits(20 * MB, 500, int(100.5 * MB), 100, 1_000_000)


@pytest.mark.parametrize("text, key", [
    ("max_file_mb = 0", "limits.max_file_mb"),
    ("max_ratio = 2.5", "limits.max_ratio"),
    ("max_cells = \"很多\"", "limits.max_cells"),
    ("max_members = true", "limits.max_members"),
    ("max_size = 10", "limits.max_size"),
])
def test_limits__bad_value__one_line_error_naming_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as err:
        load_config(_config_with_limits(tmp_path, text))
    assert key in str(err.value) and "\n" not in str(err.value)


def _config_with_limits(tmp_path, lines: str):
    for sub in ("rubrics", "forms"):
        if not (tmp_path / sub).exists():
            (tmp_path / sub).symlink_to(ROOT / sub)
    path = tmp_path / "config.toml"
    path.write_text((ROOT / "config.toml").read_text(encoding="utf-8") + f"\n[limits]\n{lines}\n", encoding="utf-8")
    return path



# --- handing the guard's inflated parts to the reader (repack.py) ---

def _sheets(data: bytes) -> dict:
    with read_book(Path("x.xlsx"), data) as book:
        return {name: (book.sheet(name).rows, book.sheet(name).merges) for name in book.sheet_names}


def test_repack__filled_return__stored_zip_reads_the_same_as_the_file(ctx):
    data = ctx.scoring(deductions={"c01": (2, "未明确第一责任人"), "c05": (0.5, "台账不全")}).read_bytes()
    container = check_container(data, DEFAULTS)
    stored = reader_bytes(data, container)
    assert stored != data and len(stored) > len(data)  # the parts are stored, not deflated
    with zipfile.ZipFile(io.BytesIO(stored)) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
        assert zf.testzip() is None  # every CRC-32 matches
    assert _sheets(stored) == _sheets(data)


def test_repack__part_with_wrong_crc__reader_sees_what_the_file_gives(ctx):
    data = bytearray(ctx.scoring(deductions={"c01": (2, "未明确第一责任人")}).read_bytes())
    name = b"xl/worksheets/sheet1.xml"  # 打分表, which the reader reads
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 16:central + 20] = b"\x00\x00\x00\x00"  # its declared CRC-32
    data = bytes(data)
    stored = reader_bytes(data, check_container(data, DEFAULTS))
    assert stored != data
    assert _sheets(stored) == _sheets(data)  # the reader does not check CRCs; either way the same values


def test_repack__return_with_an_image__image_stored_too_and_read_the_same(ctx):
    image = b"\x89PNG" + os.urandom(2000)
    data = add_member(ctx.scoring().read_bytes(), "xl/media/image1.png", image)
    stored = reader_bytes(data, check_container(data, DEFAULTS))
    with zipfile.ZipFile(io.BytesIO(stored)) as zf:
        assert zf.read("xl/media/image1.png") == image and zf.testzip() is None
    assert _sheets(stored) == _sheets(data)


def test_repack__part_too_big_to_keep__file_handed_on_as_it_is(ctx, monkeypatch):
    monkeypatch.setattr("inspection.intake.guard.KEEP_BYTES", 1000)
    data = add_member(ctx.scoring().read_bytes(), "xl/media/image1.png", os.urandom(2000))
    assert reader_bytes(data, check_container(data, DEFAULTS)) is data


def test_xls_macros__found_by_the_vba_storage_not_by_text_in_cells():
    with_vba = bombs.xls_of(bombs.BOF_GLOBALS + bombs.EOF, storages=("_VBA_PROJECT_CUR",))
    assert active_content(with_vba, check_container(with_vba, DEFAULTS).names) == (True, False)
    text = "_VBA_PROJECT".encode("utf-16-le")  # what a cell could hold; it is no macro
    plain = bombs.xls_of(bombs.BOF_GLOBALS + bombs.biff(0x0204, text) + bombs.EOF)
    assert text in plain and active_content(plain, check_container(plain, DEFAULTS).names) == (False, False)
