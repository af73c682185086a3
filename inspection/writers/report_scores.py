"""得分明细 (unit × item, with section subtotals) and 共性问题 (the criteria most units lost points on)."""

from decimal import Decimal

from inspection.config import Config
from inspection.model import RANKED, RunResult
from inspection.rubric import Rubric
from inspection.writers.common import (
    Styles, clip, format_points, height_for, lines_needed, print_setup, write_note,
)

SHEET_SCORES = "得分明细"
SHEET_COMMON = "共性问题"
LOST_FILL = "#F8CBAD"  # an item that lost points
FIXED_COLS = 3  # 排名, unit, 总得分
ITEM_WIDTH = 7
COMMON_WIDTHS = (6, 9, 9, 50, 9, 30, 9)


def score_columns(rubric: Rubric) -> list[tuple[str, object]]:
    """The matrix's columns after the fixed ones: per section its 小计, then its items."""
    cols = []
    for section in rubric.sections:
        cols.append(("section", section))
        cols.extend(("item", item) for item in section.items)
    return cols


def write_scores(wb, st: Styles, result: RunResult, config: Config, rubric: Rubric) -> None:
    """Two header rows: sections merged over their columns, then 小计 and each item with its points."""
    ws = wb.add_worksheet(SHEET_SCORES)
    cols = score_columns(rubric)
    for col, label in enumerate(["排名", config.unit_label, "总得分"]):
        ws.merge_range(0, col, 1, col, label, st.header)
    col = FIXED_COLS
    title_lines = 1
    for section in rubric.sections:
        last = col + len(section.items)
        title = f"{section.label}{section.title}（{format_points(section.points)}分）"
        ws.merge_range(0, col, 0, last, title, st.header)
        title_lines = max(title_lines, lines_needed(title, ITEM_WIDTH * (len(section.items) + 1)))
        ws.write_string(1, col, "小计", st.header)
        for k, item in enumerate(section.items, start=1):
            ws.write_string(1, col + k, f"{item.label.rstrip('.、．')}（{format_points(item.points)}分）", st.header)
        col = last + 1
    ws.set_row(0, height_for(title_lines))
    ws.set_row(1, 30)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 8)
    ws.set_column(FIXED_COLS, FIXED_COLS + len(cols) - 1, ITEM_WIDTH)

    # Per column: the items it adds up (one for an item, all of them for a 小计) and its format.
    spec = [(tuple(i.id for i in part.items) if kind == "section" else (part.id,),
             st.score if kind == "section" else st.points) for kind, part in cols]
    write_number = ws.write_number  # 200,000 cells at 3,000 units
    row = 2
    for rank_row in result.ranking:
        ret = result.scoring.get(rank_row.unit) if rank_row.status == RANKED else None
        ws.write(row, 0, rank_row.rank if rank_row.rank is not None else "", st.points)
        ws.write_string(row, 1, rank_row.unit, st.text_center)
        if ret is None:
            ws.write_string(row, 2, rank_row.status, st.overdue)
            for k in range(len(cols)):
                ws.write_blank(row, FIXED_COLS + k, None, st.points)
        else:
            write_number(row, 2, float(ret.total), st.score)
            scores = ret.item_scores
            for col, (ids, fmt) in enumerate(spec, start=FIXED_COLS):
                value = scores[ids[0]] if len(ids) == 1 else sum((scores[i] for i in ids), Decimal(0))
                write_number(row, col, float(value), fmt)
        row += 1
    last_row = row - 1
    if last_row >= 2:
        lost = wb.add_format({"bg_color": LOST_FILL})
        for k, (kind, part) in enumerate(cols):
            ws.conditional_format(2, FIXED_COLS + k, last_row, FIXED_COLS + k, {
                "type": "cell", "criteria": "<", "value": float(part.points), "format": lost})
        ws.conditional_format(2, 2, last_row, 2, {"type": "3_color_scale"})
    ws.freeze_panes(2, FIXED_COLS)
    write_note(ws, st, last_row + 2, FIXED_COLS + 8, "注：底色标出失分的细则和考评项目；小计为该考评项目各细则得分之和。",
               6 + 12 + 8 + 9 * ITEM_WIDTH)
    print_setup(ws, landscape=True, repeat_rows=(0, 1), title=f"{config.campaign} 得分明细（{config.round}）",
                pages_wide=0)
    ws.repeat_columns(0, FIXED_COLS - 1)


def write_common(wb, st: Styles, result: RunResult, config: Config, rubric: Rubric) -> None:
    """The 存在的主要问题 table: criteria ordered by how many units lost points on them, then by points."""
    ws = wb.add_worksheet(SHEET_COMMON)
    headers = ["序号", rubric.labels.get("criterion", "评分标准"), rubric.labels.get("item", "考评细则"), "条款内容",
               f"扣分{config.unit_label}数", f"扣分{config.unit_label}", "扣分合计"]
    ws.write_row(0, 0, headers, st.header)
    for col, width in enumerate(COMMON_WIDTHS):
        ws.set_column(col, col, width)
    item_of = {c.id: rubric.item(c.item_id) for c in rubric.criteria}
    display = {c.id: c.display_label for c in rubric.criteria}
    for n, problem in enumerate(result.common_problems, start=1):
        ws.write_number(n, 0, n, st.points)
        ws.write_string(n, 1, display[problem.criterion_id], st.text_center)
        ws.write_string(n, 2, item_of[problem.criterion_id].label.rstrip(".、．"), st.text_center)
        ws.write_string(n, 3, clip(problem.text), st.text)
        ws.write_number(n, 4, len(problem.units), st.points)
        ws.write_string(n, 5, "、".join(problem.units), st.text)
        ws.write_number(n, 6, float(problem.points), st.points)
    if not result.common_problems:
        ws.write_string(1, 0, "没有扣分。", st.plain)
    ranked = sum(1 for r in result.ranking if r.status == RANKED)
    write_note(ws, st, len(result.common_problems) + 2, len(headers) - 1,
               f"注：按扣分{config.unit_label}数从多到少、再按扣分合计排列；参加排名的{config.unit_label}共 {ranked} 个。",
               sum(COMMON_WIDTHS))
    ws.autofilter(0, 0, max(len(result.common_problems), 1), len(headers) - 1)
    ws.freeze_panes(1, 0)
    print_setup(ws, landscape=True, repeat_rows=(0, 0), title=f"{config.campaign} 共性问题（{config.round}）")
