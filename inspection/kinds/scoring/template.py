"""The blank scoring sheet (打分表) for one unit, as its group inspects it."""

from copy import copy
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from inspection.spec.config import Config, Visit
from inspection.constants import (
    COL_DEDUCTION, COL_POINTS, COL_REASON, COL_SCORE, COL_STATUS, REVIEW, SCORING_FILE, SCORING_FILE_UNGROUPED,
    SELF_REVIEW, SELF_SCORING_FILE, SHEET_HELP, TOTAL_LABEL, ScoringRole,
)
from inspection.spec.rubric import Item, Part, Rubric, Section
from inspection.kinds.dispatch.template import group_people, group_title
from inspection.paper.common import (
    SUBTITLE_SIZE, TITLE_SIZE, AutoHeightSheet, Styles, atomic_workbook, merge_column, chinese_number, height_for,
    lines_needed, print_setup, protect, format_points, text_height, write_help, write_meta,
)
from inspection.paper.page import DEFAULT_ROW_PT, LANDSCAPE, fit_rows, page_breaks

# Column order is part of the contract: the three level columns, then these five.
COLUMNS = ("section", "item", "criterion", COL_POINTS, COL_STATUS, COL_DEDUCTION, COL_REASON, COL_SCORE)
WIDTHS = (9, 40, 36, 4.5, 15, 5, 20, 5)  # A4 landscape at 100 %
SEC, ITEM, CRIT, POINTS, STATUS, DEDUCT, REASON, SCORE = range(8)
HEADER_ROW = 3
FIRST_BODY_ROW = HEADER_ROW + 1
MAX_SUM_ARGS = 200  # Excel allows 255 arguments; nest SUMs beyond that
PAGE = LANDSCAPE
# Room for handwriting on the printed form: lines of 扣分原因 a criterion gets at least, lines of
# 完成情况 an item gets at least.
REASON_LINES = 2
STATUS_LINES = 3


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
        ws = wb.add_worksheet(role.sheet, worksheet_class=AutoHeightSheet)
        _write_scoring_sheet(ws, st, config, rubric, visit, role)
        _write_help(wb.add_worksheet(SHEET_HELP), st, config, rubric, visit, role)
        write_meta(wb, config, kind=role.kind, form=role.kind, reporter=visit.unit, county=visit.unit,
                   group=number, rubric_id=rubric.id, rubric_version=rubric.version,
                   identity=(number, rubric.id, rubric.version))
        ws.activate()
    return path


