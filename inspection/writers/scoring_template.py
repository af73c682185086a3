"""The blank scoring sheet (打分表) for one unit, as its group inspects it."""

from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from inspection.config import Config, Visit
from inspection.constants import (
    COL_DEDUCTION, COL_POINTS, COL_REASON, COL_SCORE, COL_STATUS, REVIEW, SCORING_FILE, SCORING_FILE_UNGROUPED,
    SELF_REVIEW, SELF_SCORING_FILE, SHEET_HELP, TOTAL_LABEL, ScoringRole,
)
from inspection.rubric import Item, Part, Rubric, Section
from inspection.writers.dispatch_template import group_people, group_title
from inspection.writers.common import (
    Styles, atomic_workbook, merge_column, chinese_number, height_for, lines_needed, print_setup, protect,
    format_points, write_help, write_meta,
)

# Column order is part of the contract: the three level columns, then these five.
COLUMNS = ("section", "item", "criterion", COL_POINTS, COL_STATUS, COL_DEDUCTION, COL_REASON, COL_SCORE)
WIDTHS = (14, 34, 42, 6, 22, 7, 26, 7)
SEC, ITEM, CRIT, POINTS, STATUS, DEDUCT, REASON, SCORE = range(8)
HEADER_ROW = 3
FIRST_BODY_ROW = HEADER_ROW + 1
MAX_SUM_ARGS = 200  # Excel allows 255 arguments; nest SUMs beyond that


@dataclass(frozen=True)
class ScoringLayout:
    """Where things landed, for tests and for the reader's sanity checks."""

    criterion_rows: dict[str, int]  # criterion id → 0-based row
    item_rows: dict[str, tuple[int, int]]  # item id → first and last 0-based row
    total_row: int


def scoring_file_name(visit: Visit, role: ScoringRole = REVIEW) -> str:
    if role is SELF_REVIEW:
        return SELF_SCORING_FILE.format(unit=visit.unit)
    if visit.group is None:
        return SCORING_FILE_UNGROUPED.format(unit=visit.unit)
    return SCORING_FILE.format(group=visit.group.number, unit=visit.unit)


def subtitle(config: Config, rubric: Rubric, visit: Visit, role: ScoringRole = REVIEW) -> str:
    """The line under the title: the rubric's own (with {group_no}, {group_noun}, {unit}) or
    "（第一专项行动组检查淮滨县）"; without a group, "（县区：淮滨县）"; a 自评表 "（淮滨县自评）"."""
    if role is SELF_REVIEW:
        return f"（{visit.unit}自评）"
    if visit.group is None:
        text = rubric.subtitle if rubric.subtitle and "{group_no}" not in rubric.subtitle else "（{unit_label}：{unit}）"
    else:
        text = rubric.subtitle or "（第{group_no}{group_noun}检查{unit}）"
    return text.format(group_no=chinese_number(visit.group.number) if visit.group else "",
                       group_noun=config.group_noun, unit=visit.unit, unit_label=config.unit_label)


def part_heading(part: Part) -> str:
    heading = f"{part.label}{part.title}"
    if part.points is not None:
        heading += f"（{format_points(part.points)}分）"
    if part.note:
        heading += f"　{part.note}"
    return heading


def section_text(section: Section) -> str:
    return f"{section.label}{section.title}（{format_points(section.points)}分）"


def item_text(item: Item) -> str:
    return f"{item.label}{item.text}"


def write_scoring_template(config: Config, rubric: Rubric, visit: Visit, folder: Path,
                           role: ScoringRole = REVIEW) -> Path:
    """The group's 打分表 for one unit, or (role SELF_REVIEW) the unit's own 自评表."""
    path = folder / scoring_file_name(visit, role)
    number = str(visit.group.number) if visit.group and role is REVIEW else ""
    with atomic_workbook(path) as wb:
        st = Styles(wb)
        ws = wb.add_worksheet(role.sheet)
        _write_scoring_sheet(ws, st, config, rubric, visit, role)
        _write_help(wb.add_worksheet(SHEET_HELP), st, config, rubric, visit, role)
        write_meta(wb, config, kind=role.kind, form=role.kind, reporter=visit.unit, county=visit.unit,
                   group=number, rubric_id=rubric.id, rubric_version=rubric.version,
                   identity=(number, rubric.id, rubric.version))
        ws.activate()
    return path


