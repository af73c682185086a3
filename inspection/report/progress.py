"""The 进展调度汇总 sheets: the 调度表's fields down the side, a column per reporter and a 合计 column,
then the rectification rates; as the form itself reads, so that it prints on A4."""

from decimal import Decimal

from inspection.spec.config import Config
from inspection.spec.progress_form import FormCell, ProgressForm
from inspection.model import RunResult
from inspection.paper.common import TITLE_SIZE, Styles, merge_column, print_setup, text_height, write_note
from inspection.paper.page import DEFAULT_ROW_PT, LANDSCAPE, grow_to_fit, page_breaks, printed_pt

SHEET_PROGRESS_UNITS = "进展调度汇总（{unit_label}）"
SHEET_PROGRESS_DEPARTMENTS = "进展调度汇总（部门）"
NOT_REPORTED = "未报送"
LABEL_WIDTHS = (8, 3.5, 28, 4.5)  # 类别, 序号, 填报项目, 单位
REPORTER_WIDTH = 6.5
TOTAL_WIDTH = 8
FIXED_COLS = len(LABEL_WIDTHS)
HEADER_ROWS = (1, 2)  # reporters, then 报送情况: repeated on every page
FIRST_ROW = HEADER_ROWS[1] + 1


def rate_pairs(form: ProgressForm) -> list[tuple[FormCell, FormCell]]:
    """(fixed, found) pairs: a cell bounded by another whose label speaks of 整改."""
    by_key = {c.key: c for c in form.cells}
    return [(c, by_key[c.at_most]) for c in form.cells if c.at_most and "整改" in c.label]


def rate_label(found: FormCell) -> str:
    return f"{found.label.split('（')[0]}整改率"


def rectification_rate(fixed, found) -> Decimal | None:
    if not isinstance(fixed, Decimal) or not isinstance(found, Decimal) or found == 0:
        return None
    return fixed / found


