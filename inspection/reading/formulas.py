"""Which cells of one column hold formulas, read from the .xlsx/.xlsm XML (calamine gives only values).

A formula typed into 扣分 would otherwise pass as its cached value, or as blank when the program
that saved the file left none. The XML is scanned as bytes, never parsed, so no entity is expanded
and nothing is evaluated; it costs a fraction of a millisecond per file.
"""

import functools
import html
import posixpath
import re

from inspection.reading.book import column_letters

_ELEMENT = re.compile(rb"<(?:\w+:)?(sheet|Relationship)\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def column_formulas(xml_parts: dict[str, bytes], sheet_name: str, col: int) -> dict[int, str]:
    """0-based row → formula text, for the cells of column `col` of the sheet named `sheet_name`.
    `xml_parts` are the zip's parts by name, already inflated by the guard; {} when the file is
    not an OOXML zip or the sheet is not found (other formats give values only)."""
    try:
        part = sheet_parts(xml_parts).get(sheet_name)
    except (ValueError, LookupError):
        return {}
    xml = xml_parts.get(part, b"") if part else b""
    letters = column_letters(col).encode()
    # A literal start (' r="F') lets the regex engine skip ahead fast; writers put a space before r.
    cell = re.compile(rb' r="' + letters + rb'([0-9]{1,7})"[^>]*(?<!/)>\s*<(?:\w+:)?f\b([^>]*)>')
    found = {}
    for match in cell.finditer(xml):
        text = b""
        if not match.group(2).endswith(b"/"):
            end = xml.find(b"<", match.end())
            text = xml[match.end():end] if end > 0 else b""
        found[int(match.group(1)) - 1] = html.unescape(text.decode("utf-8", "replace")) or "（共享公式）"
    return found


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
