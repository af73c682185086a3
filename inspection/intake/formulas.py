"""Which cells of a worksheet hold formulas, in every format the tool reads (calamine gives only values).

A formula typed into 扣分 would otherwise pass as its cached value, or as blank when the program
that saved the file left none; and a number typed over a 得分 formula looks just like the
formula's cached value. Nothing here is evaluated, and the file is not read again: the guard
(guard.py) already holds what is needed.

- .xlsx/.xlsm: the sheet's XML, scanned as bytes, never parsed (no entity is ever expanded).
- .ods: content.xml, parsed by expat (the guard refused any part declaring entities), with rows
  and cells counted as calamine counts them: repeats honoured, rows inside header rows and
  row groups included, a cell covered by a merge counted like any other.
- .xls: the FORMULA records of the sheet's substream in the Workbook stream, which the guard
  extracted; the formula itself is tokens, not text, so it is shown as FORMULA_XLS.

Positions are 0-based (row, column), the same ones calamine gives the sheet's values. When a
name is given to two sheets, the one calamine reads is used: the first in an .xlsx, the last in
an .xls or .ods. Every length and offset in the file is checked: a broken or hostile file gives
{} or what was found before the damage, never an exception.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import struct
from typing import TYPE_CHECKING, Callable
from xml.parsers import expat

if TYPE_CHECKING:  # guard.py imports sheet_parts from here
    from inspection.intake.guard import Container

FORMULA_XLS = "（公式）"
SHARED_FORMULA = "（共享公式）"  # an .xlsx cell that uses a shared formula written in another cell
MAX_FORMULAS = 1 << 20  # per sheet: more is no scoring sheet, and is not collected


def sheet_formulas(container: Container, sheet_name: str) -> dict[tuple[int, int], str]:
    """(row, column) → formula text for every formula cell of the worksheet `sheet_name`, from what
    the guard kept of the file; {} for an encrypted file, another format or a sheet not found."""
    if container.workbook:
        return _xls_formulas(container.workbook, sheet_name)
    if "xl/workbook.xml" in container.parts:  # calamine tries .xlsx before .ods, so do we
        return _xlsx_formulas(container.parts, sheet_name)
    if "content.xml" in container.parts:
        return _ods_formulas(container.parts["content.xml"], sheet_name)
    return {}


def formulas_by_column(container: Container, sheet_name: str) -> Callable[[int], dict[int, str]]:
    """`formulas_in(col) → {row: text}`, as the sheet readers take it: the sheet is scanned once,
    when a column is first asked for."""

    @functools.cache
    def whole() -> dict[tuple[int, int], str]:
        return sheet_formulas(container, sheet_name)

    def formulas_in(col: int) -> dict[int, str]:
        return {row: text for (row, c), text in whole().items() if c == col}

    return formulas_in


# --- .xlsx / .xlsm ------------------------------------------------------------------------------

_NAME = rb"[A-Za-z_][\w.-]*"
_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""  # a start tag's attributes: a quoted ">" does not end it
# `<f ...>`, and the end of `<x:f ...>` (or a colon in text: checked). Two patterns that each start
# with a literal are searched several times faster than one that starts with [<:].
_FORMULA_STARTS = (re.compile(rb"<f[\s/>]"), re.compile(rb":f[\s/>]"))
_PREFIX = re.compile(rb"<" + _NAME + rb":")
_END_PREFIX = re.compile(rb"</" + _NAME + rb":")
_PLAIN_CELL_TAG = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>\s*')  # as every writer we know writes it
_CELL_TAG = re.compile(rb"<(?:" + _NAME + rb":)?c(?=[\s>])" + _ATTRS + rb"(?<!/)>\s*")
_REF = re.compile(rb"""\sr\s*=\s*["']\s*([A-Za-z]{1,3})([0-9]{1,7})\s*["']""")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']\s*([0-9]{1,7})\s*["']""")
_SHEET_TAG = re.compile(rb"<(/?)(?:" + _NAME + rb":)?(c|row|f)(?=[\s/>])" + _ATTRS + rb">")


def _xlsx_formulas(parts: dict[str, bytes], sheet_name: str) -> dict[tuple[int, int], str]:
    try:
        part = sheet_parts(parts).get(sheet_name)
    except (ValueError, LookupError):
        return {}
    xml = parts.get(part, b"") if part else b""
    found: dict[tuple[int, int], str] = {}
    # Every program we know writes a formula as the first child of a cell that names itself:
    # `<c r="H6" s="12"><f>MAX(0,D6-SUM(F6:F7))</f>`. Formulas are few, so each is found and the
    # cell looked for just before it; anything else is read cell by cell, as calamine counts.
    end = _sheet_data_end(xml)
    for at in sorted(m.start() for pattern in _FORMULA_STARTS for m in pattern.finditer(xml, 0, end)):
        tag = at
        if xml[at] != 0x3C:  # ":": a prefixed tag, or a colon in text
            tag = xml.rfind(b"<", 0, at)
            if tag < 0 or not _PREFIX.fullmatch(xml, tag, at + 1):
                continue
        cell_start = xml.rfind(b"<", 0, tag)
        ref = _PLAIN_CELL_TAG.fullmatch(xml, cell_start, tag) if cell_start >= 0 else None
        if ref is None:
            cell = _CELL_TAG.fullmatch(xml, cell_start, tag) if cell_start >= 0 else None
            ref = _REF.search(cell.group(1)) if cell else None
        if ref is None or int(ref.group(2)) == 0:
            return _xlsx_walk(xml)
        if len(found) < MAX_FORMULAS:
            found[int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1] = _formula_text(xml, tag)
    return found


