"""Filling generated templates in tests the way an inspection group would, with openpyxl."""

from datetime import date
from pathlib import Path
import re

import openpyxl

DEDUCT_COL, REASON_COL, STATUS_COL, POINTS_COL, SCORE_COL = "F", "G", "E", "D", "H"


def criterion_rows(ws, rubric) -> dict[str, int]:
    """Criterion id → 1-based row, from the "(label)" prefixes in column C, in rubric order."""
    rows = [c.row for (c,) in ws.iter_rows(min_col=3, max_col=3)
            if isinstance(c.value, str) and re.match(r"^\(\d+\)", c.value)]
    assert len(rows) == len(rubric.criteria)
    return {c.id: r for c, r in zip(rubric.criteria, rows)}


def put_text(ws, ref: str, text) -> None:
    """Write text as text: openpyxl would otherwise store "=…" as a formula, which no person types
    into a cell formatted as text and which a reader would see as empty."""
    cell = ws[ref]
    cell.value = text
    if isinstance(text, str) and text.startswith("="):
        cell.data_type = "s"


def fill_scoring(template: Path, target: Path, rubric, *, deductions: dict | None = None,
                 status: dict | None = None, inspection_date=date(2023, 8, 15),
                 inspectors: str = "张三、李四", edit=None, sheet: str = "打分表") -> Path:
    """deductions: criterion id → (amount, reason); status: item id → text (default: a sentence
    on every item); edit(ws, rows) may change anything else before saving. `sheet` is 自评表 for
    the unit's own form, which has the same layout."""
    wb = openpyxl.load_workbook(template)
    ws = wb[sheet]
    rows = criterion_rows(ws, rubric)
    for item in rubric.items:
        text = (status or {}).get(item.id, "已制定专项方案，抽查台账资料齐全，现场核实情况属实")
        ws[f"{STATUS_COL}{rows[item.criteria[0].id]}"] = text
    for cid, (amount, reason) in (deductions or {}).items():
        ws[f"{DEDUCT_COL}{rows[cid]}"] = amount
        put_text(ws, f"{REASON_COL}{rows[cid]}", reason)
    header = next(c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == "考评项目")
    labels = {c.value: c for c in ws[header - 1] if isinstance(c.value, str)}
    date_label, people_label = ("自评日期：", "自评人员：") if sheet == "自评表" else ("检查日期：", "检查人员：")
    if inspection_date is not None:  # the cell just right of each label
        ws.cell(header - 1, labels[date_label].column + 1).value = inspection_date
    ws.cell(header - 1, labels[people_label].column + 1).value = inspectors
    if edit:
        edit(ws, rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def set_meta(path: Path, **changes) -> None:
    """Change (or, with value None, delete) keys of a workbook's _meta sheet in place."""
    wb = openpyxl.load_workbook(path)
    ws = wb["_meta"]
    for row in list(ws.iter_rows(min_row=2)):
        key = row[0].value
        if key in changes:
            if changes[key] is None:
                row[0].value = row[1].value = None
            else:
                row[1].value = changes[key]
    wb.save(path)


def insert_rows_like_excel(ws, idx: int, amount: int) -> None:
    """Insert rows before row `idx` and move merged ranges below it, as Excel does.

    openpyxl's insert_rows leaves merged ranges where they were; idx must not fall inside a merge.
    """
    _move_merges(ws, lambda r: r.min_row >= idx, lambda r: r.shift(row_shift=amount),
                 lambda: ws.insert_rows(idx, amount))


def insert_cols_like_excel(ws, idx: int, amount: int) -> None:
    """Insert columns before column `idx` (1-based), moving merged ranges right of it."""
    _move_merges(ws, lambda r: r.min_col >= idx, lambda r: r.shift(col_shift=amount),
                 lambda: ws.insert_cols(idx, amount))


def _move_merges(ws, affected, shift, insert) -> None:
    moving = [r for r in ws.merged_cells.ranges if affected(r)]
    for r in moving:
        ws.unmerge_cells(r.coord)
    insert()
    for r in moving:
        shift(r)
        ws.merge_cells(r.coord)


DISPATCH_COLS = {"企业（单位）名称": "B", "行业领域": "C", "问题隐患描述": "D", "隐患级别": "E", "整改要求": "F",
                 "整改时限": "G", "责任单位": "H", "整改状态": "I", "备注": "J"}


def fill_dispatch(template: Path, target: Path, hazards: list[dict], *, listed_on=date(2023, 8, 15),
                  signed: bool = True, edit=None, sheet: str = "交办清单",
                  signatures: tuple[str, ...] = ()) -> Path:
    """hazards: one dict per row (keys: the header labels above); rows start under the header. A
    自查问题清单 has the same columns (sheet=) and other signature labels (signatures=)."""
    wb = openpyxl.load_workbook(template)
    ws = wb[sheet]
    header = next(c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == "序号")
    date_row = next(c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == "日期：")
    ws[f"C{date_row}"] = listed_on
    for n, hazard in enumerate(hazards):
        for key, value in hazard.items():
            ws[f"{DISPATCH_COLS[key]}{header + 1 + n}"] = value
    if signed:
        for (c,) in ws.iter_rows(min_col=1, max_col=1, min_row=header + 1):
            if isinstance(c.value, str) and (c.value.endswith("签字：") or c.value in signatures):
                ws[f"D{c.row}"] = "王五、赵六"
    if edit:
        edit(ws, header)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def fill_progress(template: Path, target: Path, values: dict, *, default=0, reported_on=date(2023, 8, 25),
                  edit=None) -> Path:
    """values: 填报项目 label → value; every other field gets `default` (None leaves it blank);
    填报时间 gets `reported_on` (None leaves it blank)."""
    wb = openpyxl.load_workbook(template)
    ws = wb["调度表"]
    header = next(c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == "类别")
    if reported_on is not None:
        label = next(c for row in ws.iter_rows(max_row=header) for c in row if c.value == "填报时间：")
        ws.cell(label.row, label.column + 1).value = reported_on
    for row in range(header + 1, ws.max_row + 1):
        label = ws[f"C{row}"].value
        unit = ws[f"D{row}"].value
        if not label or not unit:
            continue
        value = values.get(label, default if unit != "是/否" else "否")
        if value is not None:
            ws[f"E{row}"] = value
    if edit:
        edit(ws, header)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
