"""The 趋势 sheet: each unit's score in every round the archive holds, with a line chart."""

from decimal import Decimal

from inspection.spec.config import Config
from inspection.model import RunResult
from inspection.paper.common import FONT, BODY_SIZE, Styles, print_setup, text_height, write_note
from inspection.paper.page import DEFAULT_ROW_PT, LANDSCAPE, column_px, page_breaks, printed_pt

SHEET_TREND = "趋势"
CHART_MAX_UNITS = 30  # more lines than this are a tangle; the table still has them all
UNIT_WIDTH, ROUND_WIDTH = 14, 10
HEADER_ROW = 1


def _write_gaps(ws, st: Styles, result: RunResult, config: Config, rounds: list[str], row: int,
                heights: dict[int, float]) -> int:
    """Under the scores: each unit's 自评 − 复核 in every round (how far it rated itself above its
    group); returns the last row written."""
    ws.merge_range(row, 0, row, max(len(rounds), 4), "自评与复核之差（自评得分 − 复核得分）", st.heading)
    heights[row] = 22
    heights[row + 1] = 22
    return _unit_rounds(ws, st, row + 1, config, rounds, result.gaps)


def _unit_rounds(ws, st: Styles, header_row: int, config: Config, rounds: list[str],
                 values: dict[str, dict[str, Decimal]]) -> int:
    """A header of rounds, then a row per unit with its value in each round ("—" where it has none);
    returns the last row written."""
    ws.write_row(header_row, 0, [config.unit_label, *rounds], st.header)
    for n, unit in enumerate(config.units, start=header_row + 1):
        ws.write_string(n, 0, unit, st.text_center)
        for k, round_ in enumerate(rounds, start=1):
            value = values.get(unit, {}).get(round_)
            if value is None:
                ws.write_string(n, k, "—", st.text_center)
            else:
                ws.write_number(n, k, float(value), st.points)
    return header_row + len(config.units)


def write_trend(wb, st: Styles, result: RunResult, config: Config) -> None:
    ws = wb.add_worksheet(SHEET_TREND)
    rounds = sorted({r for scores in result.trend.values() for r in scores})
    widths = [UNIT_WIDTH] + [ROUND_WIDTH] * max(len(rounds), 1)
    last_col = len(widths) - 1
    title = f"各{config.unit_label}得分趋势（截至{config.shown_round}）"
    heights = {0: max(30, text_height(title, max(sum(widths), 60), 16)), HEADER_ROW: 22}
    if last_col > 0:
        ws.merge_range(0, 0, 0, max(last_col, 4), title, st.title)
    else:
        ws.write_string(0, 0, title, st.title)
    ws.set_column(0, 0, UNIT_WIDTH)
    ws.set_column(1, max(len(rounds), 1), ROUND_WIDTH)
    last = _unit_rounds(ws, st, HEADER_ROW, config, rounds, result.trend)
    blocks = [(r, r) for r in range(HEADER_ROW + 1, last + 1)]
    if config.uses_self_assessment:
        gaps_last = _write_gaps(ws, st, result, config, rounds, last + 2, heights)
        blocks += [(last + 1, last + 4)] + [(r, r) for r in range(last + 5, gaps_last + 1)]
        last = gaps_last
    note = ("注：各轮得分取自归档；“—”表示该轮没有采用的打分表"
            + ("（差值表中：该轮自评表或打分表缺一）" if config.uses_self_assessment else "") + "。")
    heights[last + 2] = write_note(ws, st, last + 2, max(last_col, 4), note, max(sum(widths), 60))
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    last_row = last + 2
    blocks += [(last + 1, last + 2)]
    if len(rounds) >= 2 and len(config.units) <= CHART_MAX_UNITS:
        font = {"name": FONT, "size": BODY_SIZE}
        chart = wb.add_chart({"type": "line"})
        for n in range(HEADER_ROW + 1, HEADER_ROW + len(config.units) + 1):
            chart.add_series({"name": [ws.name, n, 0], "categories": [ws.name, HEADER_ROW, 1, HEADER_ROW, len(rounds)],
                              "values": [ws.name, n, 1, n, len(rounds)], "marker": {"type": "circle"}})
        chart.set_title({"name": f"各{config.unit_label}得分趋势", "name_font": {**font, "size": 12}})
        chart.set_y_axis({"name": "得分", "num_font": font, "name_font": font})
        chart.set_x_axis({"name": "轮次", "num_font": font, "name_font": font})
        chart.set_legend({"position": "right", "font": font})
        chart.show_na_as_empty_cell()
        width = min(1000, max(600, sum(column_px(w) for w in widths)))
        chart.set_size({"width": width, "height": 400})
        ws.insert_chart(last + 4, 0, chart)
        last_row = last + 4 + 400 // 20 + 1
        blocks.append((last + 3, last_row))
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(last_row + 1)]
    breaks = page_breaks(sizes, blocks, room=LANDSCAPE.room(100), repeat=heights[HEADER_ROW],
                         start=sum(sizes[:HEADER_ROW + 1]))
    per_page = max(1, int((LANDSCAPE.body_width * 0.99 - printed_pt(UNIT_WIDTH)) // printed_pt(ROUND_WIDTH)))
    print_setup(ws, LANDSCAPE, repeat_rows=(HEADER_ROW, HEADER_ROW), breaks=breaks,
                columns_breaks=range(1 + per_page, len(rounds) + 1, per_page),
                title=f"{config.campaign} 得分趋势（截至{config.round}）")
    ws.repeat_columns(0, 0)