def _write_scoring_sheet(ws, st: Styles, config: Config, rubric: Rubric, visit: Visit,
                         role: ScoringRole = REVIEW) -> ScoringLayout:
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    last_col = len(COLUMNS) - 1

    ws.merge_range(0, 0, 0, last_col, rubric.title, st.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last_col, subtitle(config, rubric, visit, role), st.subtitle)
    ws.set_row(1, 22)
    _write_info_row(ws, st, config, role)

    headers = [rubric.labels["section"], rubric.labels["item"], rubric.labels["criterion"],
               *COLUMNS[POINTS:]]
    ws.write_row(HEADER_ROW, 0, headers, st.header)
    ws.set_row(HEADER_ROW, 22)

    heights: dict[int, float] = {}
    criterion_rows: dict[str, int] = {}
    item_rows: dict[str, tuple[int, int]] = {}
    score_cells: list[str] = []
    row = FIRST_BODY_ROW
    for part in rubric.parts:
        heading = part_heading(part)
        ws.merge_range(row, 0, row, last_col, heading, st.part)
        heights[row] = height_for(lines_needed(heading, sum(WIDTHS)))
        row += 1
        for section in part.sections:
            section_first = row
            for item in section.items:
                first, last = row, row + len(item.criteria) - 1
                item_rows[item.id] = (first, last)
                for criterion in item.criteria:
                    criterion_rows[criterion.id] = row
                    text = f"{criterion.display_label}{criterion.text}"
                    ws.write_string(row, CRIT, text, st.text)
                    ws.write_blank(row, DEDUCT, None, st.input_number)
                    ws.write_blank(row, REASON, None, st.input)
                    _deduction_validation(ws, row, item)
                    heights[row] = height_for(max(lines_needed(text, WIDTHS[CRIT]), 2))
                    row += 1
                merge_column(ws, first, last, ITEM, item_text(item), st.text)
                merge_column(ws, first, last, POINTS, float(item.points), st.points)
                merge_column(ws, first, last, STATUS, None, st.input)
                deductions = (f"{xl_rowcol_to_cell(first, DEDUCT)}:{xl_rowcol_to_cell(last, DEDUCT)}")
                formula = f"=MAX(0,{xl_rowcol_to_cell(first, POINTS)}-SUM({deductions}))"
                merge_column(ws, first, last, SCORE, None, st.score)
                ws.write_formula(first, SCORE, formula, st.score, float(item.points))
                score_cells.append(xl_rowcol_to_cell(first, SCORE))
                _fit_merged(heights, first, last, lines_needed(item.text, WIDTHS[ITEM]) + 1)
            text = section_text(section)
            merge_column(ws, section_first, row - 1, SEC, text, st.text)
            _fit_merged(heights, section_first, row - 1, lines_needed(text, WIDTHS[SEC]))

    total_row = row
    ws.merge_range(total_row, 0, total_row, SCORE - 1, TOTAL_LABEL, st.total_label)
    ws.write_formula(total_row, SCORE, _sum_formula(score_cells), st.score, float(rubric.total))
    heights[total_row] = 24
    for r, h in heights.items():
        ws.set_row(r, h)

    ws.freeze_panes(FIRST_BODY_ROW, 0)
    print_setup(ws, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW),
                title=f"{rubric.title} {subtitle(config, rubric, visit, role)}")
    ws.print_area(0, 0, total_row, last_col)
    protect(ws)
    return ScoringLayout(criterion_rows, item_rows, total_row)


def _write_info_row(ws, st: Styles, config: Config, role: ScoringRole) -> None:
    """Row 3: 检查日期 and 检查人员 (自评日期, 自评人员), both fill-in cells, found by their labels when read back."""
    ws.write_string(2, SEC, f"{role.date_label}：", st.label)
    ws.write_blank(2, ITEM, None, st.input_date)
    ws.data_validation(2, ITEM, 2, ITEM, {
        "validate": "date",
        "criteria": "between",
        "minimum": config.inspection_start,
        "maximum": config.deadline,
        "error_type": "warning",
        "input_title": role.date_label,
        "input_message": f"填写{'现场检查日期' if role is REVIEW else role.date_label}，如 {config.inspection_start:%Y/%m/%d}",
        "error_title": "日期不在检查时间内",
        "error_message": (f"检查时间为 {config.inspection_start:%Y年%m月%d日} 至 "
                          f"{config.inspection_end:%Y年%m月%d日}，请核对。"),
    })
    ws.write_string(2, CRIT, f"{role.people_label}：", st.label)
    ws.merge_range(2, POINTS, 2, SCORE, None, st.input_plain)
    ws.set_row(2, 22)


