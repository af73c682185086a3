"""`process.py setup`: the campaign as a workbook a clerk fills in Excel (检查活动设置.xlsx).

Written from the current configuration, so the default campaign is its worked example. Fill-in cells
are pale yellow as in the templates; dates, 是/否 and the units of a group have validation and
dropdowns; 考评细则 is the rubric as the annex's table, the way a paste from Word lands.
"""

from datetime import date
from pathlib import Path

from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.spec.home import settings_path
from inspection.spec.rubric import Rubric
from inspection.setup.sheets import (
    BASICS, DEPARTMENTS_HEADER, GROUPS_HEADER, NO, PERIODS, SECTORS_HEADER, SHEET_BASICS, SHEET_DEPARTMENTS,
    SHEET_GROUPS, SHEET_HELP, SHEET_PARSED, SHEET_RUBRIC, SHEET_SECTORS, SHEET_UNITS, UNITS_HEADER, YES,
)
from inspection.setup.rubric_table import rubric_rows, rubric_spans
from inspection.paper.common import (
    LAST_DAY, Styles, atomic_workbook, format_points, height_for, lines_needed, list_rule, print_setup, write_help,
)
from inspection.paper.page import DEFAULT_ROW_PT, LANDSCAPE, PORTRAIT, grow_to_fit, page_breaks

# Blank fill-in rows prepared under each list, for units, groups, departments added later; more can be
# typed below them. Not hundreds: formatted rows are printed, and 200 made 17 blank pages.
ROWS_FREE = 20
VALIDATED_ROWS = 1000  # the dropdowns and checks reach this far, formatted or not
# Column widths, each sheet within an A4 page's width at 100 % (landscape: 143 units; portrait: 98).
SHEET_WIDTHS = {SHEET_BASICS: (22, 46, 70), SHEET_GROUPS: (5, 12, 12, 22, 22, 22, 12, 30),
                SHEET_RUBRIC: (24, 48, 60, 6), SHEET_PARSED: (10, 62, 8, 40)}
NAMES_WIDTHS = (6, 30)  # 被检查单位, 部门, 行业领域


def write_setup(campaign: Campaign, path: Path) -> Path:
    config, rubric = campaign.config, campaign.rubric
    with atomic_workbook(path) as wb:
        st = Styles(wb)
        _basics(wb.add_worksheet(SHEET_BASICS), st, config, rubric, path.parent)
        _names(wb.add_worksheet(SHEET_UNITS), st, UNITS_HEADER, config.units)
        _groups(wb.add_worksheet(SHEET_GROUPS), st, config)
        _names(wb.add_worksheet(SHEET_DEPARTMENTS), st, DEPARTMENTS_HEADER, config.departments)
        _names(wb.add_worksheet(SHEET_SECTORS), st, SECTORS_HEADER, config.sectors)
        _rubric(wb.add_worksheet(SHEET_RUBRIC), st, rubric, title=f"{config.campaign} {SHEET_RUBRIC}")
        write_parsed(wb.add_worksheet(SHEET_PARSED), st, rubric, [])
        for ws in wb.worksheets():  # printed to check with a colleague: the header on each page
            if ws.name == SHEET_RUBRIC:
                continue  # its page breaks are its own
            widths = SHEET_WIDTHS.get(ws.name, NAMES_WIDTHS)
            page = LANDSCAPE if sum(widths) > 90 else PORTRAIT
            print_setup(ws, page, repeat_rows=(0, 0), scale=page.scale(widths), title=f"{config.campaign} {ws.name}")
        write_help(wb.add_worksheet(SHEET_HELP), st, help_lines())
        wb.worksheets()[0].activate()
    return path