def _sheet_data_end(xml: bytes) -> int:
    """Where the cells end: formulas after them (`<xm:f>` of a data validation's list in extLst)
    are no cell's. Found from the end, and only as a tag (text cannot hold a raw "<")."""
    end = xml.rfind(b"sheetData>")
    if end > 0 and (xml[end - 2:end] == b"</" or _END_PREFIX.fullmatch(xml, xml.rfind(b"<", 0, end), end)):
        return end
    return len(xml)


def _xlsx_walk(xml: bytes) -> dict[tuple[int, int], str]:
    """Every cell in turn: a row without r is the next row, a cell without r the next column."""
    found: dict[tuple[int, int], str] = {}
    row = col = 0
    cell = None  # (row, col) of the open cell
    for m in _SHEET_TAG.finditer(xml):
        closing, tag, attrs = m.groups()
        if tag == b"row":
            if not closing:
                number = _ROW_NUMBER.search(attrs)
                row, col = (int(number.group(1)) if number else row + 1), 0
        elif tag == b"c":
            if closing:
                cell = None
                continue
            ref = _REF.search(attrs)
            row, col = (int(ref.group(2)), _column_number(ref.group(1))) if ref else (max(row, 1), col + 1)
            cell = None if attrs.endswith(b"/") or row == 0 else (row - 1, col - 1)
        elif not closing and cell is not None and cell not in found and len(found) < MAX_FORMULAS:
            found[cell] = _formula_text(xml, m.start())
    return found


def _formula_text(xml: bytes, tag: int) -> str:
    """The text of the `<f>` element starting at `tag`; a shared formula's follower has none."""
    start = xml.find(b">", tag) + 1
    end = xml.find(b"<", start) if start and xml[start - 2] != 0x2F else -1  # not `<f .../>`
    text = xml[start:end].decode("utf-8", "replace") if end > 0 else ""
    return (html.unescape(text) if "&" in text else text) or SHARED_FORMULA


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