def _write_scoring_sheet(ws, st: Styles, config: Config, rubric: Rubric, visit: Visit,
                         role: ScoringRole = REVIEW) -> None:
    """The form, one row per criterion. Every row is as tall as its texts need (the criterion's, the
    item's and the section's, which are merged over several rows), with room left for handwriting;
    page breaks fall between items, never inside one.

    A criterion row keeps Excel's automatic height, so a 扣分原因 typed longer than the row makes it
    taller, in Excel and WPS alike. Excel sizes such a row by its unmerged cells only: the criterion's
    text is followed by as many empty lines as the row was given for the merged cells beside it, so
    that typing into a row never makes it shorter than the item's text (readers ignore whitespace)."""
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    last_col = len(COLUMNS) - 1
    heights: dict[int, float] = {}

    ws.merge_range(0, 0, 0, last_col, rubric.title, st.title)
    heights[0] = max(30, text_height(rubric.title, sum(WIDTHS), TITLE_SIZE))
    ws.merge_range(1, 0, 1, last_col, subtitle(config, rubric, visit, role), st.subtitle)
    heights[1] = max(22, text_height(subtitle(config, rubric, visit, role), sum(WIDTHS), SUBTITLE_SIZE))
    _write_info_row(ws, st, config, role)
    heights[2] = 24

    headers = [rubric.labels["section"], rubric.labels["item"], rubric.labels["criterion"],
               *COLUMNS[POINTS:]]
    ws.write_row(HEADER_ROW, 0, headers, st.header)
    heights[HEADER_ROW] = max(text_height(h, w) for h, w in zip(headers, WIDTHS))

    lines: dict[int, int] = {}  # criterion row → lines it is given
    texts: dict[int, tuple[str, int]] = {}  # criterion row → its text and the lines the text takes
    score_cells: list[str] = []
    sections: list[tuple[int, int, str]] = []  # first and last row of each section, and its text
    row = FIRST_BODY_ROW
    last_body = FIRST_BODY_ROW + sum(1 for _ in rubric.parts) + len(rubric.criteria) - 1
    filled = (f"${xl_col_to_name(STATUS)}${FIRST_BODY_ROW + 1}:"
              f"${xl_col_to_name(REASON)}${last_body + 1}")  # what an inspector fills in
    for part in rubric.parts:
        heading = part_heading(part)
        ws.merge_range(row, 0, row, last_col, heading, st.part)
        heights[row] = text_height(heading, sum(WIDTHS))
        row += 1
        for section in part.sections:
            section_first = row
            for item in section.items:
                first, last = row, row + len(item.criteria) - 1
                for criterion in item.criteria:
                    text = f"{criterion.display_label}{criterion.text}"
                    texts[row] = (text, lines_needed(text, WIDTHS[CRIT]))
                    lines[row] = max(texts[row][1], REASON_LINES)
                    ws.write_blank(row, DEDUCT, None, st.input_number)
                    ws.write_blank(row, REASON, None, st.input_top)
                    _deduction_validation(ws, row, item)
                    row += 1
                _grow(lines, first, last, max(lines_needed(item_text(item), WIDTHS[ITEM]), STATUS_LINES))
                merge_column(ws, first, last, ITEM, item_text(item), st.text_top)
                merge_column(ws, first, last, POINTS, float(item.points), st.points)
                merge_column(ws, first, last, STATUS, None, st.input_top)
                deductions = (f"{xl_rowcol_to_cell(first, DEDUCT)}:{xl_rowcol_to_cell(last, DEDUCT)}")
                formula = (f'=IF(COUNTA({filled})=0,"",'
                           f"MAX(0,{xl_rowcol_to_cell(first, POINTS)}-SUM({deductions})))")
                merge_column(ws, first, last, SCORE, None, st.score)
                ws.write_formula(first, SCORE, formula, st.score, "")
                score_cells.append(xl_rowcol_to_cell(first, SCORE))
            text = section_text(section)
            sections.append((section_first, row - 1, text))
            _grow(lines, section_first, row - 1, lines_needed(text, WIDTHS[SEC]))

    for r, (text, used) in texts.items():
        # The text, then empty lines down to the row's height (see the docstring).
        ws.write_string(r, CRIT, text + "\n" * (lines[r] - used), st.text_top)
        heights[r] = height_for(lines[r])
    ws.auto_height_rows.update(texts)

    total_row = row
    ws.merge_range(total_row, 0, total_row, SCORE - 1, TOTAL_LABEL, st.total_label)
    ws.write_formula(total_row, SCORE, f'=IF(COUNTA({filled})=0,"",{_sum_formula(score_cells)[1:]})',
                     st.score, "")
    heights[total_row] = 24
    for r, h in heights.items():
        ws.set_row(r, h)

    ws.freeze_panes(FIRST_BODY_ROW, 0)
    scale = PAGE.scale(WIDTHS)
    breaks = paginate([heights.get(r, DEFAULT_ROW_PT) for r in range(total_row + 1)], body_rows(rubric))
    for first, last, text, part in _section_parts(sections, breaks):
        merge_column(ws, first, last, SEC, text if part == 0 else None, st.text_top)
    print_setup(ws, PAGE, repeat_rows=(HEADER_ROW, HEADER_ROW), scale=scale, breaks=breaks,
                title=f"{rubric.title} {subtitle(config, rubric, visit, role)}")
    ws.print_area(0, 0, total_row, last_col)
    protect(ws)


@dataclass(frozen=True)
class BodyRows:
    """The rows of the form's body, from the rubric alone (0-based)."""

    headings: frozenset[int]  # a part's heading, just above its first item
    items: tuple[tuple[int, int], ...]  # each item's first and last row
    sections: tuple[tuple[int, int, str], ...]  # each section's first and last row, and its text
    total: int  # 总得分


def body_rows(rubric: Rubric) -> BodyRows:
    headings, items, sections = set(), [], []
    row = FIRST_BODY_ROW
    for part in rubric.parts:
        headings.add(row)
        row += 1
        for section in part.sections:
            first = row
            for item in section.items:
                items.append((row, row + len(item.criteria) - 1))
                row += len(item.criteria)
            sections.append((first, row - 1, section_text(section)))
    return BodyRows(frozenset(headings), tuple(items), tuple(sections), row)


def paginate(heights: list[float], rows: BodyRows) -> list[int]:
    """Page breaks for rows of these heights: between items, a part's heading with the item under
    it, 总得分 with the last item, and a section's first items together until its 考评项目 text has
    room (a break within a section leaves the text on the page before it)."""
    blocks = [[first - (first - 1 in rows.headings), last] for first, last in rows.items]
    for first, last, text in rows.sections:
        n = next(k for k, b in enumerate(blocks) if b[0] <= first <= b[1])
        need = text_height(text, WIDTHS[SEC])
        while sum(heights[r] for r in range(first, blocks[n][1] + 1)) < need and blocks[n][1] < last:
            joined = blocks.pop(n + 1)
            blocks[n][1] = joined[1]
    blocks[-1][1] = rows.total  # 总得分 is not a page of its own
    scale = PAGE.scale(WIDTHS)
    return page_breaks(heights, blocks, room=PAGE.room(scale), repeat=heights[HEADER_ROW],
                       start=sum(heights[:FIRST_BODY_ROW]))


