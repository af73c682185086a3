"""Formula cells are found in every format the tool reads, at the positions the reader gives the values.

Real files: a template and a filled return (=1+1 typed into 扣分 of criterion (7), the number 3
typed over the 得分 formula of the second 细则), saved by LibreOffice as .xlsx, .xls and .ods
once per module. Then the same code on files built from inline XML and records, and on broken ones.
"""

from dataclasses import dataclass
import random
import shutil
import struct

import openpyxl
import pytest

from inspection.constants import SHEET_SCORING, TOTAL_LABEL
from inspection.findings import Code, finding
from inspection.intake import formulas
from inspection.intake.book import read_book
from inspection.intake.formulas import FORMULA_XLS, SHARED_FORMULA, formulas_by_column, sheet_formulas
from inspection.intake.guard import Container, check_container
from inspection.intake.limits import Limits
from inspection.intake.repack import reader_bytes
from inspection.run import run
from tests.bombs import BOF_GLOBALS, BOF_SHEET, EOF, SHEET1, biff, read_part, replace_part
from tests.corpus import rezip
from tests.filling import criterion_rows, fill_scoring
from tests.fuzzing import mutate_bytes
from tests.libreoffice import convert

FORMATS = ["xlsx", "xls", "ods"]
DEDUCTION, SCORE = 5, 7  # columns F and H, 0-based


@dataclass(frozen=True)
class Layout:
    """0-based rows of the template's 打分表."""

    items: list[int]  # the first row of each 细则, where its 得分 formula is
    total: int
    c07: int  # 扣分 of criterion (7) gets the formula
    typed: int  # 得分 of the second 细则 gets a typed number


@pytest.fixture(scope="module")
def layout(templates, rubric) -> Layout:
    ws = openpyxl.load_workbook(templates.scoring[0])[SHEET_SCORING]
    rows = criterion_rows(ws, rubric)
    items = [rows[item.criteria[0].id] - 1 for item in rubric.items]
    total = next(c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == TOTAL_LABEL) - 1
    return Layout(items, total, rows["c07"] - 1, items[1])


@pytest.fixture(scope="module")
def saved(tmp_path_factory, templates, rubric, layout) -> dict:
    """{"template" | "filled": {ext: path}}, each saved once by LibreOffice (the filled .xlsx as
    openpyxl saved it, as a person's Excel would leave it)."""
    folder = tmp_path_factory.mktemp("formulas")
    profile = folder / "profile"

    def edit(ws, rows):
        ws.cell(layout.c07 + 1, DEDUCTION + 1, "=1+1")
        ws.cell(layout.c07 + 1, DEDUCTION + 2, "台账缺失")
        ws.cell(layout.typed + 1, SCORE + 1, 3)

    filled = fill_scoring(templates.scoring[0], folder / "filled.xlsx", rubric, edit=edit)
    by_libreoffice = {ext: convert(filled, ext, folder / "filled_lo", profile) for ext in ("xls", "ods")}
    return {
        "template": {ext: convert(templates.scoring[0], ext, folder / "template", profile) for ext in FORMATS},
        "filled": {"xlsx": filled} | by_libreoffice,
    }


def _container(data: bytes) -> Container:
    return check_container(data, Limits())


def _found(data: bytes, sheet: str = SHEET_SCORING) -> dict[tuple[int, int], str]:
    return sheet_formulas(_container(data), sheet)


def _values(data: bytes, sheet: str = SHEET_SCORING):
    """The sheet as the reader reads it."""
    with read_book(None, reader_bytes(data, _container(data))) as book:
        return book.sheet(sheet)


# --- through the run ---------------------------------------------------------------------------

@pytest.mark.parametrize("ext", FORMATS)
def test_formula_in_deduction__any_format__counted_as_it_shows_D015(ext, saved, layout, config, rubric, tmp_path,
                                                                    campaign):
    """=1+1 typed into 扣分 shows 2 in every spreadsheet program: it counts as 2, with a warning (the file
    is held only for the 得分 typed over in the same file, D013)."""
    folder = tmp_path / "input"
    folder.mkdir()
    shutil.copy(saved["filled"][ext], folder)
    result = run(campaign, folder, tmp_path / "output")
    text = "" if ext == "xls" else "“=1+1”"  # an .xls holds tokens, not the formula's text
    assert [(f.cell, f.message) for f in result.findings if f.code in (Code.D011, Code.D015)] == \
        [(f"F{layout.c07 + 1}", finding(Code.D015, formula=text, value="2").message)]
    assert [f.code for f in result.findings if f.is_error and f.file] == [Code.D013]


# --- real files, saved by LibreOffice ----------------------------------------------------------