def _value(table: str, key: str, config: Config, rubric: Rubric, folder: Path):
    if table == "rubric":
        return getattr(rubric, key, "") or ""
    if table == "units":
        return config.unit_label
    if table == "forms":
        if key in ("dispatch", "followup", "self_assessment"):
            return YES if getattr(config, f"uses_{key}") else NO
        form = config.progress_unit_form if key == "progress_unit" else config.progress_department_form
        return settings_path(form, folder) if form else ""
    value = {"name": config.campaign, "round": config.shown_round}.get(key)
    return value if value is not None else getattr(config, key)


def _basics(ws, st: Styles, config: Config, rubric: Rubric, folder: Path) -> None:
    for col, width in enumerate(SHEET_WIDTHS[SHEET_BASICS]):
        ws.set_column(col, col, width)
    ws.write_row(0, 0, ["项目", "内容", "说明"], st.header)
    for row, basic in enumerate(BASICS, start=1):
        ws.write_string(row, 0, basic.label, st.text)
        value = _value(basic.table, basic.key, config, rubric, folder)
        if basic.kind == "date":
            ws.write_datetime(row, 1, value, st.input_date)
            ws.data_validation(row, 1, row, 1, {"validate": "date", "criteria": "between",
                                                "minimum": date(2000, 1, 1), "maximum": LAST_DAY,
                                                "error_type": "warning", "error_message": "请填写日期，如 2023/8/7"})
        elif basic.kind == "number":
            ws.write_number(row, 1, float(value), st.input_number)
        else:
            ws.write_string(row, 1, str(value), st.input)
        if basic.kind == "yesno":
            list_rule(ws, row, row, 1, (YES, NO), basic.label)
        elif basic.key == "period":
            list_rule(ws, row, row, 1, PERIODS, basic.label)
        ws.write_string(row, 2, basic.note, st.note)
        _fit_row(ws, row, [basic.label, str(value), basic.note], SHEET_WIDTHS[SHEET_BASICS])
    ws.freeze_panes(1, 0)


def _fit_row(ws, row: int, texts, widths) -> None:
    """The row as tall as its longest text wrapped in its column (one line keeps Excel's height)."""
    lines = max(lines_needed(text, width) for text, width in zip(texts, widths))
    if lines > 1:
        ws.set_row(row, height_for(lines))


def _names(ws, st: Styles, header: tuple[str, str], names) -> None:
    for col, w in enumerate(NAMES_WIDTHS):
        ws.set_column(col, col, w)
    ws.write_row(0, 0, header, st.header)
    for n in range(len(names) + ROWS_FREE):
        ws.write_number(n + 1, 0, n + 1, st.text_center)
        if n < len(names):
            ws.write_string(n + 1, 1, names[n], st.input)
            _fit_row(ws, n + 1, ["", names[n]], NAMES_WIDTHS)
        else:
            ws.write_blank(n + 1, 1, None, st.input)
    ws.freeze_panes(1, 0)


def _groups(ws, st: Styles, config: Config) -> None:
    for col, width in enumerate(SHEET_WIDTHS[SHEET_GROUPS]):
        ws.set_column(col, col, width)
    ws.write_row(0, 0, GROUPS_HEADER, st.header)
    row = 1
    for group in config.groups:
        for n, unit in enumerate(group.units):
            first = n == 0  # the group's own facts once, on its first unit's row
            values = (group.number, group.name, unit, *(getattr(group, k) if first else "" for k in
                                                         ("leader", "deputy", "liaison", "phone")),
                      "、".join(group.members) if first else "")
            for col, value in enumerate(values):
                if col == 0:
                    ws.write_number(row, col, value, st.input_center)
                else:
                    ws.write_string(row, col, value, st.input)
            _fit_row(ws, row, [str(v) for v in values], SHEET_WIDTHS[SHEET_GROUPS])
            row += 1
    for blank in range(row, row + ROWS_FREE):
        for col in range(len(GROUPS_HEADER)):
            ws.write_blank(blank, col, None, st.input)
    last = VALIDATED_ROWS
    ws.data_validation(1, 0, last, 0, {"validate": "integer", "criteria": "between", "minimum": 1,
                                       "maximum": 9999, "error_message": "组号是 1 到 9999 的整数"})
    ws.data_validation(1, 2, last, 2, {"validate": "list", "source": f"='{SHEET_UNITS}'!$B$2:$B$1000",
                                       "error_type": "warning",
                                       "error_message": f"应是“{SHEET_UNITS}”工作表里的单位"})
    ws.freeze_panes(1, 0)