_ELEMENT = re.compile(rb"<(?:\w+:)?(sheet|Relationship)\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _attributes(raw: bytes) -> dict[str, str]:
    return {key.decode().split(":")[-1]: html.unescape(value.decode("utf-8", "replace"))
            for key, value in _ATTRIBUTE.findall(raw)}


def sheet_parts(xml_parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → the zip part holding it, from xl/workbook.xml and its relationships."""
    workbook = xml_parts.get("xl/workbook.xml", b"")
    rels = xml_parts.get("xl/_rels/workbook.xml.rels", b"")
    # Returns made from one template share these two small parts byte for byte: look them up once.
    small = len(workbook) + len(rels) <= _CACHED_BYTES
    parts: dict[str, str] = {}
    for name, part in (_cached_sheet_parts if small else _sheet_parts)(workbook, rels):
        parts.setdefault(name, part)  # a name given twice: the first, as the reader takes it
    return parts


_CACHED_BYTES = 64 * 1024


def _sheet_parts(workbook: bytes, workbook_rels: bytes) -> tuple[tuple[str, str], ...]:
    rels = [_attributes(m.group(2)) for m in _ELEMENT.finditer(workbook_rels) if m.group(1) == b"Relationship"]
    targets: dict[str, str] = {}
    for r in rels:
        targets.setdefault(r.get("Id"), r.get("Target"))
    found = []
    for sheet in (_attributes(m.group(2)) for m in _ELEMENT.finditer(workbook) if m.group(1) == b"sheet"):
        target = targets.get(sheet.get("id"))
        if target and "name" in sheet:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            found.append((sheet["name"], part))
    return tuple(found)


_cached_sheet_parts = functools.lru_cache(maxsize=256)(_sheet_parts)


# --- .ods ---------------------------------------------------------------------------------------

_ODS_CELLS = ("table:table-cell", "table:covered-table-cell")
_ODS_PREFIX = re.compile(r"[A-Za-z][\w.-]*:(?==)")  # of:=…, oooc:=…, msoxl:=…
_MAX_DIGITS = 12  # a repeat count longer than this is broken (and int() refuses 4,300 digits)


def _ods_formulas(content: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """Tag names are matched with the usual prefixes, as calamine matches them. Everything inside
    a cell (text, a table in a text frame) is skipped, as calamine skips it."""
    found: dict[tuple[int, int], str] = {}
    depth = 0
    table = cell = 0  # depth of the open target table, and of the open cell of any table (0: none)
    row, rows = 0, 1  # the current row starts at `row` and is repeated `rows` times
    next_row = col = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, table, cell, found, row, rows, next_row, col
        depth += 1
        if cell:
            return
        if tag in _ODS_CELLS:
            cell = depth
            if table:
                repeat = _ods_repeat(attrs.get("table:number-columns-repeated"))
                formula = attrs.get("table:formula")
                if formula:
                    _ods_put(found, row, rows, col, repeat, _ods_text(formula))
                col += repeat
        elif not table:
            if tag == "table:table" and attrs.get("table:name") == sheet_name:
                table, found, next_row = depth, {}, 0  # a second table of that name: calamine reads the last
        elif tag == "table:table-row":
            row, rows, col = next_row, _ods_repeat(attrs.get("table:number-rows-repeated")), 0
            next_row += rows

    def end(tag: str) -> None:
        nonlocal depth, table, cell
        if depth == cell:
            cell = 0
        elif depth == table:
            table = 0
        depth -= 1

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(content, True)
    except (expat.ExpatError, ValueError, LookupError):
        pass  # a broken part: what was found before the damage (calamine cannot read it anyway)
    return found


def _ods_repeat(value: str | None) -> int:
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > _MAX_DIGITS:
        return 1  # calamine cannot read the file either
    return max(1, int(value))


def _ods_text(formula: str) -> str:
    """The formula as an .xlsx stores it: without its namespace and "=" (`of:=1+1` → `1+1`)."""
    prefix = _ODS_PREFIX.match(formula)
    return formula[prefix.end() if prefix else 0:].removeprefix("=")


def _ods_put(found: dict, row: int, rows: int, col: int, cols: int, text: str) -> None:
    """The formula in each of `rows` × `cols` cells from (row, col), up to MAX_FORMULAS in all
    (positions only grow within a table, so every cell put is a new one)."""
    for r in range(row, row + rows):
        for c in range(col, col + cols):
            if len(found) >= MAX_FORMULAS:
                return
            found[r, c] = text


# --- .xls (BIFF8; older versions for sheet names only) --------------------------------------------------------------

_BOF, _EOF, _BOUNDSHEET, _FORMULA, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x0006, 0x002F
_BEFORE_BIFF8 = frozenset({0x0002, 0x0007, 0x0200, 0x0300, 0x0400, 0x0500})  # BOF versions, as calamine tells them


def _xls_formulas(stream: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    start = _xls_sheets(stream).get(sheet_name)
    found: dict[tuple[int, int], str] = {}
    if start is None:
        return found
    unpack, size, pos = struct.unpack_from, len(stream), start
    # calamine reads a sheet's records from its BOF to the first EOF (a chart embedded in the
    # sheet ends it early too): so do we.
    while pos + 4 <= size:
        kind, length = unpack("<HH", stream, pos)
        at, pos = pos + 4, pos + 4 + length
        if pos > size or kind == _EOF:
            break
        if kind == _FORMULA and length >= 4 and len(found) < MAX_FORMULAS:
            row, col = unpack("<HH", stream, at)
            found[row, col] = FORMULA_XLS
    return found


def _xls_sheets(stream: bytes) -> dict[str, int]:
    """Sheet name → stream offset of its BOF, from the BOUNDSHEET records of the workbook globals
    ({} when the workbook is encrypted: its records cannot be read)."""
    unpack, size = struct.unpack_from, len(stream)
    sheets: dict[str, int] = {}
    pos, version = 0, None
    while pos + 4 <= size:
        kind, length = unpack("<HH", stream, pos)
        at, pos = pos + 4, pos + 4 + length
        if pos > size or kind == _EOF:
            break
        if kind == _FILEPASS:
            return {}
        if kind == _BOF and length >= 2 and version is None:
            version = unpack("<H", stream, at)[0]
        elif kind == _BOUNDSHEET and length >= 7:
            offset = unpack("<I", stream, at)[0]
            name = _sheet_name(stream[at + 6:pos], version in _BEFORE_BIFF8)
            if offset < size:
                sheets[name] = offset  # a name given twice: the last, as calamine keeps it
    return sheets


def _sheet_name(raw: bytes, old: bool) -> str:
    """A BOUNDSHEET name: BIFF8 writes a ShortXLUnicodeString (UTF-16LE, or only the low bytes when
    fHighByte is clear). Older versions write bytes in the workbook's code page, read here as
    Latin-1: calamine garbles a name in a multi-byte code page (936 and the like) anyway, so a
    Chinese name is not found in such a file by either. NULs are dropped, as calamine does."""
    count = raw[0]
    if old:
        text = raw[1:1 + count].decode("latin-1")
    elif len(raw) >= 2 and raw[1] & 1:
        text = raw[2:2 + 2 * min(count, (len(raw) - 2) // 2)].decode("utf-16-le", "replace")
    else:
        text = raw[2:2 + count].decode("latin-1")
    return text.replace("\0", "")
