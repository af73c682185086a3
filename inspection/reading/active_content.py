"""Macros and external links inside a workbook: noticed and reported, never run or followed.

The tool reads only stored cell values (python-calamine never runs VBA or fetches linked
workbooks); this only tells the clerk that the file carried such things.
"""

import io
import zipfile

_VBA_OLE = "_VBA_PROJECT".encode("utf-16-le")  # the VBA storage of a macro-enabled .xls


def active_content(data: bytes) -> tuple[bool, bool]:
    """(has macros, has external links) for an .xlsx/.xlsm/.ods zip or an .xls OLE file."""
    if data[:2] != b"PK":
        return _VBA_OLE in data, False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [n.lower() for n in zf.namelist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False, False
    macros = any(n.endswith("vbaproject.bin") or n.startswith("basic/") for n in names)
    links = any(n.startswith("xl/externallinks/") for n in names)
    return macros, links