def _rubric(ws, st: Styles, rubric: Rubric, *, title: str) -> None:
    """The rubric as the annex's table, merged as a paste from Word lands, rows tall enough to read,
    printed with no 考评项目 split across pages."""
    rows = rubric_rows(rubric)
    widths = SHEET_WIDTHS[SHEET_RUBRIC]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_row(0, 0, rows[0], st.header)
    spans = rubric_spans(rubric)
    merged = {(r, c) for r1, c1, r2, c2 in spans for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    heights = {r: height_for(max([lines_needed(v, widths[c]) for c, v in enumerate(row)
                                  if isinstance(v, str) and v and (r, c) not in merged] or [1]))
               for r, row in enumerate(rows[1:], start=1)}
    for r1, c1, r2, c2 in spans:
        value = rows[r1][c1]
        fmt = st.input_number if not isinstance(value, str) else st.input
        ws.merge_range(r1, c1, r2, c2, float(value) if not isinstance(value, str) else value, fmt)
        if isinstance(value, str):
            grow_to_fit(heights, r1, r2, height_for(lines_needed(value, sum(widths[c1:c2 + 1]))))
    for r, row in enumerate(rows[1:], start=1):
        for c, value in enumerate(row):
            if (r, c) in merged:
                continue
            if value == "" or value is None:
                ws.write_blank(r, c, None, st.input)
            elif isinstance(value, str):
                ws.write_string(r, c, value, st.input)
            else:
                ws.write_number(r, c, float(value), st.input_number)
    for r, height in heights.items():
        ws.set_row(r, height)
    ws.freeze_panes(1, 0)
    # Breaks for the example as written; rows deleted to paste the annex take their breaks with them.
    # No print area: the pasted table may be longer.
    last, scale = len(rows) - 1, LANDSCAPE.scale(widths)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(last + 1)]
    breaks = page_breaks(sizes, _kept_together(spans, heights, last, LANDSCAPE.room(scale)),
                         room=LANDSCAPE.room(scale), repeat=DEFAULT_ROW_PT)
    print_setup(ws, LANDSCAPE, repeat_rows=(0, 0), scale=scale, breaks=breaks, title=title)


def _kept_together(spans, heights: dict[int, float], last: int, room: float) -> list[tuple[int, int]]:
    """The rows each printed page keeps whole: a 考评项目 with its 考评细则, or, for one taller than a
    page, each 考评细则 with its 评分标准; a part's heading (a row merged across) with what follows."""
    sections = {r1: r2 for r1, c1, r2, c2 in spans if c1 == c2 == 0}
    items = {r1: r2 for r1, c1, r2, c2 in spans if c1 == c2 == 1}
    headings = {r1 for r1, c1, r2, c2 in spans if r1 == r2 and c1 == 0 and c2 > 1}
    blocks, r = [(0, 0)], 1
    while r <= last:
        end = sections.get(r)
        if end is None or sum(heights[x] for x in range(r, end + 1)) > room:
            end = items.get(r, r)
        if blocks[-1][0] in headings and blocks[-1][0] == blocks[-1][1]:
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((r, end))
        r = end + 1
    return blocks


