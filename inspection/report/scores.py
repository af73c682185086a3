"""得分明细 (each item's and section's score, a column per unit) and 共性问题 (the criteria most units lost points on)."""

from decimal import Decimal

from inspection.spec.config import Config
from inspection.model import RANKED, RunResult
from inspection.spec.rubric import Rubric
from inspection.paper.common import (
    TITLE_SIZE, Styles, clip, format_points, print_setup, text_height, write_note,
)
from inspection.paper.page import (
    DEFAULT_ROW_PT, LANDSCAPE, MIN_SCALE, PORTRAIT, Page, grow_to_fit, page_breaks, printed_pt,
)

SHEET_SCORES = "得分明细"
SHEET_COMMON = "共性问题"
LOST_FILL = "#F8CBAD"  # an item that lost points
# 得分明细: the rubric down the side, a column per unit (as ranked, then those not ranked).
LABEL_WIDTHS = (16, 5, 4.5)  # 考评项目, 考评细则, 分值
UNIT_WIDTH = 6
FIXED_COLS = len(LABEL_WIDTHS)
PORTRAIT_SCALE = MIN_SCALE + 2
HEADER_ROWS = (1, 3)  # units, 排名, 总得分: repeated on every page
FIRST_ROW = HEADER_ROWS[1] + 1
COMMON_WIDTHS = (5, 7.5, 7.5, 50, 9, 34, 7.5)  # A4 landscape at 100 %


def score_rows(rubric: Rubric) -> list[tuple[str, object]]:
    """The matrix's rows after the header: per section its 小计, then its items."""
    rows = []
    for section in rubric.sections:
        rows.append(("section", section))
        rows.extend(("item", item) for item in section.items)
    return rows


