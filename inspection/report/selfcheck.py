"""自评与复核 (per unit both scores and ranks, then the criteria where the review and the unit's own
assessment tell something together) and 检查组复核情况 (a row per group, the groups to warn about first)."""

from inspection.spec.config import Config, group_label
from inspection.model import COPIED, LESS, Comparison, GroupSummary, RunResult
from inspection.paper.common import (
    Styles, clip, format_points, print_setup, print_table, text_height, write_note,
)
from inspection.paper.page import DEFAULT_ROW_PT, LANDSCAPE, page_breaks

SHEET_SELF = "自评与复核"
SHEET_GROUPS = "检查组复核情况"
WIDTHS = (10, 20, 8, 7, 8, 10, 36, 36)  # A4 landscape at 100 %
GROUP_WIDTHS = (20, 6, 7, 7, 7, 7, 7, 7, 8, 50)


def write_selfcheck(wb, st: Styles, result: RunResult, config: Config) -> None:
    comparison = result.comparison
    _write_units_and_cases(wb.add_worksheet(SHEET_SELF), st, comparison, config)
    _write_groups(wb.add_worksheet(SHEET_GROUPS), st, comparison, config)


def _write_units_and_cases(ws, st: Styles, comparison: Comparison, config: Config) -> None:
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    last = len(WIDTHS) - 1
    ws.merge_range(0, 0, 0, last, f"自评与复核（{config.shown_round}）", st.title)
    heights = {0: 30}
    ws.merge_range(1, 0, 1, last, f"一、各{config.unit_label}自评得分与复核得分", st.heading)
    heights[1] = 22
    headers = [config.unit_label, "检查组", "自评得分", "复核得分", "差（自评−复核）", "排名（自评 / 复核）"]
    ws.write_row(2, 0, headers, st.header)
    ws.merge_range(2, 6, 2, last, "说明", st.header)
    heights[2] = max(text_height(h, w) for h, w in zip(headers, WIDTHS))
    blocks = [(0, 3)]  # the title and the first table's head stay with its first row
    row = 3
    for u in comparison.units:
        group = _group_name(config, u.group)
        ws.write_string(row, 0, u.unit, st.text_center)
        ws.write_string(row, 1, group, st.text_center)
        for col, value in ((2, u.self_total), (3, u.review_total), (4, u.difference)):
            if value is None:
                ws.write_blank(row, col, None, st.points)  # never 0: there is nothing to compare
            else:
                ws.write_number(row, col, float(value), st.points)
        ws.write_string(row, 5, f"{u.self_rank or '—'} / {u.review_rank or '—'}", st.text_center)
        note = _unit_note(u)
        ws.merge_range(row, 6, row, last, note, st.text)
        heights[row] = max(text_height(group, WIDTHS[1]), text_height(note, WIDTHS[6] + WIDTHS[7]))
        if row > 3:
            blocks.append((row, row))
        row += 1
    heading = row + 1
    ws.merge_range(heading, 0, heading, last, "二、逐条对照（只列复核发现少于自查、照搬自查和复核新发现的评分标准）",
                   st.heading)
    heights[heading] = 22
    headers = [config.unit_label, "检查组", "评分标准", "自评扣分", "复核扣分", "情况", "自评扣分原因", "复核扣分原因"]
    ws.write_row(heading + 1, 0, headers, st.header)
    heights[heading + 1] = max(text_height(h, w) for h, w in zip(headers, WIDTHS))
    row = heading + 2
    blocks.append((heading - 1, row))  # the second table's head with its first row
    for n, case in enumerate(comparison.cases):
        group = _group_name(config, case.group)
        fmt = st.error if LESS in case.cases or COPIED in case.cases else st.text_center
        ws.write_row(row, 0, [case.unit, group, case.label], st.text_center)
        ws.write_number(row, 3, float(case.self_amount), st.points)
        ws.write_number(row, 4, float(case.review_amount), st.points)
        ws.write_string(row, 5, "、".join(case.cases), fmt)
        ws.write_string(row, 6, clip(case.self_reason), st.text)
        ws.write_string(row, 7, clip(case.review_reason), st.text)
        heights[row] = max(text_height(group, WIDTHS[1]), text_height("、".join(case.cases), WIDTHS[5]),
                           text_height(case.self_reason, WIDTHS[6]), text_height(case.review_reason, WIDTHS[7]))
        if n:
            blocks.append((row, row))
        row += 1
    if not comparison.cases:
        ws.merge_range(row, 0, row, last, "没有需要对照的评分标准（或没有同时收到自评表和打分表的单位）。", st.plain)
        row += 1
    heights[row + 1] = write_note(
        ws, st, row + 1, last,
        f"注：“{LESS}”：复核扣分少于{config.unit_label}自评扣分（含自评扣分而复核未扣）；“{COPIED}”：复核扣分原因与自评"
        "扣分原因相同或几乎相同（去掉空格和标点后相同，或都不少于 6 个字且相似度不低于 80%）；“复核新发现”：自评未扣分而"
        "复核扣分。自评得分只作对照，不计入排名。", sum(WIDTHS))
    blocks.append((row, row + 1))
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.freeze_panes(3, 1)
    scale = LANDSCAPE.scale(WIDTHS)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(row + 2)]
    breaks = page_breaks(sizes, blocks, room=LANDSCAPE.room(scale))
    print_setup(ws, LANDSCAPE, scale=scale, breaks=breaks, title=f"{config.campaign} 自评与复核（{config.round}）")
    ws.print_area(0, 0, row + 1, last)


