"""The blank monthly progress table (调度表) for one unit or department (001 Annexes 3 and 4)."""

import math
from pathlib import Path

from inspection.spec.config import Config
from inspection.constants import (
    KIND_PROGRESS, LABEL_PHONE, LABEL_REPORT_DATE, LABEL_REPORTER, PROGRESS_FILE, PROGRESS_HEADERS,
    SHEET_HELP, SHEET_PROGRESS, YES_NO,
)
from inspection.spec.progress_form import FormCell, ProgressForm
from inspection.paper.common import (
    Styles, atomic_workbook, merge_column, print_setup, protect, text_height, write_meta, write_help,
)
from inspection.paper.page import DEFAULT_ROW_PT, MIN_SCALE, PORTRAIT, grow_to_fit, page_breaks

WIDTHS = (14, 4.5, 48, 11, 14)  # A4 portrait at 100 %
SECTION, NO, LABEL, UNIT, VALUE = range(5)
HEADER_ROW = 4
MAX_COUNT = 10**7
FIELD_HEIGHT = 20  # a handwritten number fits
PAGE = PORTRAIT
# What the round is called on the form, by how often the table is sent.
ROUND_WORDS = {"每月": "月份", "每季度": "季度", "每半年": "半年", "每年": "年度"}


def progress_file_name(reporter: str, round_: str) -> str:
    return PROGRESS_FILE.format(reporter=reporter, round=round_)


def progress_subtitle(config: Config, form: ProgressForm, reporter: str) -> str:
    """"县（市、区）：息县　　月份：2023-08": who reports, and for which month (quarter, …)."""
    return f"{form.reporter_label}：{reporter}　　{ROUND_WORDS.get(config.period, '轮次')}：{config.shown_round}"


def write_progress_template(config: Config, form: ProgressForm, reporter: str, folder: Path) -> Path:
    """`reporter` is a unit (form progress_unit) or a department (form progress_department)."""
    path = folder / progress_file_name(reporter, config.round)
    is_unit = config.is_unit(reporter)
    with atomic_workbook(path) as wb:
        st = Styles(wb)
        ws = wb.add_worksheet(SHEET_PROGRESS)
        _write_sheet(ws, st, config, form, reporter)
        _write_help(wb.add_worksheet(SHEET_HELP), st, config, form)
        write_meta(wb, config, kind=KIND_PROGRESS, form=form.id, reporter=reporter,
                   county=reporter if is_unit else "", rubric_version=form.version, identity=(form.id,))
        ws.activate()
    return path


