"""The 问题隐患台账 sheet: every hazard assigned so far, followed until 销号, and beside it counts per unit."""

from datetime import date, datetime, time

from inspection.config import Config
from inspection.constants import HAZARD_LEVELS
from inspection.model import RunResult, TrackedHazard
from inspection.writers.common import Styles, clip, height_for, lines_needed, print_setup

SHEET_LEDGER = "问题隐患台账"
MAJOR = HAZARD_LEVELS[0]
CLOSED = "已销号"


def ledger_headers(config: Config, as_of: date) -> list[str]:
    return ["隐患编号", config.unit_label, "检查组", "企业（单位）名称", "行业领域", "隐患级别", "问题隐患描述",
            "整改要求", "整改时限", "责任单位", "首次交办", "最新状态", "状态日期", "已用天数",
            f"逾期（截至{as_of:%Y-%m-%d}）", "销号", "来源文件", "位置"]


WIDTHS = (20, 10, 7, 22, 11, 12, 36, 28, 11, 14, 13, 9, 11, 7, 12, 13, 26, 6)
DATE_COLS = {8, 12}


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
    ws = wb.add_worksheet(SHEET_LEDGER)
    as_of = result.as_of or date.today()
    headers = ledger_headers(config, as_of)
    ws.write_row(0, 0, headers, st.header)
    ws.set_row(0, 30)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    overdue_col = headers.index(f"逾期（截至{as_of:%Y-%m-%d}）")
    for n, t in enumerate(result.tracked, start=1):
        values = ledger_row(t, as_of)
        ws.set_row(n, height_for(max(lines_needed(v, w) for v, w in zip(values, WIDTHS) if isinstance(v, str))))
        for col, value in enumerate(values):
            if col in DATE_COLS and value is not None:
                ws.write_datetime(n, col, datetime.combine(value, time()), st.date)
            elif isinstance(value, int):
                ws.write_number(n, col, value, st.text_center)
            elif value:
                ws.write_string(n, col, value, st.overdue if col == overdue_col else st.text)
            else:
                ws.write_blank(n, col, None, st.text)
    last_row = max(len(result.tracked), 1)
    ws.autofilter(0, 0, last_row, len(headers) - 1)
    ws.freeze_panes(1, 0)
    if not result.tracked:
        ws.write_string(1, 0, "没有采用的交办清单，暂无问题隐患。", st.plain)
    _write_counts(ws, st, result, config, as_of, first_col=len(headers) + 1)
    print_setup(ws, landscape=True, repeat_rows=(0, 0), title=f"{config.campaign} 问题隐患台账（{config.round}）")
    ws.print_area(0, 0, last_row, len(headers) - 1)


def _write_counts(ws, st: Styles, result: RunResult, config: Config, as_of: date, first_col: int) -> None:
    """Beside the ledger: per unit, hazards by sector, 重大事故隐患, overdue and closed."""
    hazards = result.tracked
    sectors = [s for s in config.sectors if any(t.hazard.sector == s for t in hazards)]
    headers = [config.unit_label, *sectors, "未填领域", "合计", f"其中{MAJOR}", "逾期未整改", CLOSED,
               "本轮交办清单"]
    ws.write_row(0, first_col, headers, st.header)
    ws.set_column(first_col, first_col, 10)
    ws.set_column(first_col + 1, first_col + len(headers) - 1, 8)
    reported = set(result.dispatch_units)
    totals = [0] * (len(headers) - 2)
    for n, unit in enumerate(config.units, start=1):
        mine = [t for t in hazards if t.hazard.unit == unit]
        counts = [sum(1 for t in mine if t.hazard.sector == s) for s in sectors]
        counts += [sum(1 for t in mine if not t.hazard.sector), len(mine),
                   sum(1 for t in mine if t.hazard.level == MAJOR), sum(1 for t in mine if is_overdue(t, as_of)),
                   sum(1 for t in mine if t.closed_round)]
        totals = [a + b for a, b in zip(totals, counts)]
        ws.write_string(n, first_col, unit, st.text)
        for k, value in enumerate(counts, start=1):
            ws.write_number(n, first_col + k, value, st.text_center)
        ws.write_string(n, first_col + len(headers) - 1, "已报送" if unit in reported else "未报送", st.text_center)
    row = len(config.units) + 1
    ws.write_string(row, first_col, "合计", st.total_label)
    for k, value in enumerate(totals, start=1):
        ws.write_number(row, first_col + k, value, st.total_label)
    ws.write_blank(row, first_col + len(headers) - 1, None, st.total_label)
