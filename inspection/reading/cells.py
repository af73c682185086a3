"""What every reader does with cells: compare texts loosely, name a cell, find the cell beside a label."""

import functools
import unicodedata

from inspection.intake.book import Sheet, column_letters
from inspection.values import cell_text


def squash(value) -> str:
    """Text compared without spaces, line breaks and full-width differences."""
    if value == "":
        return ""  # most cells: the fast way out (this runs for every cell searched)
    return _squash_text(value if isinstance(value, str) else cell_text(value))


@functools.lru_cache(maxsize=1 << 16)
def _squash_text(text: str) -> str:
    """Cached: the same labels and rubric texts come back in every returned file."""
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def labelled_cell(sheet: Sheet, label: str, before_row: int) -> tuple[int, int] | None:
    """The cell right of the first cell above `before_row` reading `label` (a closing colon allowed):
    where a 填报时间 or 交办日期 is filled in. With the template's merges undone (or a format that keeps
    none, as .ods to the reader), the value stands a few cells further right: the first cell holding
    one before the next label is taken."""
    for r in range(min(before_row, sheet.height)):
        for c, value in enumerate(sheet.rows[r]):
            if squash(value).rstrip(":：") == label:
                return value_beside(sheet, r, c)
    return None


def value_beside(sheet: Sheet, r: int, c: int, reach: int = 4) -> tuple[int, int]:
    """The cell right of (r, c) — stepping over the merge (r, c) is in — or, when that one is empty,
    the first cell within `reach` columns after it that holds a value and is not a label ("检查人员：")."""
    first = sheet.right_of(r, c)
    if sheet.merged_value(*first) != "":
        return first
    for k in range(first[1] + 1, first[1] + reach):
        value = sheet.value(r, k)
        if value == "":
            continue
        return first if isinstance(value, str) and value.rstrip().endswith((":", "：")) else sheet.anchor(r, k)
    return first


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) → "A1"."""
    return f"{column_letters(col)}{row + 1}"


class NameFinder:
    """Which of many names a short text names, longest first ("新县" is not found inside a longer
    name), skipping the `ignore` words (group names such as "浉河区组", which hold a unit's name).
    Every piece of the text is looked up in a set, so the cost does not grow with the number of
    names: a province has 3,000 units, and every returned file is checked."""

    def __init__(self, names, ignore=()):
        self.names = {squash(n): n for n in names if squash(n)}
        self.ignore = {squash(n) for n in ignore if squash(n)} - set(self.names)
        self.lengths = sorted({len(k) for k in (*self.names, *self.ignore)}, reverse=True)

    def find(self, text: str, also_ignore=()) -> list[str]:
        text = squash(text)
        for words in also_ignore:
            if words:
                text = text.replace(squash(words), "\0")
        found, i = [], 0
        while i < len(text):
            for n in self.lengths:
                piece = text[i:i + n]
                if len(piece) == n and (piece in self.names or piece in self.ignore):
                    if piece in self.names:
                        found.append(self.names[piece])
                    i += n
                    break
            else:
                i += 1
        return found
