"""The hidden `_meta` sheet: how a returned workbook says what it is, whatever its file name."""

from inspection.constants import SHEET_META
from inspection.intake.book import Book
from inspection.values import cell_text


def read_meta(book: Book) -> dict[str, str] | None:
    """Key → value from `_meta` (column A → column B), or None when the sheet is missing."""
    sheet = book.sheet(SHEET_META)
    if sheet is None:
        return None
    meta = {}
    for row in sheet.rows:
        key = cell_text(row[0] if row else "")
        if key and key != "key" and key not in meta:
            meta[key] = cell_text(row[1]) if len(row) > 1 else ""
    return meta
