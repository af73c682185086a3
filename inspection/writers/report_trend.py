"""The 趋势 sheet: each unit's score in every round the archive holds, with a line chart."""

from inspection.config import Config
from inspection.model import RunResult
from inspection.writers.common import Styles, print_setup, write_note

SHEET_TREND = "趋势"
CHART_MAX_UNITS = 30  # more lines than this are a tangle; the table still has them all


def write_trend(wb, st: Styles, result: RunResult, config: Config) -> None:
    ws = wb.add_worksheet(SHEET_TREND)
    rounds = sorted({r for scores in result.trend.values() for r in scores})
    ws.write_row(0, 0, [config.unit_label, *rounds], st.header)
    ws.set_column(0, 0, 14)
    ws.set_column(1, max(len(rounds), 1), 10)
    for n, unit in enumerate(config.units, start=1):
        ws.write_string(n, 0, unit, st.text_center)
        for k, round_ in enumerate(rounds, start=1):
            score = result.trend.get(unit, {}).get(round_)
            if score is None:
                ws.write_string(n, k, "—", st.text_center)
            else:
                ws.write_number(n, k, float(score), st.points)
    last = len(config.units)
    write_note(ws, st, last + 2, max(len(rounds), 1),
               "注：各轮得分取自归档；“—”表示该轮没有采用的打分表。", 14 + 10 * max(len(rounds), 1))
    ws.freeze_panes(1, 1)
    if len(rounds) >= 2 and last <= CHART_MAX_UNITS:
        chart = wb.add_chart({"type": "line"})
        for n in range(1, last + 1):
            chart.add_series({"name": [ws.name, n, 0], "categories": [ws.name, 0, 1, 0, len(rounds)],
                              "values": [ws.name, n, 1, n, len(rounds)], "marker": {"type": "circle"}})
        chart.set_title({"name": f"各{config.unit_label}得分趋势", "name_font": {"size": 12, "name": "宋体"}})
        chart.set_y_axis({"name": "得分", "num_font": {"name": "宋体"}})
        chart.set_x_axis({"name": "轮次", "num_font": {"name": "宋体"}})
        chart.set_legend({"position": "right", "font": {"name": "宋体"}})
        chart.show_na_as_empty_cell()
        chart.set_size({"width": 720, "height": 400})
        ws.insert_chart(last + 4, 0, chart)
    print_setup(ws, landscape=True, repeat_rows=(0, 0), title=f"{config.campaign} 得分趋势（截至{config.round}）")
