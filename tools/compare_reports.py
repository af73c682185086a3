"""Compare two consolidated workbooks cell by cell, by value: what a change to the code changed in the report.

    python tools/compare_reports.py old/排名汇总_….xlsx new/排名汇总_….xlsx

Sheets are compared by name, cells by position. Values that differ between any two runs (the time
the report was made, how long the run took, the folders it ran in, and the size and SHA-256 of input
files that were generated afresh, as the demo's are) are masked first. Prints one line
per sheet and up to --show differing cells; exits 1 when anything differs.
"""

import argparse
from pathlib import Path
import re
import sys

import openpyxl

# What changes from one run to the next and says nothing about the code.
MASKS = [
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?(\.\d+)?([+-]\d\d:?\d\d)?"), "<时间>"),
    (re.compile(r"\d+(\.\d+)? ?秒"), "<用时>"),
    (re.compile(r"(/[^\s，。；、）)]+)+"), "<路径>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<SHA-256>"),
]
MASKED_COLUMNS = ("大小（字节）", "SHA-256")


def masked(value):
    if isinstance(value, str):
        for pattern, mask in MASKS:
            value = pattern.sub(mask, value)
    elif hasattr(value, "isoformat") and hasattr(value, "hour"):
        return "<时间>"
    return value


def cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: _sheet(ws) for ws in wb.worksheets}
    finally:
        wb.close()


def _sheet(ws) -> dict[tuple[int, int], object]:
    out, masked_cols = {}, set()
    for r, row in enumerate(ws.iter_rows(values_only=True), 1):
        if any(v in MASKED_COLUMNS for v in row):
            masked_cols = {c for c, v in enumerate(row, 1) if v in MASKED_COLUMNS}
            masked_row = r
        for c, v in enumerate(row, 1):
            if v in (None, ""):
                continue
            out[(r, c)] = "<masked>" if c in masked_cols and r > masked_row else masked(v)
    return out


def compare(old: Path, new: Path, show: int) -> int:
    a, b = cells(old), cells(new)
    differ = 0
    for name in sorted(set(a) | set(b), key=lambda n: (n not in a, list(a).index(n) if n in a else 0)):
        if name not in a or name not in b:
            print(f"{name}: 只在{'新' if name in b else '旧'}表中")
            differ += 1
            continue
        keys = sorted(set(a[name]) | set(b[name]))
        changed = [k for k in keys if a[name].get(k) != b[name].get(k)]
        print(f"{name}: {len(keys)} 个单元格，{'相同' if not changed else f'{len(changed)} 个不同'}")
        for r, c in changed[:show]:
            print(f"  {openpyxl.utils.get_column_letter(c)}{r}: {a[name].get((r, c))!r} → {b[name].get((r, c))!r}")
        differ += bool(changed)
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--show", type=int, default=10, help="differing cells shown per sheet (default 10)")
    args = parser.parse_args()
    return compare(args.old, args.new, args.show)


if __name__ == "__main__":
    sys.exit(main())
