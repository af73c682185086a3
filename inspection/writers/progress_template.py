"""The blank monthly progress table (调度表) for one unit or department (001 Annexes 3 and 4)."""

from pathlib import Path

from inspection.config import Config
from inspection.constants import (
    KIND_PROGRESS, LABEL_PHONE, LABEL_REPORT_DATE, LABEL_REPORTER, PROGRESS_FILE, PROGRESS_HEADERS,
    SHEET_HELP, SHEET_PROGRESS, YES_NO,
)
from inspection.forms import FormCell, ProgressForm
from inspection.writers.common import (
    Styles, atomic_workbook, merge_column, height_for, lines_needed, print_setup, protect, write_meta,
    write_help,
)

WIDTHS = (16, 6, 52, 8, 14)
SECTION, NO, LABEL, UNIT, VALUE = range(5)
HEADER_ROW = 4
MAX_COUNT = 10**7


def progress_file_name(reporter: str, round_: str) -> str:
    return PROGRESS_FILE.format(reporter=reporter, round=round_)


def progress_subtitle(config: Config, form: ProgressForm, reporter: str) -> str:
    return f"{form.reporter_label}：{reporter}　　轮次：{config.shown_round}"


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
    last = len(PROGRESS_HEADERS) - 1
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.merge_range(0, 0, 0, last, form.title, st.title)
    ws.set_row(0, 30)
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
    ws.write_blank(3, NO, None, st.input_plain)
    ws.write_string(3, LABEL, f"{LABEL_PHONE}：", st.label)
    ws.merge_range(3, UNIT, 3, VALUE, None, st.input_plain)
    ws.write_row(HEADER_ROW, 0, PROGRESS_HEADERS, st.header)
    ws.set_row(HEADER_ROW, 22)

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
                ws.set_row(row, height_for(lines_needed(cell.label, WIDTHS[LABEL])))
                row += 1
            merge_column(ws, field_first, row - 1, NO, field.no, st.text_center)
        merge_column(ws, section_first, row - 1, SECTION, section.title, st.text_center)

    row += 1
    for note in ("注：", *form.notes):
        ws.merge_range(row, 0, row, last, note, st.note)
        ws.set_row(row, height_for(lines_needed(note, sum(WIDTHS))))
        row += 1

    ws.freeze_panes(HEADER_ROW + 1, 0)
    print_setup(ws, landscape=False, repeat_rows=(HEADER_ROW, HEADER_ROW), title=f"{form.title} {reporter}")
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
        f"1. 填写自专项行动开展以来的累计数，{config.period}报送一次；本{span}数不应小于上{span}数。",
        "2. 数量填整数；金额（万元）可带小数；“是否”项从下拉列表选择。没有发生的填 0，不要留空。",
        "3. “已完成整改”不超过对应的“发现”数，“其中”不超过总数。",
        "4. 只填写浅黄色单元格，不要增删行列；表内隐藏的识别信息请勿改动。",
        *form.notes,
    ]
