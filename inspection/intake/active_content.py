"""Macros and external links inside a workbook: noticed and reported, never run or followed.

The tool reads only stored cell values (python-calamine never runs VBA or fetches linked
workbooks); this only tells the clerk that the file carried such things.
"""



def active_content(data: bytes, names: tuple[str, ...]) -> tuple[bool, bool]:
    """(has macros, has external links): from the names of the parts of an .xlsx/.xlsm/.ods zip, or
    of the streams of an .xls (its VBA lives in a _VBA_PROJECT_CUR storage)."""
    if data[:2] != b"PK":
        return any(n.upper().startswith("_VBA_PROJECT") for n in names), False
    lowered = [n.lower() for n in names]
    macros = any(n.endswith("vbaproject.bin") or n.startswith("basic/") for n in lowered)
    links = any(n.startswith("xl/externallinks/") for n in lowered)
    return macros, links