@pytest.mark.parametrize("ext", FORMATS)
def test_sheet_formulas__template_saved_by_libreoffice__score_formulas_exactly_at_item_rows(ext, saved, layout, rubric):
    data = saved["template"][ext].read_bytes()
    found = _found(data)
    assert set(found) == {(row, SCORE) for row in layout.items} | {(layout.total, SCORE)}
    # The reader's values at those positions are what a blank form shows: nothing (no full marks
    # that a hand-filled printout would contradict).
    sheet = _values(data)
    assert {sheet.value(row, SCORE) for row in layout.items} | {sheet.value(layout.total, SCORE)} == {""}


@pytest.mark.parametrize("ext", FORMATS)
def test_sheet_formulas__typed_number_over_score__not_a_formula(ext, saved, layout):
    data = saved["filled"][ext].read_bytes()
    found = _found(data)
    assert (layout.typed, SCORE) not in found and _values(data).value(layout.typed, SCORE) == 3
    assert set(found) == ({(row, SCORE) for row in layout.items if row != layout.typed}
                          | {(layout.total, SCORE), (layout.c07, DEDUCTION)})
    assert formulas_by_column(_container(data), SHEET_SCORING)(DEDUCTION) == \
        {layout.c07: FORMULA_XLS if ext == "xls" else "1+1"}


@pytest.mark.parametrize("ext", FORMATS)
def test_sheet_formulas__other_sheet_or_unknown_name__empty(ext, saved):
    data = saved["template"][ext].read_bytes()
    assert _found(data, "_meta") == {} and _found(data, "打分") == {}


def test_sheet_formulas__formula_text__as_xlsx_stores_it(saved, layout):
    xlsx, ods = (_found(saved["template"][ext].read_bytes()) for ext in ("xlsx", "ods"))
    first = (layout.items[0], SCORE)
    filled = f"$E$5:$G${layout.total}"  # every 完成情况, 扣分 and 扣分原因
    assert xlsx[first] == f'IF(COUNTA({filled})=0,"",MAX(0,D6-SUM(F6:F7)))'
    # Without "of:=", in OpenFormula's own syntax.
    assert ods[first] == f'IF(COUNTA([.{filled.replace(":", ":.")}])=0;"";MAX(0;[.D6]-SUM([.F6:.F7])))'



def test_sheet_formulas__ods_with_two_tables_of_one_name__the_one_the_reader_reads(saved):
    old, new = 'table:name="填表说明"'.encode(), f'table:name="{SHEET_SCORING}"'.encode()
    renamed = rezip(saved["template"]["ods"].read_bytes(),
                    lambda name, body: body.replace(old, new) if name == "content.xml" else body)
    assert "填表说明" in _values(renamed).value(0, 0)  # the reader reads the last table of that name
    assert _found(renamed) == {}


def test_sheet_formulas__xls_with_two_sheets_of_one_name__the_one_the_reader_reads(saved):
    data = saved["template"]["xls"].read_bytes()
    name = bytes([4, 1]) + "填表说明".encode("utf-16-le")  # BOUNDSHEET: 4 characters, UTF-16LE
    assert data.count(name) == 1
    renamed = data.replace(name, bytes([3, 1]) + SHEET_SCORING.encode("utf-16-le") + b"x\0")  # same length
    assert "填表说明" in _values(renamed).value(0, 0)
    assert _found(renamed) == {}


# --- inline files ------------------------------------------------------------------------------

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.mark.parametrize("sheet, expected", [
    (b"<worksheet " + MAIN + b'><sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1*2</f><v>2</v>'
     b'</c></row><row r="2"><c r="A2"><f t="shared" si="0"/><v>4</v></c></row></sheetData></worksheet>',
     {(0, 0): "B1*2", (1, 0): SHARED_FORMULA}),
    (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="2">'
     b'<x:c r="B2"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="C2" t="inlineStr"><x:is><x:t>a:f b</x:t></x:is></x:c>'
     b"</x:row></x:sheetData></x:worksheet>",
     {(1, 1): "1+1"}),
    (b"<worksheet " + MAIN + b'><sheetData><row r="3"><c r="B3"><v>1</v></c><c><f>1+1</f><v>2</v></c></row>'
     b"<row><c><f>A1&lt;2</f><v>1</v></c></row></sheetData></worksheet>",
     {(2, 2): "1+1", (3, 0): "A1<2"}),
    (b"<worksheet " + MAIN + b'><sheetData><row r="1"><c r="A1" x="a>b"><f>1+1</f><v>2</v></c></row></sheetData>'
     b'<extLst><ext><x14:dataValidations xmlns:x14="x" xmlns:xm="m"><x14:dataValidation><x14:formula1>'
     b"<xm:f>Sheet2!$A$1:$A$5</xm:f></x14:formula1></x14:dataValidation></x14:dataValidations></ext></extLst>"
     b"</worksheet>",
     {(0, 0): "1+1"}),
], ids=["shared formula", "namespace prefix", "cells without r", "quoted > and a list in extLst"])
def test_sheet_formulas__xlsx_written_unusually__where_the_reader_puts_the_values(sheet, expected, templates):
    data = replace_part(templates.scoring[0].read_bytes(), SHEET1, sheet)
    assert _found(data) == expected
    values = _values(data)
    assert all(values.value(row, col) != "" for row, col in expected)