def _deduction_validation(ws, row: int, item: Item) -> None:
    pts = format_points(item.points)
    ws.data_validation(row, DEDUCT, row, DEDUCT, {
        "validate": "decimal",
        "criteria": "between",
        "minimum": 0,
        "maximum": float(item.points),
        "input_title": COL_DEDUCTION,
        "input_message": f"按本条评分标准填写扣分（0 至 {pts} 分，可填 0.5 等小数）；不扣分留空。",
        "error_title": "扣分超出范围",
        "error_message": f"本项细则分值 {pts} 分，扣分应为 0 至 {pts} 之间的数字。",
    })



def _fit_merged(heights: dict[int, float], first: int, last: int, lines: int) -> None:
    """Grow the rows of a merged range so its text fits; Excel never autofits merged cells."""
    need = height_for(lines)
    have = sum(heights[r] for r in range(first, last + 1))
    if have < need:
        extra = (need - have) / (last - first + 1)
        for r in range(first, last + 1):
            heights[r] += extra


def _sum_formula(cells: list[str]) -> str:
    """SUM over explicit cells, never over a range crossing merged cells."""
    chunks = [",".join(cells[i:i + MAX_SUM_ARGS]) for i in range(0, len(cells), MAX_SUM_ARGS)]
    if len(chunks) == 1:
        return f"=SUM({chunks[0]})"
    return "=SUM(" + ",".join(f"SUM({c})" for c in chunks) + ")"


def _write_help(ws, st: Styles, config: Config, rubric: Rubric, visit: Visit, role: ScoringRole) -> None:
    write_help(ws, st, help_lines(config, rubric, visit, role), width=110)


def help_lines(config: Config, rubric: Rubric, visit: Visit, role: ScoringRole = REVIEW) -> list[str]:
    """The 填表说明 sheet, a line a row (the first is its title)."""
    if role is SELF_REVIEW:
        who = (f"1. 本表由{visit.unit}按考评细则自评填写（自评打分），{group_title(config, visit.group)}复核时对照；"
               f"自评得分不计入排名。请于 {config.deadline:%Y年%m月%d日} 前报送{config.receiver}。")
    else:
        who = (f"1. 本表由{group_title(config, visit.group)}填写，检查对象：{visit.unit}。"
               f"{group_people(visit.group) and group_people(visit.group) + '。'}"
               f"检查时间 {config.inspection_start:%Y年%m月%d日} 至 {config.inspection_end:%Y年%m月%d日}，"
               f"请于 {config.deadline:%Y年%m月%d日} 前报送。")
    return [
        f"{rubric.title} 填表说明",
        "",
        who,
        "2. 只填写浅黄色单元格。不要增删行列、不要修改条款文字和分值，也不要改动工作表名称。",
        f"3. “{COL_DEDUCTION}”：按“{rubric.labels['criterion']}”逐条填写扣分，可填小数（如 0.5）；"
        "不扣分的留空或填 0。每项细则扣完为止，得分不会低于 0。",
        "4. 按发现计扣的条款（如“每发现1家扣1分”），扣分应为单次扣分的整数倍。",
        f"5. “{COL_REASON}”：凡有扣分，必须写明具体原因（如“抽查××公司未建立重大事故隐患台账”），"
        "原因将原样写入通报。",
        f"6. “{COL_STATUS}”：逐项写明核实到的完成情况；有扣分的细则不要只填“已完成”。",
        "7. 标注“不涉及的不扣分”的条款，被检查单位不涉及的不扣分，请在完成情况中注明“不涉及”。",
        f"8. “{COL_SCORE}”和“{TOTAL_LABEL}”由公式自动计算，请勿改写。",
        f"9. 请填写表头的“{role.date_label}”和“{role.people_label}”。",
        "10. 填好后直接保存（Excel 或 WPS 均可，建议保存为 .xlsx），文件名可以改，表内隐藏的识别信息请勿改动。",
    ]
