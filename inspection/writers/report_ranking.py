"""The bulletin's own annexes: 排名 (the score table with a chart) and 扣分原因 (per unit, in its wording)."""

import re

from inspection.config import Config
from inspection.model import RANKED, RunResult
from inspection.rounds import rank_change
from inspection.rubric import Rubric
from inspection.writers.common import (
    EXCEL_CELL_LIMIT, Styles, format_points, height_for, lines_needed, print_setup, write_note,
)

SHEET_RANKING = "排名"
SHEET_REASONS = "扣分原因"
# Punctuation a filler ends a reason with; the bulletin adds its own "，扣 x 分；".
TRAILING = "。．.，,；;、 \t"
STATUS_WIDTH = 18
RANKING_WIDTH = 7 + 14 + 9 + 22 + STATUS_WIDTH
REASONS_WIDTH = 75  # fits A4 portrait even where LibreOffice substitutes a wider default font
CHART_MAX_UNITS = 200  # beyond this a bar chart is unreadable; the table says it all


def write_ranking(wb, st: Styles, result: RunResult, config: Config, rubric: Rubric) -> None:
    """Header in row 1 (排名, unit, 得分, …), one row per unit: ranked first, then the others marked."""
    ws = wb.add_worksheet(SHEET_RANKING)
    headers = ["排名", config.unit_label, "得分", "检查组", "状态"]
    if result.previous_round:
        headers += [f"上期得分（{result.previous_round}）", "上期排名", "名次变化"]
    ws.write_row(0, 0, headers, st.header)
    ws.set_column(5, 7, 11)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 9)
    ws.set_column(3, 3, 22)
    ws.set_column(4, 4, STATUS_WIDTH)
    groups = {g.number: g.name for g in config.groups}
    ranked = 0
    for n, row in enumerate(result.ranking, start=1):
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
        group = f"第 {row.group} 组" if row.group else ""
        ws.write_string(n, 3, f"{group}（{groups[row.group]}）" if row.group in groups else group, st.text_center)
        ws.write_string(n, 4, row.status_text, st.text_center if row.status == RANKED else st.overdue)
        if row.why:  # why a unit is not ranked: as many lines as it takes
            ws.set_row(n, height_for(lines_needed(row.status_text, STATUS_WIDTH)))
        ranked += row.status == RANKED
        if result.previous_round:
            _write_previous(ws, st, n, row, result.previous.get(row.unit))
    last = len(result.ranking)
    note = (f"注：满分 {format_points(rubric.total)} 分；得分相同的并列，按配置中的顺序排列。"
            f"未报送或报送文件未通过校验的{config.unit_label}列在最后，不参加排名。")
    write_note(ws, st, last + 2, len(headers) - 1, note, RANKING_WIDTH)
    ws.freeze_panes(1, 0)
    last_row = last + 2
    if 0 < ranked <= CHART_MAX_UNITS:
        # Below the table, inside the print area, so the printed page carries it too.
        last_row = _chart(wb, ws, ranked, rubric, config, first_row=last + 4)
    print_setup(ws, landscape=False, repeat_rows=(0, 0), title=f"{config.campaign} 得分排名（{config.round}）")
    ws.print_area(0, 0, last_row, len(headers) - 1)


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


def _chart(wb, ws, ranked: int, rubric: Rubric, config: Config, first_row: int) -> int:
    """A bar per ranked unit; returns the last row the chart covers."""
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": "得分",
        "categories": [ws.name, 1, 1, ranked, 1],
        "values": [ws.name, 1, 2, ranked, 2],
        "data_labels": {"value": True},
        "fill": {"color": "#4472C4"},
        "gap": 60,
    })
    chart.set_title({"name": f"各{config.unit_label}得分", "name_font": {"size": 12, "name": "宋体"}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"min": 0, "max": float(rubric.total), "num_font": {"name": "宋体"}})
    # Rank 1 on top, as in the table.
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
    height = max(280, 26 * ranked + 80)
    chart.set_size({"width": 560, "height": height})
    ws.insert_chart(first_row, 0, chart)
    return first_row + height // 20 + 1


def reason_lines(result: RunResult) -> list[tuple[str, bool]]:
    """The 扣分原因 annex as (line, is_heading): each ranked unit, then its deductions in rubric order."""
    lines = []
    for row in result.ranking:
        if row.status != RANKED:
            continue
        ret = result.scoring[row.unit]
        if not ret.deductions:
            lines.append((f"{row.unit}得分 {format_points(row.score)} 分，无扣分。", True))
            continue
        lines.append((f"{row.unit}得分 {format_points(row.score)} 分，扣分原因：", True))
        for d in ret.deductions:
            lines.append((f"（{d.label}）{clean_reason(d.reason)}，扣 {format_points(d.amount)} 分；", False))
    return lines


def clean_reason(reason: str) -> str:
    """One line of bulletin text: inner line breaks become "；", the filler's closing punctuation goes."""
    text = re.sub(r"\s*[\r\n]+\s*", "；", str(reason).strip())
    return text.rstrip(TRAILING)


def write_reasons(wb, st: Styles, result: RunResult, config: Config) -> None:
    ws = wb.add_worksheet(SHEET_REASONS)
    ws.set_column(0, 0, REASONS_WIDTH)
    one_line = height_for(1)
    ws.set_default_row(one_line)  # most lines fit on one: only taller rows get a height of their own
    ws.write_string(0, 0, f"各{config.unit_label}扣分原因", st.title)
    ws.set_row(0, 24)  # the 16-point title
    row = 2
    for text, is_heading in reason_lines(result):
        if is_heading and row > 2:
            row += 1  # a blank line between units, as in the bulletin
        # Long text is split over rows, never cut: Excel holds at most 32,767 characters in a cell.
        for start in range(0, max(len(text), 1), EXCEL_CELL_LIMIT):
            chunk = text[start:start + EXCEL_CELL_LIMIT]
            ws.write_string(row, 0, chunk, st.heading if is_heading else st.plain)
            height = height_for(lines_needed(chunk, REASONS_WIDTH))
            if height != one_line:
                ws.set_row(row, height)
            row += 1
    if row == 2:
        ws.write_string(row, 0, f"没有已排名的{config.unit_label}。", st.plain)
    print_setup(ws, landscape=False, repeat_rows=None, title=f"{config.campaign} 扣分原因（{config.round}）")
    ws.print_area(0, 0, row, 0)
