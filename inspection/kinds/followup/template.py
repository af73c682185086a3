"""The 隐患整改跟踪表 for one unit: its hazards still open in the archive, each with a status to report.

Identity, description and deadline are printed (locked); the unit fills 整改状态, 整改完成日期 and
整改情况说明. The reader matches rows by 隐患编号, so the table survives sorting and deleted rows.
"""

from pathlib import Path

from inspection.spec.config import Config
from inspection.constants import (
    FOLLOWUP_FILE, FOLLOWUP_HEADERS, FOLLOWUP_TITLE, KIND_FOLLOWUP, LABEL_REPORT_DATE, RECTIFY_STATUSES,
    SHEET_FOLLOWUP, SHEET_HELP, STATUS_OPEN,
)
from inspection.model import TrackedHazard
from inspection.paper.common import (
    LAST_DAY, Styles, atomic_workbook, clip, date_rule, list_rule, print_table, protect, text_height, write_help,
    write_meta,
)
from inspection.paper.page import LANDSCAPE

# A4 landscape at 100 %: the hazard id wraps after its round, dates and the choices fit on one line.
WIDTHS = (4.5, 11, 12, 7.5, 8, 17, 13, 10.5, 10.5, 7, 7, 14, 11)
COL = {name: n for n, name in enumerate(FOLLOWUP_HEADERS)}
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
REPORT_DATE_CELL = (2, 2)  # beside the 填报时间 label (over the first two columns)
ROW_HEIGHT = 30  # two handwritten lines
PAGE = LANDSCAPE


def followup_file_name(unit: str, round_: str) -> str:
    return FOLLOWUP_FILE.format(unit=unit, round=round_)


def write_followup_template(config: Config, unit: str, hazards: list[TrackedHazard], folder: Path) -> Path:
    """One table for `unit` listing `hazards` (its open ones), in the order given."""
    path = folder / followup_file_name(unit, config.round)
    group = config.group_for_unit(unit)
    with atomic_workbook(path) as wb:
        st = Styles(wb)
        ws = wb.add_worksheet(SHEET_FOLLOWUP)
        _write_sheet(ws, st, config, unit, hazards)
        _write_help(wb.add_worksheet(SHEET_HELP), st)
        write_meta(wb, config, kind=KIND_FOLLOWUP, form="followup", reporter=unit, county=unit,
                   group=str(group.number) if group else "", identity=(str(len(hazards)),))
        ws.activate()
    return path


def _write_sheet(ws, st: Styles, config: Config, unit: str, hazards: list[TrackedHazard]) -> None:
    last = len(FOLLOWUP_HEADERS) - 1
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    heights = {0: 30, 1: 22, 2: 24}
    ws.merge_range(0, 0, 0, last, FOLLOWUP_TITLE, st.title)
    ws.merge_range(1, 0, 1, last, f"{config.unit_label}：{unit}　　轮次：{config.shown_round}　　"
                                  f"共 {len(hazards)} 条未销号的问题隐患", st.subtitle)
    ws.merge_range(2, 0, 2, REPORT_DATE_CELL[1] - 1, f"{LABEL_REPORT_DATE}：", st.label)
    ws.merge_range(2, REPORT_DATE_CELL[1], 2, REPORT_DATE_CELL[1] + 1, None, st.input_date)
    ws.data_validation(*REPORT_DATE_CELL, *REPORT_DATE_CELL,
                       date_rule(config.inspection_start, LAST_DAY, "填报时间", "填写本表的日期"))

    ws.write_row(HEADER_ROW, 0, FOLLOWUP_HEADERS, st.header)
    heights[HEADER_ROW] = max(text_height(h, w) for h, w in zip(FOLLOWUP_HEADERS, WIDTHS))
    for n, t in enumerate(hazards):
        row, h = FIRST_ROW + n, t.hazard
        printed = {
            "隐患编号": h.id, "企业（单位）名称": h.company, "行业领域": h.sector, "隐患级别": h.level,
            "问题隐患描述": h.description, "整改要求": h.requirement,
            "首次交办": t.first_listed_on.isoformat() if t.first_listed_on else t.first_round,
            "上次状态": t.status or STATUS_OPEN,
        }
        ws.write_number(row, COL["序号"], n + 1, st.text_center)
        for name, value in printed.items():
            ws.write_string(row, COL[name], clip(value), st.text)
        if h.deadline:
            ws.write_datetime(row, COL["整改时限"], h.deadline, st.date)
        else:
            ws.write_blank(row, COL["整改时限"], None, st.text)
        ws.write_blank(row, COL["整改状态"], None, st.input_center)
        ws.write_blank(row, COL["整改完成日期"], None, st.input_date)
        ws.write_blank(row, COL["整改情况说明"], None, st.input)
        heights[row] = max(ROW_HEIGHT, *(text_height(clip(v), WIDTHS[COL[k]]) for k, v in printed.items()))
    if hazards:
        first, end = FIRST_ROW, FIRST_ROW + len(hazards) - 1
        list_rule(ws, first, end, COL["整改状态"], RECTIFY_STATUSES, "整改状态")
        ws.data_validation(first, COL["整改完成日期"], end, COL["整改完成日期"],
                           date_rule(config.inspection_start, LAST_DAY, "整改完成日期", "已整改的，填写整改完成的日期"))
    for r, height in heights.items():
        ws.set_row(r, height)
    ws.freeze_panes(FIRST_ROW, 2)
    end = FIRST_ROW + len(hazards) - 1
    print_table(ws, heights, max(end, HEADER_ROW), WIDTHS, header=HEADER_ROW, title=f"{FOLLOWUP_TITLE} {unit}",
                page=PAGE)
    protect(ws)


def _write_help(ws, st: Styles) -> None:
    write_help(ws, st, help_lines())


def help_lines() -> list[str]:
    """The 填表说明 sheet, a line a row (the first is its title)."""
    return [
        f"{FOLLOWUP_TITLE} 填表说明",
        "",
        "1. 表中列出本单位此前各轮交办、尚未销号的问题隐患，每条一行。",
        f"2. 逐条从下拉列表选择“整改状态”：{'、'.join(RECTIFY_STATUSES)}。",
        "3. 已整改的，填写“整改完成日期”（如 2023/9/30），汇总时据此销号；未填的按填报时间计。",
        "4. “整改情况说明”写明采取的措施；不要改动隐患编号，也不要增加行（新发现的隐患用交办清单报送）。",
    ]