def _write_sheet(ws, st: Styles, config: Config, form: ProgressForm, reporter: str) -> None:
    """The annex's table: who reports and for when, 填报时间 where the annex has its "时间：  年  月  日",
    填报人 and 联系电话, then the fields section by section and the annex's notes. A section is
    never split across pages, and the notes stay with the last one."""
    last = len(PROGRESS_HEADERS) - 1
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    heights = {0: 30, 1: 22, 2: 24, 3: 24}
    ws.merge_range(0, 0, 0, last, form.title, st.title)
    ws.merge_range(1, 0, 1, last, progress_subtitle(config, form, reporter), st.subtitle)
    ws.write_string(2, SECTION, f"{LABEL_REPORT_DATE}：", st.label)
    ws.merge_range(2, NO, 2, LABEL, None, st.input_date)
    ws.data_validation(2, NO, 2, NO, {
        "validate": "date", "criteria": ">=", "value": config.inspection_start,
        "error_type": "warning", "input_title": LABEL_REPORT_DATE,
        "input_message": "填写填报日期，如 2023/8/25",
        "error_title": "日期有误", "error_message": "请填写本轮填报日期，写作 2023/8/25。",
    })
    ws.write_string(3, SECTION, f"{LABEL_REPORTER}：", st.label)
    ws.merge_range(3, NO, 3, LABEL, None, st.input_plain)
    ws.write_string(3, UNIT, f"{LABEL_PHONE}：", st.label)
    ws.write_blank(3, VALUE, None, st.input_plain)
    ws.write_row(HEADER_ROW, 0, PROGRESS_HEADERS, st.header)
    heights[HEADER_ROW] = 22

    blocks = []
    row = HEADER_ROW + 1
    for section in form.sections:
        section_first = row
        for field in section.fields:
            field_first = row
            for cell in field.cells:
                ws.write_string(row, LABEL, cell.label, st.text)
                ws.write_string(row, UNIT, cell.unit, st.text_center)
                fmt = st.input_center if cell.type == "yesno" else (
                    st.input_number if cell.type == "amount" else st.input_count)
                ws.write_blank(row, VALUE, None, fmt)
                ws.data_validation(row, VALUE, row, VALUE, _rule(cell))
                heights[row] = max(FIELD_HEIGHT, text_height(cell.label, WIDTHS[LABEL]))
                row += 1
            merge_column(ws, field_first, row - 1, NO, field.no, st.text_center)
        merge_column(ws, section_first, row - 1, SECTION, section.title, st.text_center)
        grow_to_fit(heights, section_first, row - 1, text_height(section.title, WIDTHS[SECTION]))
        blocks.append([section_first, row - 1])

    row += 1
    for note in ("注：", *form.notes):
        ws.merge_range(row, 0, row, last, note, st.note)
        heights[row] = text_height(note, sum(WIDTHS))
        row += 1
    blocks[-1][1] = row - 1  # the notes go with the last section
    for r, h in heights.items():
        ws.set_row(r, h)

    ws.freeze_panes(HEADER_ROW + 1, 0)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(row)]
    scale = PAGE.scale(WIDTHS)
    # One page if it takes no more than printing at 90 %; else a section a page as it fits, at 100 %.
    one_page = min(scale, math.floor(100 * PAGE.room(100) / sum(sizes)))
    if one_page >= MIN_SCALE:
        scale, breaks, repeat = one_page, [], None
    else:
        breaks = page_breaks(sizes, blocks, room=PAGE.room(scale), repeat=heights[HEADER_ROW],
                             start=sum(sizes[:HEADER_ROW + 1]))
        repeat = (HEADER_ROW, HEADER_ROW)
    print_setup(ws, PAGE, repeat_rows=repeat, scale=scale, breaks=breaks, title=f"{form.title} {reporter}")
    ws.print_area(0, 0, row - 1, last)
    protect(ws)


def _rule(cell: FormCell) -> dict:
    if cell.type == "yesno":
        return {"validate": "list", "source": list(YES_NO), "input_title": "是/否",
                "input_message": "从下拉列表选择“是”或“否”。",
                "error_title": "只能填是或否", "error_message": "请从下拉列表选择“是”或“否”。"}
    if cell.type == "amount":
        return {"validate": "decimal", "criteria": ">=", "value": 0, "input_title": cell.unit,
                "input_message": f"填写累计金额（{cell.unit}），可带小数，如 12.5。",
                "error_title": "金额有误", "error_message": f"应为不小于 0 的数字（{cell.unit}）。"}
    return {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": MAX_COUNT,
            "input_title": cell.unit, "input_message": f"填写自开展以来的累计数（{cell.unit}），整数。",
            "error_title": "应为整数", "error_message": f"这里填累计数量（{cell.unit}），应为不小于 0 的整数。"}



def _write_help(ws, st: Styles, config: Config, form: ProgressForm) -> None:
    write_help(ws, st, help_lines(config, form))


def help_lines(config: Config, form: ProgressForm) -> list[str]:
    """The 填表说明 sheet, a line a row (the first is its title)."""
    span = {"每月": "月", "每季度": "季度", "每半年": "半年", "每年": "年"}.get(config.period, "期")
    return [
        f"{form.title} 填表说明",
        "",
        "填写要求：",
        f"1. 填写自专项行动开展以来的累计数，{config.period}报送一次；本{span}数不应小于上{span}数。",
        "2. 数量填整数；金额（万元）可带小数；“是否”项从下拉列表选择。没有发生的填 0，不要留空。",
        "3. “已完成整改”不超过对应的“发现”数，“其中”不超过总数。",
        "4. 只填写浅黄色单元格，不要增删行列；表内隐藏的识别信息请勿改动。",
        "",
        "表下的注（与调度表下方相同）：",
        *form.notes,
    ]
