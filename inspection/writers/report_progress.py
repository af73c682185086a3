"""The 进展调度汇总 sheets: one row per reporter, a 合计 row, and rectification rates."""

from decimal import Decimal

from inspection.config import Config
from inspection.forms import FormCell, ProgressForm
from inspection.model import RunResult
from inspection.writers.common import Styles, print_setup

SHEET_PROGRESS_UNITS = "进展调度汇总（{unit_label}）"
SHEET_PROGRESS_DEPARTMENTS = "进展调度汇总（部门）"
NOT_REPORTED = "未报送"


def rate_pairs(form: ProgressForm) -> list[tuple[FormCell, FormCell]]:
    """(fixed, found) pairs: a cell bounded by another whose label speaks of 整改."""
    by_key = {c.key: c for c in form.cells}
    return [(c, by_key[c.at_most]) for c in form.cells if c.at_most and "整改" in c.label]


def rectification_rate(fixed, found) -> Decimal | None:
    if not isinstance(fixed, Decimal) or not isinstance(found, Decimal) or found == 0:
        return None
    return fixed / found


def write_progress(wb, st: Styles, result: RunResult, config: Config, form: ProgressForm,
                   reporters: tuple[str, ...], sheet_name: str, reporter_label: str) -> None:
    ws = wb.add_worksheet(sheet_name[:31])
    cells = form.cells
    pairs = rate_pairs(form)
    headers = [reporter_label, "状态", *(c.label for c in cells),
               *(f"{found.label.split('（')[0]}整改率" for _, found in pairs)]
    ws.write_row(0, 0, headers, st.header)
    ws.set_row(0, 84)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 7)
    ws.set_column(2, len(headers) - 1, 10)

    totals: dict[str, Decimal] = {c.key: Decimal(0) for c in cells}
    yes_count = {c.key: 0 for c in cells}
    for n, reporter in enumerate(reporters, start=1):
        ret = result.progress.get(reporter)
        ws.write_string(n, 0, reporter, st.text)
        ws.write_string(n, 1, "已报送" if ret else NOT_REPORTED, st.text_center if ret else st.overdue)
        if ret is None:
            # Left empty, not written as blank cells: at 3,000 units those were 100,000 cells.
            # The conditional format below gives them the table's grid lines.
            for k, _ in enumerate(pairs, start=2 + len(cells)):
                _write_rate(ws, st, n, k, None)
            continue
        for k, cell in enumerate(cells, start=2):
            value = ret.values.get(cell.key)
            _write_value(ws, st, n, k, value)
            if isinstance(value, Decimal):
                totals[cell.key] += value
            elif value == "是":
                yes_count[cell.key] += 1
        for k, (fixed, found) in enumerate(pairs, start=2 + len(cells)):
            _write_rate(ws, st, n, k, rectification_rate(ret.values.get(fixed.key), ret.values.get(found.key)))

    row = len(reporters) + 1
    reported = sum(1 for r in reporters if r in result.progress)
    ws.write_string(row, 0, "合计", st.total_label)
    ws.write_string(row, 1, f"{reported}/{len(reporters)}", st.total_label)
    for k, cell in enumerate(cells, start=2):
        if cell.type == "yesno":
            ws.write_string(row, k, f"是：{yes_count[cell.key]}", st.total_label)
        else:
            ws.write_number(row, k, float(totals[cell.key]), st.total_label)
    for k, (fixed, found) in enumerate(pairs, start=2 + len(cells)):
        _write_rate(ws, st, row, k, rectification_rate(totals[fixed.key], totals[found.key]))

    if reporters:
        ws.conditional_format(1, 2, len(reporters), len(headers) - 1, {"type": "blanks", "format": st.grid})
    ws.freeze_panes(1, 1)
    print_setup(ws, landscape=True, repeat_rows=(0, 0), title=f"{form.title} 汇总（{config.round}）")
    ws.repeat_columns(0, 0)


def _write_value(ws, st: Styles, row: int, col: int, value) -> None:
    if isinstance(value, Decimal):
        ws.write_number(row, col, float(value), st.text_center)
    elif value:
        ws.write_string(row, col, str(value), st.text_center)
    else:
        ws.write_blank(row, col, None, st.text_center)


def _write_rate(ws, st: Styles, row: int, col: int, rate: Decimal | None) -> None:
    if rate is None:
        ws.write_string(row, col, "—", st.text_center)
    else:
        ws.write_number(row, col, float(rate), st.percent)