def _write_groups(ws, st: Styles, comparison: Comparison, config: Config) -> None:
    for col, width in enumerate(GROUP_WIDTHS):
        ws.set_column(col, col, width)
    headers = ["检查组", f"复核{config.unit_label}", "复核扣分（条）", "自评扣分（条）", "照搬自查（条）",
               "扣分少于自评（条）", "复核新发现（条）", "列出隐患（条）", "与自查相同的隐患（条）", "提示"]
    last_col = len(headers) - 1
    ws.merge_range(0, 0, 0, last_col, f"检查组复核情况（{config.shown_round}）", st.title)
    ws.write_row(1, 0, headers, st.header)
    heights = {0: 30, 1: max(text_height(h, w) for h, w in zip(headers, GROUP_WIDTHS))}
    for n, g in enumerate(comparison.groups, start=2):
        name = _group_name(config, g.number, g.name)
        ws.write_string(n, 0, name, st.text_center)
        for col, value in enumerate((g.units, g.deductions, g.self_deductions, g.copied_deductions, g.lenient, g.own,
                                     g.hazards, g.copied_hazards), start=1):
            ws.write_number(n, col, value, st.points)
        note = group_warning(g, config.unit_label)
        ws.write_string(n, last_col, note, st.error if g.warned else st.text)
        heights[n] = max(text_height(name, GROUP_WIDTHS[0]), text_height(note, GROUP_WIDTHS[-1]))
    last = len(comparison.groups) + 1
    heights[last + 2] = write_note(
        ws, st, last + 2, last_col,
        "注：只统计自评表和打分表都已采用的单位。需要提醒的检查组排在前面（照搬自查、扣分少于自评的条数多者在前）。"
        "隐患按企业名称和问题描述（去掉空格和标点）与本单位自查问题清单比对。", sum(GROUP_WIDTHS))
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.freeze_panes(2, 1)
    print_table(ws, heights, last + 2, GROUP_WIDTHS, header=1,
                title=f"{config.campaign} 检查组复核情况（{config.round}）")


def group_warning(g: GroupSummary, unit_label: str, sep: str = "；") -> str:
    """What the bulletin would say of the group, in one line; "" when nothing."""
    if not g.units:
        return "没有可对照的单位（自评表或打分表未采用）"
    parts = []
    if g.lenient:
        parts.append(f"{g.lenient} 条评分标准扣分少于{unit_label}自评")
    if g.copied_deductions:
        parts.append(f"{g.copied_deductions} 条扣分原因照搬自查")
    if g.copied_hazards:
        parts.append(f"{g.copied_hazards} 条隐患与自查问题清单相同")
    if g.deductions < g.self_deductions:
        parts.append(f"复核扣分 {g.deductions} 条，少于自评的 {g.self_deductions} 条")
    return sep.join(parts)


def _group_name(config: Config, number: int | None, name: str = "") -> str:
    if number is None:
        return "—"
    return group_label(number, name) if name else config.group_label(number)


def _unit_note(u) -> str:
    if u.self_total is None and u.review_total is None:
        return "自评表和打分表都未采用"
    if u.self_total is None:
        return "未报送自评表（或未采用），不作对照"
    if u.review_total is None:
        return "打分表未采用，不作对照"
    diff = u.difference
    if diff > 0:
        return f"自评比复核高 {format_points(diff)} 分"
    if diff < 0:
        return f"自评比复核低 {format_points(-diff)} 分"
    return "自评与复核得分相同"