def reporters_per_page() -> int:
    room = LANDSCAPE.body_width * 0.99 - sum(printed_pt(w) for w in LABEL_WIDTHS) - printed_pt(TOTAL_WIDTH)
    return max(1, int(room // printed_pt(REPORTER_WIDTH)))


def write_progress(wb, st: Styles, result: RunResult, config: Config, form: ProgressForm,
                   reporters: tuple[str, ...], sheet_name: str, reporter_label: str) -> None:
    """A title; the reporters across (in the config's order) with 已报送/未报送 under each, and 合计;
    the form's sections, fields and cells down the side with each reporter's figures; then a row per
    rectification rate (已整改 ÷ 发现)."""
    ws = wb.add_worksheet(sheet_name[:31])
    cells = form.cells
    pairs = rate_pairs(form)
    total_col = FIXED_COLS + len(reporters)
    for col, width in enumerate(LABEL_WIDTHS):
        ws.set_column(col, col, width)
    if reporters:
        ws.set_column(FIXED_COLS, total_col - 1, REPORTER_WIDTH)
    ws.set_column(total_col, total_col, TOTAL_WIDTH)
    per_page = reporters_per_page()
    # What the first page shows: the labels, the reporters that fit and, when all do, 合计.
    title_last = total_col if len(reporters) <= per_page else FIXED_COLS + per_page - 1
    page_width = (sum(LABEL_WIDTHS) + REPORTER_WIDTH * min(len(reporters), per_page)
                  + (TOTAL_WIDTH if len(reporters) <= per_page else 0))
    title = f"{form.title}汇总（{config.shown_round}）"
    ws.merge_range(0, 0, 0, title_last, title, st.title)
    heights: dict[int, float] = {0: max(30, text_height(title, page_width, TITLE_SIZE))}

    top, status = HEADER_ROWS
    for col, label in enumerate(("类别", "序号", "填报项目", "单位")):
        ws.write_string(top, col, label, st.header)
    ws.merge_range(status, 0, status, FIXED_COLS - 1, "报送情况", st.header)
    ws.write_string(top, total_col, "合计", st.header)
    reported = sum(1 for r in reporters if r in result.progress)
    ws.write_string(status, total_col, f"{reported}/{len(reporters)}", st.total_label)
    heights[top] = max([text_height(r, REPORTER_WIDTH) for r in reporters] + [22])
    heights[status] = DEFAULT_ROW_PT + 3
    returns = []
    for k, reporter in enumerate(reporters, start=FIXED_COLS):
        ret = result.progress.get(reporter)
        returns.append((k, ret))
        ws.write_string(top, k, reporter, st.header)
        ws.write_string(status, k, "已报送" if ret else NOT_REPORTED, st.text_center if ret else st.overdue)

    row = FIRST_ROW
    rows: dict[str, int] = {}
    blocks = []
    for section in form.sections:
        first = row
        for field in section.fields:
            field_first = row
            for cell in field.cells:
                rows[cell.key] = row
                ws.write_string(row, 2, cell.label, st.text)
                ws.write_string(row, 3, cell.unit, st.text_center)
                heights[row] = max(DEFAULT_ROW_PT + 3, text_height(cell.label, LABEL_WIDTHS[2]))
                row += 1
            merge_column(ws, field_first, row - 1, 1, field.no, st.text_center)
        merge_column(ws, first, row - 1, 0, section.title, st.text_center)
        grow_to_fit(heights, first, row - 1, text_height(section.title, LABEL_WIDTHS[0]))
        blocks.append([first, row - 1])
    rates_first = row
    for fixed, found in pairs:
        rows[f"rate:{fixed.key}"] = row
        ws.write_string(row, 2, rate_label(found), st.text)
        ws.write_string(row, 3, "%", st.text_center)
        heights[row] = max(DEFAULT_ROW_PT + 3, text_height(rate_label(found), LABEL_WIDTHS[2]))
        row += 1
    if pairs:
        merge_column(ws, rates_first, row - 1, 0, "整改率", st.text_center)
        merge_column(ws, rates_first, row - 1, 1, None, st.text_center)
        blocks.append([rates_first, row - 1])
    last_row = row - 1

    totals: dict[str, Decimal] = {c.key: Decimal(0) for c in cells}
    yes_count = {c.key: 0 for c in cells}
    for k, ret in returns:
        if ret is None:
            # Left empty, not written as blank cells: at 3,000 units those were 100,000 cells.
            # The conditional format below gives them the table's grid lines.
            continue
        for cell in cells:
            value = ret.values.get(cell.key)
            _write_value(ws, st, rows[cell.key], k, value)
            if isinstance(value, Decimal):
                totals[cell.key] += value
            elif value == "是":
                yes_count[cell.key] += 1
        for fixed, found in pairs:
            _write_rate(ws, st, rows[f"rate:{fixed.key}"], k,
                        rectification_rate(ret.values.get(fixed.key), ret.values.get(found.key)))
    for cell in cells:
        if cell.type == "yesno":
            ws.write_string(rows[cell.key], total_col, f"是：{yes_count[cell.key]}", st.total_label)
        else:
            ws.write_number(rows[cell.key], total_col, float(totals[cell.key]), st.total_label)
    for fixed, found in pairs:
        _write_rate(ws, st, rows[f"rate:{fixed.key}"], total_col,
                    rectification_rate(totals[fixed.key], totals[found.key]))
    if reporters:
        ws.conditional_format(FIRST_ROW, FIXED_COLS, last_row, total_col - 1, {"type": "blanks", "format": st.grid})
    note = (f"注：各项为自专项行动开展以来的累计数；整改率为已完成整改数除以对应的发现数，发现数为 0 或未报送的记“—”；"
            f"合计只加已报送的{reporter_label}。")
    note_row = last_row + 2
    if len(reporters) > per_page:  # in the label columns every page repeats, as 得分明细's note
        heights[note_row] = write_note(ws, st, note_row, FIXED_COLS - 1, note, sum(LABEL_WIDTHS))
    else:
        heights[note_row] = write_note(ws, st, note_row, title_last, note, page_width)
    blocks[-1][1] = note_row
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.freeze_panes(FIRST_ROW, FIXED_COLS)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(note_row + 1)]
    repeat = sum(sizes[HEADER_ROWS[0]:HEADER_ROWS[1] + 1])
    breaks = page_breaks(sizes, blocks, room=LANDSCAPE.room(100), repeat=repeat, start=sum(sizes[:FIRST_ROW]))
    # Across pages by as many reporters as fit; 合计 after the last of them, on a page of its own
    # only when their page is full.
    columns = list(range(FIXED_COLS + per_page, total_col, per_page))
    if len(reporters) > per_page and len(reporters) % per_page == 0:
        columns.append(total_col)
    print_setup(ws, LANDSCAPE, repeat_rows=HEADER_ROWS, breaks=breaks, columns_breaks=columns,
                title=f"{form.title} 汇总（{config.round}）")
    ws.repeat_columns(0, FIXED_COLS - 1)
    ws.print_area(0, 0, note_row, total_col)


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