ODS_TABLE = (
    f'<table:table table:name="{SHEET_SCORING}"><table:table-column table:number-columns-repeated="4"/>'
    '<table:table-header-rows><table:table-row><table:table-cell office:value-type="string"><text:p>表头</text:p>'
    "</table:table-cell></table:table-row></table:table-header-rows>"
    '<table:table-row-group><table:table-row table:number-rows-repeated="2">'
    '<table:table-cell table:number-columns-spanned="2" office:value-type="float" office:value="1"><text:p>1</text:p>'
    "</table:table-cell><table:covered-table-cell/>"
    '<table:table-cell table:number-columns-repeated="2" table:formula="of:=[.A2]*2" office:value-type="float"'
    ' office:value="2"><text:p>2</text:p></table:table-cell></table:table-row></table:table-row-group>'
    '<table:table-rows><table:table-row><table:table-cell table:number-columns-repeated="3"/>'
    '<table:covered-table-cell table:formula="oooc:=1+1" office:value-type="float" office:value="2"/>'
    "</table:table-row></table:table-rows></table:table>"
)


def _ods_content(tables: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
            f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
            "</office:document-content>").encode()


def test_sheet_formulas__ods_header_rows_groups_repeats_covered_cells__where_the_reader_puts_the_values(saved):
    data = rezip(saved["template"]["ods"].read_bytes(),
                 lambda name, body: _ods_content(ODS_TABLE) if name == "content.xml" else body)
    expected = {(1, 2): "[.A2]*2", (1, 3): "[.A2]*2", (2, 2): "[.A2]*2", (2, 3): "[.A2]*2", (3, 3): "1+1"}
    assert _found(data) == expected
    values = _values(data)
    assert {(r, c) for r in range(values.height) for c in range(4) if values.value(r, c) == 2} == set(expected)


def test_sheet_formulas__xls_records__names_in_both_encodings_and_only_that_sheet():
    stream = _workbook(("Sheet1", [_formula(1, 2), _formula(3, 0)]), (SHEET_SCORING, [_formula(5, 7)]),
                       compressed=True)
    assert sheet_formulas(Container(workbook=stream), "Sheet1") == {(1, 2): FORMULA_XLS, (3, 0): FORMULA_XLS}
    assert sheet_formulas(Container(workbook=stream), SHEET_SCORING) == {(5, 7): FORMULA_XLS}


# --- broken and hostile ------------------------------------------------------------------------

def _formula(row: int, col: int) -> bytes:
    """A FORMULA record (value 0, no flags, the token array of =1)."""
    return biff(0x0006, struct.pack("<HHHdHI", row, col, 0, 0.0, 0, 0) + b"\x03\x00\x1e\x01\x00")


def _workbook(*sheets: tuple[str, list[bytes]], globals_: bytes = b"", compressed: bool = False) -> bytes:
    """A Workbook stream: one BOUNDSHEET per (name, records), then each sheet's substream. With
    `compressed`, a name that fits in Latin-1 is written with fHighByte clear."""

    def boundsheet(name: str, offset: int) -> bytes:
        narrow = compressed and name.isascii()
        raw = name.encode("latin-1") if narrow else name.encode("utf-16-le")
        return biff(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0 if narrow else 1) + raw)

    bodies = [BOF_SHEET + b"".join(records) + EOF for _, records in sheets]
    head = len(BOF_GLOBALS + globals_ + EOF) + sum(len(boundsheet(name, 0)) for name, _ in sheets)
    offsets = [head + sum(len(b) for b in bodies[:n]) for n in range(len(bodies))]
    return (BOF_GLOBALS + globals_ + b"".join(boundsheet(name, at) for (name, _), at in zip(sheets, offsets))
            + EOF + b"".join(bodies))


