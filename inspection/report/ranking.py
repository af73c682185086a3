"""The bulletin's own annexes: 排名 (the score table with a chart) and 扣分原因 (per unit, in its wording)."""

import re

from inspection.spec.config import Config
from inspection.model import RANKED, RunResult
from inspection.decisions.rounds import rank_change
from inspection.spec.rubric import Rubric
from inspection.paper import page as paper
from inspection.paper.common import (
    BODY_SIZE, EXCEL_CELL_LIMIT, FONT, HEADING_SIZE, TITLE_SIZE, Styles, format_points, height_for, print_setup,
    text_height, write_note,
)
from inspection.paper.page import DEFAULT_ROW_PT, column_px, page_breaks

SHEET_RANKING = "排名"
SHEET_REASONS = "扣分原因"
# Punctuation a filler ends a reason with; the bulletin adds its own "，扣 x 分；".
TRAILING = "。．.，,；;、 \t"
STATUS_WIDTH = 18
WIDTHS = (6, 12, 8, 22, STATUS_WIDTH)
PREVIOUS_WIDTHS = (11, 9, 9)
REASONS_WIDTH = 94  # A4 portrait at 100 %
CHART_MAX_UNITS = 200  # beyond this a bar chart is unreadable; the table says it all
HEADER_ROW = 1  # under the title


def write_ranking(wb, st: Styles, result: RunResult, config: Config, rubric: Rubric) -> None:
    """The bulletin's Annex 1: a title, the header (排名, unit, 得分, …), one row per unit, ranked
    first, then the others marked; a bar chart under the table, inside the printed page."""
    ws = wb.add_worksheet(SHEET_RANKING)
    headers = ["排名", config.unit_label, "得分", "检查组", "状态"]
    widths = list(WIDTHS)
    if result.previous_round:
        headers += [f"上期得分（{result.previous_round}）", "上期排名", "名次变化"]
        widths += PREVIOUS_WIDTHS
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    last_col = len(headers) - 1
    title = f"各{config.unit_label}得分排名（{config.shown_round}）"
    ws.merge_range(0, 0, 0, last_col, title, st.title)
    heights = {0: max(30, text_height(title, sum(widths), TITLE_SIZE)),
               HEADER_ROW: max(text_height(h, w) for h, w in zip(headers, widths))}
    ws.write_row(HEADER_ROW, 0, headers, st.header)
    ranked = 0
    for n, row in enumerate(result.ranking, start=HEADER_ROW + 1):
        if row.rank is None:
            ws.write_blank(n, 0, None, st.points)
        else:
            ws.write_number(n, 0, row.rank, st.points)
        ws.write_string(n, 1, row.unit, st.text_center)
        if row.score is None:
            ws.write_blank(n, 2, None, st.score)
        else:
            # A float holds a one-decimal score exactly enough to print as typed (80.1, never 80.09999).
            ws.write_number(n, 2, float(row.score), st.score)
        ws.write_string(n, 3, config.group_label(row.group) if row.group else "", st.text_center)
        ws.write_string(n, 4, row.status_text, st.text_center if row.status == RANKED else st.overdue)
        if row.why:  # why a unit is not ranked: as many lines as it takes
            heights[n] = text_height(row.status_text, STATUS_WIDTH)
        ranked += row.status == RANKED
        if result.previous_round:
            _write_previous(ws, st, n, row, result.previous.get(row.unit))
    last = HEADER_ROW + len(result.ranking)
    note = (f"注：满分 {format_points(rubric.total)} 分；得分相同的并列，按配置中的顺序排列。"
            f"未报送或报送文件未通过校验的{config.unit_label}列在最后，不参加排名。")
    heights[last + 2] = write_note(ws, st, last + 2, last_col, note, sum(widths))
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    last_row = last + 2
    blocks = [(r, r) for r in range(HEADER_ROW + 1, last + 1)] + [(last + 1, last + 2)]
    if 0 < ranked <= CHART_MAX_UNITS:
        # Below the table, as wide as it, inside the print area: the printed page carries it too.
        last_row = _chart(wb, ws, ranked, rubric, config, first_row=last + 4, width=sum(column_px(w) for w in widths))
        blocks.append((last + 3, last_row))
    page = paper.PORTRAIT
    scale = page.scale(widths)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(last_row + 1)]
    breaks = page_breaks(sizes, blocks, room=page.room(scale), repeat=heights[HEADER_ROW],
                         start=sum(sizes[:HEADER_ROW + 1]))
    # The header on every page only when the table itself goes on: not above a chart on a page of its own.
    table_split = any(b <= last for b in breaks)
    print_setup(ws, page, repeat_rows=(HEADER_ROW, HEADER_ROW) if table_split else None, scale=scale, breaks=breaks,
                title=f"{config.campaign} 得分排名（{config.round}）")
    ws.print_area(0, 0, last_row, last_col)


