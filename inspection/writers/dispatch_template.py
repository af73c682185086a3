"""The blank hazard feedback-and-assignment list (问题隐患反馈交办清单, 000 Annex 3, made structured)."""

from pathlib import Path

from inspection.config import Config, Group
from inspection.constants import (
    DISPATCH_FILE, DISPATCH_HEADERS, DISPATCH_NOTE, DISPATCH_ROWS, DISPATCH_TITLE, HAZARD_LEVELS,
    KIND_DISPATCH, LABEL_DATE, LABEL_GROUP, RECTIFY_STATUSES, SHEET_DISPATCH, SHEET_HELP, SIGN_GROUP,
    SIGN_LOCAL,
)
from inspection.writers.common import (
    Styles, atomic_workbook, chinese_number, height_for, lines_needed, print_setup, protect,
    LAST_DAY, write_help, write_meta, date_rule, list_rule,
)

WIDTHS = (5, 20, 12, 34, 11, 26, 12, 14, 9, 14)
COL = {name: n for n, name in enumerate(DISPATCH_HEADERS)}
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1


def dispatch_file_name(group: Group) -> str:
    return DISPATCH_FILE.format(group=group.number, unit=group.unit)


def group_title(group: Group) -> str:
    return f"第{chinese_number(group.number)}专项行动组（{group.name}）"


def write_dispatch_template(config: Config, group: Group, folder: Path) -> Path:
    path = folder / dispatch_file_name(group)
    with atomic_workbook(path) as wb:
        st = Styles(wb)
        ws = wb.add_worksheet(SHEET_DISPATCH)
        _write_sheet(ws, st, config, group)
        _write_help(wb.add_worksheet(SHEET_HELP), st, config, group)
        write_meta(wb, config, kind=KIND_DISPATCH, form="dispatch", reporter=group.unit, county=group.unit,
                   group=str(group.number), identity=(str(group.number),))
        ws.activate()
    return path


def _write_sheet(ws, st: Styles, config: Config, group: Group) -> None:
    last = len(DISPATCH_HEADERS) - 1
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.merge_range(0, 0, 0, last, DISPATCH_TITLE, st.title)
    ws.set_row(0, 30)
    # Header block of the annex: 专项行动组 / 督导县区 / 日期, each label followed by its value cell.
    ws.merge_range(1, 0, 1, 1, f"{LABEL_GROUP}：", st.label)
    ws.merge_range(1, 2, 1, 5, group_title(group), st.plain)
    ws.merge_range(2, 0, 2, 1, f"督导{config.unit_label}：", st.label)
    ws.merge_range(2, 2, 2, 5, group.unit, st.plain)
    ws.merge_range(3, 0, 3, 1, f"{LABEL_DATE}：", st.label)
    ws.write_blank(3, 2, None, st.input_date)
    ws.data_validation(3, 2, 3, 2, date_rule(config.inspection_start, config.deadline, "交办日期",
                                              "填写现场交办日期"))

    ws.write_row(HEADER_ROW, 0, DISPATCH_HEADERS, st.header)
    ws.set_row(HEADER_ROW, 30)
    first, end = FIRST_ROW, FIRST_ROW + DISPATCH_ROWS - 1
    for n in range(DISPATCH_ROWS):
        row = first + n
        ws.write_number(row, COL["序号"], n + 1, st.text_center)
        for name in DISPATCH_HEADERS[1:]:
            fmt = st.input_date if name == "整改时限" else st.input_center if name in (
                "行业领域", "隐患级别", "整改状态") else st.input
            ws.write_blank(row, COL[name], None, fmt)
        ws.set_row(row, 30)
    list_rule(ws, first, end, COL["行业领域"], config.sectors, "行业领域")
    list_rule(ws, first, end, COL["隐患级别"], HAZARD_LEVELS, "隐患级别")
    list_rule(ws, first, end, COL["整改状态"], RECTIFY_STATUSES, "整改状态")
    ws.data_validation(first, COL["整改时限"], end, COL["整改时限"],
                       date_rule(config.inspection_start, LAST_DAY, "整改时限",
                                  "填写整改完成期限，如 2023/9/30"))

    row = end + 2
    for label in (SIGN_GROUP, SIGN_LOCAL.format(unit_label=config.unit_label)):
        ws.merge_range(row, 0, row, 2, f"{label}：", st.label)
        ws.merge_range(row, 3, row, 6, None, st.input_plain)
        ws.set_row(row, 30)
        row += 2
    note = DISPATCH_NOTE.format(unit_label=config.unit_label)
    ws.merge_range(row, 0, row, last, note, st.note)
    ws.set_row(row, height_for(lines_needed(note, sum(WIDTHS))))

    ws.freeze_panes(FIRST_ROW, 0)
    print_setup(ws, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW),
                title=f"{DISPATCH_TITLE} {group_title(group)} 督导{group.unit}")
    ws.print_area(0, 0, row, last)
    protect(ws)


def _write_help(ws, st: Styles, config: Config, group: Group) -> None:
    write_help(ws, st, help_lines(config, group))


def help_lines(config: Config, group: Group) -> list[str]:
    """The 填表说明 sheet, a line a row (the first is its title)."""
    return [
        f"{DISPATCH_TITLE} 填表说明",
        "",
        f"1. 由{group_title(group)}在督导{group.unit}时现场填写，一个问题隐患填一行，预留 {DISPATCH_ROWS} 行，"
        "不够时另用一份清单。",
        "2. “行业领域”“隐患级别”“整改状态”从下拉列表中选择；“整改时限”填日期（如 2023/9/30）。",
        "3. 重大事故隐患按行业领域判定标准认定，其余为一般隐患。",
        "4. 整改要求写明措施和标准；责任单位写负责督促整改的部门或单位。",
        f"5. 填写完毕，专项行动组人员与属地{config.unit_label}安委会人员在表下方签字。",
        "6. 只填写浅黄色单元格，不要增删行列；表内隐藏的识别信息请勿改动。",
    ]