def units_per_page(page=LANDSCAPE) -> int:
    """How many unit columns fit on a page beside the label columns."""
    room = page.body_width * 0.99 - sum(printed_pt(w) for w in LABEL_WIDTHS)
    return max(1, int(room // printed_pt(UNIT_WIDTH)))


def score_page(units: int) -> tuple[Page, int, int]:
    """The page, the scale and the units a page shows: A4 portrait when every unit fits it at no less
    than PORTRAIT_SCALE (a sheet of ~70 rows then prints on two pages), else landscape at 100 %,
    as many units a page as fit."""
    scale = PORTRAIT.scale(LABEL_WIDTHS + (UNIT_WIDTH,) * units)
    if scale >= PORTRAIT_SCALE:
        return PORTRAIT, scale, units
    return LANDSCAPE, 100, units_per_page(LANDSCAPE)


def write_scores(wb, st: Styles, result: RunResult, config: Config, rubric: Rubric) -> None:
    """A title; the units across (ranked first, then the others), with their rank and total; then
    each section's 小计 and its items down the side, each with its points. Printed on A4 (see
    score_page): as many units as fit a page wide, the rubric's columns and the header rows on every
    page, a section never split across pages."""
    ws = wb.add_worksheet(SHEET_SCORES)
    units = [r for r in result.ranking if r.status == RANKED] + [r for r in result.ranking if r.status != RANKED]
    ranked = sum(1 for r in units if r.status == RANKED)
    last_col = FIXED_COLS + len(units) - 1
    for col, width in enumerate(LABEL_WIDTHS):
        ws.set_column(col, col, width)
    if units:
        ws.set_column(FIXED_COLS, last_col, UNIT_WIDTH)
    page, scale, per_page = score_page(len(units))
    page_width = sum(LABEL_WIDTHS) + UNIT_WIDTH * min(len(units), per_page)
    title_last = FIXED_COLS + min(len(units), per_page) - 1
    title = f"各{config.unit_label}得分明细（{config.shown_round}）"
    heights: dict[int, float] = {0: max(30, text_height(title, page_width, TITLE_SIZE))}
    if title_last > 0:
        ws.merge_range(0, 0, 0, title_last, title, st.title)
    else:
        ws.write_string(0, 0, title, st.title)

    top, rank_row, total_row = HEADER_ROWS[0], HEADER_ROWS[0] + 1, HEADER_ROWS[1]
    for col, label in enumerate(("考评项目", "考评细则", "分值")):
        ws.write_string(top, col, label, st.header)
    ws.merge_range(rank_row, 0, rank_row, 1, "排名", st.header)
    ws.write_blank(rank_row, 2, None, st.header)
    ws.merge_range(total_row, 0, total_row, 1, "总得分", st.header)
    ws.write_number(total_row, 2, float(rubric.total), st.score)
    heights[top] = max([text_height(h, w) for h, w in zip(("考评项目", "考评细则", "分值"), LABEL_WIDTHS)]
                       + [text_height(r.unit, UNIT_WIDTH) for r in units])
    heights[rank_row] = heights[total_row] = text_height("1", UNIT_WIDTH)
    for k, r in enumerate(units, start=FIXED_COLS):
        ws.write_string(top, k, r.unit, st.header)
        if r.rank is None:
            ws.write_blank(rank_row, k, None, st.points)
        else:
            ws.write_number(rank_row, k, r.rank, st.points)
        if r.status == RANKED:
            ws.write_number(total_row, k, float(result.scoring[r.unit].total), st.score)
        else:
            ws.write_string(total_row, k, r.status, st.overdue)
            heights[total_row] = max(heights[total_row], text_height(r.status, UNIT_WIDTH))

    rows = score_rows(rubric)
    # Per row: the items it adds up (one for an item, all of them for a 小计) and its format.
    spec = [(tuple(i.id for i in part.items) if kind == "section" else (part.id,),
             st.score if kind == "section" else st.points) for kind, part in rows]
    scores = [result.scoring[r.unit].item_scores for r in units[:ranked]]
    write_number = ws.write_number  # 200,000 cells at 3,000 units
    blocks = []
    row = FIRST_ROW
    for section in rubric.sections:
        first = row
        ws.write_string(row, 1, "小计", st.score)
        ws.write_number(row, 2, float(section.points), st.score)
        heights[row] = DEFAULT_ROW_PT + 3
        for item in section.items:
            row += 1
            ws.write_string(row, 1, item.label.rstrip(".、．"), st.text_center)
            ws.write_number(row, 2, float(item.points), st.points)
            heights[row] = DEFAULT_ROW_PT + 3
        text = f"{section.label}{section.title}（{format_points(section.points)}分）"
        if row > first:
            ws.merge_range(first, 0, row, 0, text, st.text)
        else:
            ws.write_string(first, 0, text, st.text)
        grow_to_fit(heights, first, row, text_height(text, LABEL_WIDTHS[0]))
        blocks.append((first, row))
        row += 1
    for n, (ids, fmt) in enumerate(spec, start=FIRST_ROW):
        for k, item_scores in enumerate(scores, start=FIXED_COLS):
            value = item_scores[ids[0]] if len(ids) == 1 else sum((item_scores[i] for i in ids), Decimal(0))
            write_number(n, k, float(value), fmt)
    last_row = row - 1
    if ranked:  # shading only where a unit was scored: a unit that sent nothing lost nothing
        lost = wb.add_format({"bg_color": LOST_FILL})
        last_ranked = FIXED_COLS + ranked - 1
        for n, (kind, part) in enumerate(rows, start=FIRST_ROW):
            ws.conditional_format(n, FIXED_COLS, n, last_ranked, {
                "type": "cell", "criteria": "<", "value": float(part.points), "format": lost})
        ws.conditional_format(total_row, FIXED_COLS, total_row, last_ranked, {"type": "3_color_scale"})
    if len(units) > ranked:  # grid lines on the blank cells of the units not scored
        ws.conditional_format(FIRST_ROW, FIXED_COLS + ranked, last_row, last_col, {"type": "blanks", "format": st.grid})
    note = (f"注：底色标出失分的考评项目（小计）和细则；小计为该考评项目各细则得分之和；"
            f"未报送或未通过校验的{config.unit_label}不计分，列在最后。")
    note_row = last_row + 2
    # Split across pages, the note stays in the label columns that every page repeats: merged wider,
    # the later pages print a slice of it cut at their edge.
    if len(units) > per_page:
        heights[note_row] = write_note(ws, st, note_row, FIXED_COLS - 1, note, sum(LABEL_WIDTHS))
    else:
        heights[note_row] = write_note(ws, st, note_row, max(title_last, 1), note, max(page_width, 40))
    blocks[-1] = (blocks[-1][0], note_row)
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.freeze_panes(FIRST_ROW, FIXED_COLS)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(note_row + 1)]
    repeat = sum(sizes[HEADER_ROWS[0]:HEADER_ROWS[1] + 1])
    breaks = page_breaks(sizes, blocks, room=page.room(scale), repeat=repeat, start=sum(sizes[:FIRST_ROW]))
    columns = list(range(FIXED_COLS + per_page, last_col + 1, per_page))
    print_setup(ws, page, repeat_rows=HEADER_ROWS, scale=scale, breaks=breaks, columns_breaks=columns,
                title=f"{config.campaign} 得分明细（{config.round}）")
    ws.repeat_columns(0, FIXED_COLS - 1)
    ws.print_area(0, 0, note_row, max(last_col, FIXED_COLS - 1))


def write_common(wb, st: Styles, result: RunResult, config: Config, rubric: Rubric) -> None:
    """The 存在的主要问题 table: criteria ordered by how many units lost points on them, then by points."""
    ws = wb.add_worksheet(SHEET_COMMON)
    headers = ["序号", rubric.labels.get("criterion", "评分标准"), rubric.labels.get("item", "考评细则"), "条款内容",
               f"扣分{config.unit_label}数", f"扣分{config.unit_label}", "扣分合计"]
    last_col = len(headers) - 1
    title = f"共性问题：各{config.unit_label}失分的评分标准（{config.shown_round}）"
    ws.merge_range(0, 0, 0, last_col, title, st.title)
    ws.write_row(1, 0, headers, st.header)
    for col, width in enumerate(COMMON_WIDTHS):
        ws.set_column(col, col, width)
    heights = {0: max(30, text_height(title, sum(COMMON_WIDTHS), TITLE_SIZE)),
               1: max(text_height(h, w) for h, w in zip(headers, COMMON_WIDTHS))}
    item_of = {c.id: rubric.item(c.item_id) for c in rubric.criteria}
    display = {c.id: c.display_label for c in rubric.criteria}
    for n, problem in enumerate(result.common_problems, start=1):
        r = n + 1
        text, units = clip(problem.text), "、".join(problem.units)
        ws.write_number(r, 0, n, st.points)
        ws.write_string(r, 1, display[problem.criterion_id], st.text_center)
        ws.write_string(r, 2, item_of[problem.criterion_id].label.rstrip(".、．"), st.text_center)
        ws.write_string(r, 3, text, st.text)
        ws.write_number(r, 4, len(problem.units), st.points)
        ws.write_string(r, 5, units, st.text)
        ws.write_number(r, 6, float(problem.points), st.points)
        heights[r] = max(text_height(text, COMMON_WIDTHS[3]), text_height(units, COMMON_WIDTHS[5]))
    last = len(result.common_problems) + 1
    if not result.common_problems:
        ws.write_string(2, 0, "没有扣分。", st.plain)
        last = 2
    ranked = sum(1 for r in result.ranking if r.status == RANKED)
    note = f"注：按扣分{config.unit_label}数从多到少、再按扣分合计排列；参加排名的{config.unit_label}共 {ranked} 个。"
    heights[last + 1] = write_note(ws, st, last + 1, last_col, note, sum(COMMON_WIDTHS))
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.autofilter(1, 0, max(last, 2), last_col)
    ws.freeze_panes(2, 0)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(last + 2)]
    blocks = [(r, r) for r in range(2, last)] + [(last, last + 1)]
    scale = LANDSCAPE.scale(COMMON_WIDTHS)
    breaks = page_breaks(sizes, blocks, room=LANDSCAPE.room(scale), repeat=heights[1], start=sum(sizes[:2]))
    print_setup(ws, LANDSCAPE, repeat_rows=(1, 1), scale=scale, breaks=breaks,
                title=f"{config.campaign} 共性问题（{config.round}）")
    ws.print_area(0, 0, last + 1, last_col)