def write_parsed(ws, st: Styles, rubric: Rubric | None, problems) -> None:
    """解析结果: the rubric as the tool understood it, a row per level with points and each
    criterion's rule; then the problems found, by cell."""
    widths = SHEET_WIDTHS[SHEET_PARSED]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_row(0, 0, ["层级", "内容", "分值", "扣分规则（从条文读出）"], st.header)
    row = 1
    for problem in problems:
        ws.write_string(row, 0, problem.level, st.error if problem.level == "错误" else st.warning)
        ws.write_string(row, 1, f"{problem.cell}：{problem.message}", st.text)
        _fit_row(ws, row, ["", f"{problem.cell}：{problem.message}"], widths)
        row += 1
    if rubric is None:
        return
    if problems:
        row += 1
    for part in rubric.parts:
        ws.write_row(row, 0, ["部分", f"{part.label}{part.title}"], st.part)
        _points(ws, row, part.points, st)
        row += 1
        for section in part.sections:
            ws.write_row(row, 0, [rubric.labels["section"], f"{section.label}{section.title}"], st.text)
            _fit_row(ws, row, ["", f"{section.label}{section.title}"], widths)
            _points(ws, row, section.points, st)
            row += 1
            for item in section.items:
                ws.write_row(row, 0, [rubric.labels["item"], f"{item.label}{item.text}"], st.text)
                _fit_row(ws, row, ["", f"{item.label}{item.text}"], widths)
                _points(ws, row, item.points, st)
                row += 1
                for criterion in item.criteria:
                    text = f"{criterion.display_label}{criterion.text}"
                    ws.write_row(row, 0, [rubric.labels["criterion"], text], st.text)
                    ws.write_string(row, 3, rule_text(criterion), st.text)
                    _fit_row(ws, row, ["", text, "", rule_text(criterion)], widths)
                    row += 1
    ws.write_row(row, 0, ["总分", f"{rubric.name}：{len(rubric.criteria)} 条评分标准"], st.total_label)
    _points(ws, row, rubric.total, st)


def _points(ws, row: int, points, st: Styles) -> None:
    if points is not None:
        ws.write_string(row, 2, format_points(points), st.points)


def rule_text(criterion) -> str:
    """"扣 2 分", "每家扣 1 分；扣 1 分", and "不涉及的不扣分" where it says so."""
    rules = [f"每{d.per}扣 {format_points(d.amount)} 分" if d.per else f"扣 {format_points(d.amount)} 分"
             for d in criterion.deductions]
    if criterion.not_applicable:
        rules.append("不涉及的不扣分")
    return "；".join(rules)


def help_lines() -> list[str]:
    return [
        "检查活动设置 填表说明",
        "",
        "1. 这个表格和 config.toml 是同一件事的两种写法：改好后运行 python process.py templates --config 检查活动设置.xlsx "
        "生成模板；也可以 python process.py setup --from-workbook 检查活动设置.xlsx 写出 config.toml 和考评细则文件。",
        "2. 只改浅黄色单元格。“基本信息”逐项填写，“说明”列写了每一项怎么填；日期按日期格式填。",
        "3. “被检查单位”按通报里的顺序一行一个；“检查组”一行一个被检查单位：组号、组名、它检查的单位，"
        "组长、副组长、联络员、联系电话、成员（用顿号隔开）只在该组第一行写。不分组的考评，检查组留空。",
        "4. “部门”“行业领域”一行一个；不用部门调度表、不用交办清单时可以留空。",
        "5. “考评细则”：先选中样例的各行整行删除，再从通知附件（Word）里选中整张打分表复制，粘贴到 A1 起（表头一行：考评项目、考评细则、评分标准、分值，"
        "多出的“完成情况”“得分”等列不影响）。合并单元格、每行重复、下面留空表示“同上”都可以。",
        "6. 考评细则会按编号识别：一、二……为部分，（一）（二）……为考评项目，1. 2. ……为考评细则，(1) (2) ……为评分标准；"
        "分值取“分值”列或文字中的“（3分）”，扣分从条文中的“扣2分”“每发现1家扣1分”“不涉及的不扣分”读出。",
        "7. 读出的结果写在“解析结果”工作表，请核对分值之和与每条的扣分规则；有问题时运行命令会逐条列出工作表和单元格。",
    ]
