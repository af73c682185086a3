"""Which cells of a sheet hold formulas, read from the .xlsx/.xlsm XML (calamine gives only values).

A formula typed into 扣分 would otherwise pass as its cached value, or as blank when the program
that saved the file left none. The XML is parsed with defusedxml and never evaluated.
"""

import io
import posixpath
import zipfile

from defusedxml import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_formulas(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """(row, col) 0-based → formula text, for the sheet named `sheet_name`; {} when the file is not
    an OOXML zip or the sheet is not found (other formats are read by value only)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            part = _sheet_part(zf, sheet_name)
            if part is None:
                return {}
            with zf.open(part) as stream:
                return _formulas(stream)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError, EOFError):
        return {}


def _sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rel_id = next((s.get(f"{REL}id") for s in workbook.iter(f"{MAIN}sheet") if s.get("name") == sheet_name), None)
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{PACKAGE_REL}Relationship") if r.get("Id") == rel_id), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _formulas(stream) -> dict[tuple[int, int], str]:
    found = {}
    for _, element in ElementTree.iterparse(stream, events=("end",)):
        if element.tag != f"{MAIN}c":
            continue
        formula = element.find(f"{MAIN}f")
        if formula is not None:
            ref = _position(element.get("r", ""))
            if ref is not None:
                found[ref] = formula.text or "（共享公式）"
        element.clear()
    return found


def _position(ref: str) -> tuple[int, int] | None:
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    digits = ref[len(letters):]
    if not letters or not digits.isdigit():
        return None
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits) - 1, col - 1
