"""Macros and external links inside a workbook: noticed and reported, never run or followed.

The tool reads only stored cell values (python-calamine never runs VBA or fetches linked
workbooks); this only tells the clerk that the file carried such things.
"""

_VBA_OLE = "_VBA_PROJECT".encode("utf-16-le")  # the VBA storage of a macro-enabled .xls


def active_content(data: bytes, names: tuple[str, ...]) -> tuple[bool, bool]:
    """(has macros, has external links): from the zip's part `names` for .xlsx/.xlsm/.ods, from the
    bytes for an .xls OLE file."""
    if data[:2] != b"PK":
        return _VBA_OLE in data, False
    lowered = [n.lower() for n in names]
    macros = any(n.endswith("vbaproject.bin") or n.startswith("basic/") for n in lowered)
    links = any(n.startswith("xl/externallinks/") for n in lowered)
    return macros, links