def _section_parts(sections, breaks):
    """Each section's rows page by page, (first, last, text, part number): its 考评项目 is merged over
    them part by part, its text at the top of the first part and an empty cell on the next page (as
    in the annex), never a text cut at the page's edge."""
    for first, last, text in sections:
        starts = [first, *(b for b in breaks if first < b <= last)]
        for n, (a, b) in enumerate(zip(starts, [*starts[1:], last + 1])):
            yield a, b - 1, text, n


def _section_of(rows: BodyRows, row: int) -> int:
    return next(first for first, last, _ in rows.sections if first <= row <= last)


def fit_filled(ws, rubric: Rubric) -> None:
    """A filled 打分表 (an openpyxl sheet laid out by this module) made ready to print: rows as tall
    as what was typed in them, page breaks again between items, and each section's 考评项目 merged
    page by page again. What Excel does for the rows, and what a person does in its page break
    preview; for filled copies that Excel never opens (the demo's)."""
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    fit_rows(ws)
    rows = body_rows(rubric)
    heights = [ws.row_dimensions[r + 1].height or DEFAULT_ROW_PT for r in range(rows.total + 1)]
    breaks = paginate(heights, rows)
    for merged in list(ws.merged_cells.ranges):
        if merged.min_col == merged.max_col == SEC + 1 and merged.min_row > FIRST_BODY_ROW:
            ws.unmerge_cells(merged.coord)
    for first, last, _, part in _section_parts(rows.sections, breaks):
        if part:  # a new part's top cell was inside the old merge: it takes the section cell's look
            ws.cell(first + 1, SEC + 1)._style = copy(ws.cell(_section_of(rows, first) + 1, SEC + 1)._style)
        if last > first:
            ws.merge_cells(start_row=first + 1, start_column=SEC + 1, end_row=last + 1, end_column=SEC + 1)
    ws.row_breaks = RowBreak()
    for row in breaks:
        ws.row_breaks.append(Break(id=row))


def _grow(lines: dict[int, int], first: int, last: int, need: int) -> None:
    """Give rows first..last (a merged range) `need` lines in all, adding to the shortest rows."""
    rows = list(range(first, last + 1))
    while sum(lines[r] for r in rows) < need:
        lines[min(rows, key=lambda r: lines[r])] += 1


def _write_info_row(ws, st: Styles, config: Config, role: ScoringRole) -> None:
    """Row 3: 检查日期 and 检查人员 (自评日期, 自评人员), each label in one cell with its fill-in cell just right of it
    (found by the label when read back): the date under 评分标准, the names over the last three columns."""
    ws.write_string(2, ITEM, f"{role.date_label}：", st.label)
    ws.write_blank(2, CRIT, None, st.input_date)
    ws.data_validation(2, CRIT, 2, CRIT, {
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
    ws.write_string(2, STATUS, f"{role.people_label}：", st.label)
    ws.merge_range(2, DEDUCT, 2, SCORE, None, st.input_plain)


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



def _sum_formula(cells: list[str]) -> str:
    """SUM over explicit cells, never over a range crossing merged cells."""
    chunks = [",".join(cells[i:i + MAX_SUM_ARGS]) for i in range(0, len(cells), MAX_SUM_ARGS)]
    if len(chunks) == 1:
        return f"=SUM({chunks[0]})"
    return "=SUM(" + ",".join(f"SUM({c})" for c in chunks) + ")"


def _write_help(ws, st: Styles, config: Config, rubric: Rubric, visit: Visit, role: ScoringRole) -> None:
    write_help(ws, st, help_lines(config, rubric, visit, role))


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
        f"8. “{COL_SCORE}”和“{TOTAL_LABEL}”由公式自动计算，请勿改写：填了任何一格扣分、扣分原因或完成情况后，"
        "各项得分和总得分就都显示出来；空白表格打印出来这两栏是空的，现场手写时按扣分计算填写。",
        f"9. 请填写表头的“{role.date_label}”和“{role.people_label}”。",
        f"10. “{COL_REASON}”写得长时，该行会自动加高；“{COL_STATUS}”写不下时，可拖动行号下边线把行拉高。"
        "打印时每页都有表头，同一项考评细则不会分在两页。",
        "11. 填好后直接保存（Excel 或 WPS 均可，建议保存为 .xlsx），文件名可以改，表内隐藏的识别信息请勿改动。",
    ]
