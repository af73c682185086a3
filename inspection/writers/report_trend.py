"""The 趋势 sheet: each unit's score in every round the archive holds, with a line chart."""

from inspection.config import Config
from inspection.model import RunResult
from inspection.writers.common import Styles, print_setup, write_note

SHEET_TREND = "趋势"
CHART_MAX_UNITS = 30  # more lines than this are a tangle; the table still has them all


def _write_gaps(ws, st: Styles, result: RunResult, config: Config, rounds: list[str], row: int) -> int:
    """Under the scores: each unit's 自评 − 复核 in every round (how far it rated itself above its
    group); returns the last row written."""
    ws.merge_range(row, 0, row, max(len(rounds), 1), "自评与复核之差（自评得分 − 复核得分）", st.heading)
    ws.write_row(row + 1, 0, [config.unit_label, *rounds], st.header)
    for n, unit in enumerate(config.units, start=row + 2):
        ws.write_string(n, 0, unit, st.text_center)
        for k, round_ in enumerate(rounds, start=1):
            gap = result.gaps.get(unit, {}).get(round_)
            if gap is None:
                ws.write_string(n, k, "—", st.text_center)
            else:
                ws.write_number(n, k, float(gap), st.points)
    return row + 1 + len(config.units)


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
    note_row = last + 2
    if config.uses_self_assessment:
        note_row = _write_gaps(ws, st, result, config, rounds, last + 2) + 1
    write_note(ws, st, note_row, max(len(rounds), 1),
               "注：各轮得分取自归档；“—”表示该轮没有采用的打分表"
               + ("（差值表中：该轮自评表或打分表缺一）" if config.uses_self_assessment else "") + "。",
               14 + 10 * max(len(rounds), 1))
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
        ws.insert_chart(note_row + 2, 0, chart)
    print_setup(ws, landscape=True, repeat_rows=(0, 0), title=f"{config.campaign} 得分趋势（截至{config.round}）")