def _write_previous(ws, st: Styles, n: int, row, previous) -> None:
    """上期得分, 上期排名 and 名次变化 (↑2 / ↓1 / 持平 / 新增) beside this round's row."""
    if previous is None:
        ws.write_blank(n, 5, None, st.score)
        ws.write_blank(n, 6, None, st.points)
    else:
        ws.write_number(n, 5, float(previous[0]), st.score)
        ws.write_number(n, 6, previous[1], st.points)
    change = rank_change(row.rank, previous)
    if change:
        ws.write_string(n, 7, change, st.text_center)
    else:
        ws.write_blank(n, 7, None, st.text_center)


def _chart(wb, ws, ranked: int, rubric: Rubric, config: Config, first_row: int, width: int) -> int:
    """A bar per ranked unit, `width` pixels wide; returns the last row the chart covers."""
    font = {"name": FONT, "size": BODY_SIZE}
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": "得分",
        "categories": [ws.name, HEADER_ROW + 1, 1, HEADER_ROW + ranked, 1],
        "values": [ws.name, HEADER_ROW + 1, 2, HEADER_ROW + ranked, 2],
        # Inside the end of the bar: a score near full marks is never pushed out of the chart.
        "data_labels": {"value": True, "position": "inside_end",
                        "font": {**font, "color": "white", "bold": True}},
        "fill": {"color": "#4472C4"},
        "gap": 60,
    })
    chart.set_title({"name": f"各{config.unit_label}得分", "name_font": {**font, "size": 12}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"min": 0, "max": float(rubric.total), "num_font": font})
    # Rank 1 on top, as in the table.
    chart.set_y_axis({"reverse": True, "num_font": font})
    height = max(280, 26 * ranked + 80)
    chart.set_size({"width": width - 4, "height": height})
    ws.insert_chart(first_row, 0, chart, {"x_offset": 2})
    return first_row + height // 20 + 1


def reason_lines(result: RunResult, config: Config) -> list[tuple[str, bool]]:
    """The 扣分原因 annex as (line, is_heading): each ranked unit in the campaign's administrative
    order (as 003 Annex 2 lists them), then its deductions in rubric order, the last ending "。"."""
    lines = []
    ranked = {row.unit: row for row in result.ranking if row.status == RANKED}
    for unit in (*config.units, *(u for u in ranked if u not in config.units)):
        row = ranked.get(unit)
        if row is None:
            continue
        ret = result.scoring[row.unit]
        if not ret.deductions:
            lines.append((f"{row.unit}得分 {format_points(row.score)} 分，无扣分。", True))
            continue
        lines.append((f"{row.unit}得分 {format_points(row.score)} 分，扣分原因：", True))
        for n, d in enumerate(ret.deductions, start=1):
            end = "。" if n == len(ret.deductions) else "；"
            lines.append((f"（{d.label}）{clean_reason(d.reason)}，扣 {format_points(d.amount)} 分{end}", False))
    return lines


def clean_reason(reason: str) -> str:
    """One line of bulletin text: inner line breaks become "；", the filler's closing punctuation goes."""
    text = re.sub(r"\s*[\r\n]+\s*", "；", str(reason).strip())
    return text.rstrip(TRAILING)


def write_reasons(wb, st: Styles, result: RunResult, config: Config) -> None:
    """The bulletin's Annex 2, a line a row: a unit's heading is printed on the page of its lines (a
    unit longer than a page starts a page), and a blank row ends each unit."""
    ws = wb.add_worksheet(SHEET_REASONS)
    ws.set_column(0, 0, REASONS_WIDTH)
    one_line = height_for(1)
    ws.set_default_row(one_line)  # most lines fit on one: only taller rows get a height of their own
    title = f"各{config.unit_label}扣分原因"
    ws.write_string(0, 0, title, st.title)
    heights = [max(30, text_height(title, REASONS_WIDTH, TITLE_SIZE)), one_line]
    ws.set_row(0, heights[0])
    blocks = []
    row = 2
    for text, is_heading in reason_lines(result, config):
        if is_heading:
            if blocks:
                heights.append(one_line)  # a blank line between units, as in the bulletin
                blocks[-1][1] = row
                row += 1
            blocks.append([row, row])
        # Long text is split over rows, never cut: Excel holds at most 32,767 characters in a cell.
        for start in range(0, max(len(text), 1), EXCEL_CELL_LIMIT):
            chunk = text[start:start + EXCEL_CELL_LIMIT]
            ws.write_string(row, 0, chunk, st.heading if is_heading else st.plain)
            height = text_height(chunk, REASONS_WIDTH, HEADING_SIZE if is_heading else BODY_SIZE)
            heights.append(height)
            if height != one_line:
                ws.set_row(row, height)
            blocks[-1][1] = row
            row += 1
    if row == 2:
        ws.write_string(row, 0, f"没有已排名的{config.unit_label}。", st.plain)
        heights.append(one_line)
    page = paper.PORTRAIT
    breaks = page_breaks(heights, blocks, room=page.room(100), start=sum(heights[:2]))
    print_setup(ws, page, breaks=breaks, title=f"{config.campaign} 扣分原因（{config.round}）")
    ws.print_area(0, 0, row, 0)
