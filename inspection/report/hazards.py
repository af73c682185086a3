"""问题隐患台账 (every hazard assigned so far, followed until 销号) and 问题隐患统计 (counts per unit)."""

from datetime import date, datetime, time

from inspection.spec.config import Config
from inspection.constants import HAZARD_LEVELS
from inspection.model import RunResult, TrackedHazard
from inspection.paper.common import TITLE_SIZE, Styles, clip, print_table, text_height
from inspection.paper.page import DEFAULT_ROW_PT, LANDSCAPE, PORTRAIT

SHEET_LEDGER = "问题隐患台账"
SHEET_COUNTS = "问题隐患统计"
MAJOR = HAZARD_LEVELS[0]
CLOSED = "已销号"


def ledger_headers(config: Config, as_of: date) -> list[str]:
    return ["隐患编号", config.unit_label, "检查组", "企业（单位）名称", "行业领域", "隐患级别", "问题隐患描述",
            "整改要求", "整改时限", "责任单位", "首次交办", "最新状态", "状态日期", "已用天数",
            f"逾期（截至{as_of:%Y-%m-%d}）", "销号", "来源文件", "位置"]


# Printed on A4 landscape at about 90 %: every column but the last two (where each came from,
# for the screen), which are left out of the print area.
WIDTHS = (11, 6, 4.5, 10.5, 7.5, 7, 14, 11.5, 10.5, 8, 10.5, 6.5, 10.5, 5, 9, 9, 26, 6)
PRINTED = 16
DATE_COLS = {8, 12}
HEADER_ROW = 1
COUNT_WIDTHS = (10, 7)  # the unit, then each count


def is_overdue(t: TrackedHazard, as_of: date) -> bool:
    deadline = t.hazard.deadline
    return deadline is not None and deadline < as_of and not t.closed_round


def overdue_text(t: TrackedHazard, as_of: date) -> str:
    return f"逾期 {(as_of - t.hazard.deadline).days} 天" if is_overdue(t, as_of) else ""


def closed_text(t: TrackedHazard) -> str:
    if not t.closed_round:
        return ""
    return f"{CLOSED} {t.closed_on:%Y-%m-%d}" if t.closed_on else f"{CLOSED}（{t.closed_round}）"


def ledger_row(t: TrackedHazard, as_of: date) -> list:
    h = t.hazard
    first = f"{t.first_round}" + (f"（{t.first_listed_on:%m-%d}）" if t.first_listed_on else "")
    return [h.id, h.unit, h.group, clip(h.company, 200), h.sector, h.level, clip(h.description),
            clip(h.requirement), h.deadline, clip(h.responsible, 200), first, t.status, t.status_on,
            t.days_used(as_of), overdue_text(t, as_of), closed_text(t), h.file, h.cell]


def write_ledger(wb, st: Styles, result: RunResult, config: Config) -> None:
    """A title, then a hazard a row, every row as tall as its longest text."""
    ws = wb.add_worksheet(SHEET_LEDGER)
    as_of = result.as_of or date.today()
    headers = ledger_headers(config, as_of)
    last_col = len(headers) - 1
    title = f"问题隐患台账（截至{as_of:%Y年%m月%d日}）"
    ws.merge_range(0, 0, 0, PRINTED - 1, title, st.title)
    ws.write_row(HEADER_ROW, 0, headers, st.header)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    heights = {0: 30, HEADER_ROW: max(text_height(h, w) for h, w in zip(headers, WIDTHS))}
    overdue_col = headers.index(f"逾期（截至{as_of:%Y-%m-%d}）")
    for n, t in enumerate(result.tracked, start=HEADER_ROW + 1):
        values = ledger_row(t, as_of)
        heights[n] = max(text_height(v, w) for v, w in zip(values[:PRINTED], WIDTHS) if isinstance(v, str))
        for col, value in enumerate(values):
            if col in DATE_COLS and value is not None:
                ws.write_datetime(n, col, datetime.combine(value, time()), st.date)
            elif isinstance(value, int):
                ws.write_number(n, col, value, st.text_center)
            elif value:
                ws.write_string(n, col, value, st.overdue if col == overdue_col else st.text)
            else:
                ws.write_blank(n, col, None, st.text)
    last_row = HEADER_ROW + max(len(result.tracked), 1)
    if not result.tracked:
        ws.write_string(HEADER_ROW + 1, 0, "没有采用的交办清单，暂无问题隐患。", st.plain)
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.autofilter(HEADER_ROW, 0, last_row, last_col)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    print_table(ws, heights, last_row, WIDTHS[:PRINTED], header=HEADER_ROW,  # 来源文件/位置 on screen only
                title=f"{config.campaign} 问题隐患台账（{config.round}）")


def write_counts(wb, st: Styles, result: RunResult, config: Config) -> None:
    """问题隐患统计: per unit, hazards by sector, 重大事故隐患, overdue and closed, and whether its
    交办清单 of this round came in; a 合计 row."""
    ws = wb.add_worksheet(SHEET_COUNTS)
    as_of = result.as_of or date.today()
    hazards = result.tracked
    sectors = [s for s in config.sectors if any(t.hazard.sector == s for t in hazards)]
    headers = [config.unit_label, *sectors, "未填领域", "合计", f"其中{MAJOR}", "逾期未整改", CLOSED,
               "本轮交办清单"]
    widths = [COUNT_WIDTHS[0]] + [COUNT_WIDTHS[1]] * (len(headers) - 2) + [8]
    last_col = len(headers) - 1
    title = f"各{config.unit_label}问题隐患统计（截至{as_of:%Y年%m月%d日}）"
    page = PORTRAIT if PORTRAIT.fits(widths) else LANDSCAPE
    ws.merge_range(0, 0, 0, last_col, title, st.title)
    ws.write_row(HEADER_ROW, 0, headers, st.header)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    heights = {0: max(30, text_height(title, sum(widths), TITLE_SIZE)),
               HEADER_ROW: max(text_height(h, w) for h, w in zip(headers, widths))}
    reported = set(result.dispatch_units)
    totals = [0] * (len(headers) - 2)
    for n, unit in enumerate(config.units, start=HEADER_ROW + 1):
        mine = [t for t in hazards if t.hazard.unit == unit]
        counts = [sum(1 for t in mine if t.hazard.sector == s) for s in sectors]
        counts += [sum(1 for t in mine if not t.hazard.sector), len(mine),
                   sum(1 for t in mine if t.hazard.level == MAJOR), sum(1 for t in mine if is_overdue(t, as_of)),
                   sum(1 for t in mine if t.closed_round)]
        totals = [a + b for a, b in zip(totals, counts)]
        ws.write_string(n, 0, unit, st.text)
        for k, value in enumerate(counts, start=1):
            ws.write_number(n, k, value, st.text_center)
        ws.write_string(n, last_col, "已报送" if unit in reported else "未报送",
                        st.text_center if unit in reported else st.overdue)
        heights[n] = max(DEFAULT_ROW_PT + 3, text_height(unit, widths[0]))
    row = HEADER_ROW + len(config.units) + 1
    ws.write_string(row, 0, "合计", st.total_label)
    for k, value in enumerate(totals, start=1):
        ws.write_number(row, k, value, st.total_label)
    ws.write_blank(row, last_col, None, st.total_label)
    heights[row] = DEFAULT_ROW_PT + 3
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    print_table(ws, heights, row, widths, header=HEADER_ROW, title=f"{config.campaign} 问题隐患统计（{config.round}）",
                page=page)
