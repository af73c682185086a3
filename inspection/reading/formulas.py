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
        part = _sheet_part(xml_parts, sheet_name)
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


def _sheet_part(xml_parts: dict[str, bytes], sheet_name: str) -> str | None:
    workbook = xml_parts.get("xl/workbook.xml", b"")
    rels = xml_parts.get("xl/_rels/workbook.xml.rels", b"")
    # Returns made from one template share these two small parts byte for byte: look them up once.
    small = len(workbook) + len(rels) <= _CACHED_BYTES
    return (_cached_part_named if small else _part_named)(workbook, rels, sheet_name)


_CACHED_BYTES = 64 * 1024


def _part_named(workbook: bytes, workbook_rels: bytes, sheet_name: str) -> str | None:
    sheets = [_attributes(m.group(2)) for m in _ELEMENT.finditer(workbook) if m.group(1) == b"sheet"]
    rel_id = next((s.get("id") for s in sheets if s.get("name") == sheet_name), None)
    if rel_id is None:
        return None
    rels = [_attributes(m.group(2)) for m in _ELEMENT.finditer(workbook_rels) if m.group(1) == b"Relationship"]
    target = next((r.get("Target") for r in rels if r.get("Id") == rel_id), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


_cached_part_named = functools.lru_cache(maxsize=256)(_part_named)