@pytest.mark.parametrize("stream", [
    b"",
    BOF_GLOBALS,
    BOF_GLOBALS + biff(0x0085, b"\xff\xff\xff\x7f\x00\x00\x03\x01") + EOF,  # offset past the end, name cut short
    BOF_GLOBALS + biff(0x0085, b"\x00\x00\x00\x00\x00\x00\x03\x01" + SHEET_SCORING.encode("utf-16-le")) + EOF,  # → 0
    BOF_GLOBALS + struct.pack("<HH", 0x0085, 0xFFFF) + b"\x00" * 20,  # a record longer than the stream
    _workbook((SHEET_SCORING, [_formula(5, 7)]), globals_=biff(0x002F, b"\x01\x00" + bytes(52))),  # encrypted
    _workbook((SHEET_SCORING, [biff(0x0006, b"\x05\x00"), struct.pack("<HH", 0x0006, 900) + b"\x05\x00\x07\x00"])),
], ids=["empty", "no EOF", "offset past the end", "offset at the globals", "record too long", "FILEPASS",
        "formula records too short"])
def test_sheet_formulas__hostile_workbook_stream__empty_not_raises(stream):
    assert sheet_formulas(Container(workbook=stream), SHEET_SCORING) == {}


def test_sheet_formulas__workbook_stream_cut_anywhere__what_came_before_not_raises(saved):
    stream = _container(saved["filled"]["xls"].read_bytes()).workbook
    whole = sheet_formulas(Container(workbook=stream), SHEET_SCORING)
    assert len(whole) > 40
    for end in range(0, len(stream), 41):
        assert sheet_formulas(Container(workbook=stream[:end]), SHEET_SCORING).items() <= whole.items()


def test_sheet_formulas__content_xml_cut_anywhere__what_came_before_not_raises(saved):
    content = _container(saved["filled"]["ods"].read_bytes()).parts["content.xml"]
    whole = sheet_formulas(Container(parts={"content.xml": content}), SHEET_SCORING)
    for end in range(0, len(content), 397):
        assert sheet_formulas(Container(parts={"content.xml": content[:end]}), SHEET_SCORING).items() <= whole.items()


@pytest.mark.parametrize("ext", FORMATS)
def test_sheet_formulas__garbled_bytes__a_dict_of_cells_not_raises(ext, saved):
    container = _container(saved["filled"][ext].read_bytes())
    rng = random.Random(ext)
    for _ in range(150):
        if ext == "xls":
            broken = Container(workbook=mutate_bytes(container.workbook, rng))
        else:
            part = "content.xml" if ext == "ods" else SHEET1
            broken = Container(parts=container.parts | {part: mutate_bytes(container.parts[part], rng)})
        found = sheet_formulas(broken, SHEET_SCORING)
        assert all(type(r) is int and type(c) is int and r >= 0 and c >= 0 and isinstance(text, str)
                   for (r, c), text in found.items())


def test_sheet_formulas__ods_repeats_beyond_reason__capped_not_hung(monkeypatch):
    monkeypatch.setattr(formulas, "MAX_FORMULAS", 1000)
    table = (f'<table:table table:name="{SHEET_SCORING}"><table:table-row table:number-rows-repeated="999999999999">'
             '<table:table-cell table:number-columns-repeated="99999999999999999999999" table:formula="of:=1"/>'
             '<table:table-cell table:number-columns-repeated="16384" table:formula="of:=2"/>'
             '</table:table-row></table:table>')
    found = sheet_formulas(Container(parts={"content.xml": _ods_content(table)}), SHEET_SCORING)
    # A repeat count of 23 digits is broken (the reader refuses the file): 1. The first cell's
    # formula, repeated down the rows, fills the cap; nothing more is collected.
    assert set(found) == {(row, 0) for row in range(1000)} and set(found.values()) == {"1"}


@pytest.mark.parametrize("content", [
    b"",
    b"\x00\x01 not xml",
    b'<?xml version="1.0" encoding="UTF-899999999999"?><a/>',
    _ods_content(ODS_TABLE).replace(b"<table:table-header-rows>", b"<table:table-header-rows"),
], ids=["empty", "not xml", "unknown encoding", "broken tag"])
def test_sheet_formulas__broken_content_xml__empty_not_raises(content):
    assert sheet_formulas(Container(parts={"content.xml": content}), SHEET_SCORING) == {}


def test_sheet_formulas__not_a_spreadsheet_we_read__empty(saved):
    assert sheet_formulas(Container(), SHEET_SCORING) == {}
    assert sheet_formulas(Container(parts={"word/document.xml": b"<w/>"}), SHEET_SCORING) == {}
    data = saved["template"]["xlsx"].read_bytes()
    assert sheet_formulas(Container(parts={"xl/workbook.xml": read_part(data, "xl/workbook.xml")}), SHEET_SCORING) == {}
