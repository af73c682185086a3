"""自评与复核 (per unit both scores and ranks, then the criteria where the review and the unit's own
assessment tell something together) and 检查组复核情况 (a row per group, the groups to warn about first)."""

from inspection.config import Config
from inspection.model import COPIED, LESS, Comparison, GroupSummary, RunResult
from inspection.writers.common import (
    Styles, clip, format_points, height_for, lines_needed, print_setup, write_note,
)

SHEET_SELF = "自评与复核"
SHEET_GROUPS = "检查组复核情况"
WIDTHS = (12, 18, 9, 9, 9, 16, 34, 34)
GROUP_WIDTHS = (22, 8, 9, 9, 9, 9, 9, 9, 9, 40)


def write_selfcheck(wb, st: Styles, result: RunResult, config: Config) -> None:
    comparison = result.comparison
    _write_units_and_cases(wb.add_worksheet(SHEET_SELF), st, comparison, config)
    _write_groups(wb.add_worksheet(SHEET_GROUPS), st, comparison, config)


def _write_units_and_cases(ws, st: Styles, comparison: Comparison, config: Config) -> None:
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    last = len(WIDTHS) - 1
    ws.merge_range(0, 0, 0, last, f"一、各{config.unit_label}自评得分与复核得分", st.heading)
    ws.write_row(1, 0, [config.unit_label, "检查组", "自评得分", "复核得分", "差（自评−复核）",
                        "排名（自评 / 复核）"], st.header)
    ws.merge_range(1, 6, 1, last, "说明", st.header)
    row = 2
    for u in comparison.units:
        ws.write_string(row, 0, u.unit, st.text_center)
        ws.write_string(row, 1, _group_name(config, u.group), st.text_center)
        for col, value in ((2, u.self_total), (3, u.review_total), (4, u.difference)):
            if value is None:
                ws.write_blank(row, col, None, st.points)  # never 0: there is nothing to compare
            else:
                ws.write_number(row, col, float(value), st.points)
        ranks = f"{u.self_rank or '—'} / {u.review_rank or '—'}"
        ws.write_string(row, 5, ranks, st.text_center)
        ws.merge_range(row, 6, row, last, _unit_note(u), st.text)
        row += 1
    row += 1
    ws.merge_range(row, 0, row, last, "二、逐条对照（只列复核发现少于自查、照搬自查和复核新发现的评分标准）", st.heading)
    row += 1
    ws.write_row(row, 0, [config.unit_label, "检查组", "评分标准", "自评扣分", "复核扣分", "情况", "自评扣分原因",
                          "复核扣分原因"], st.header)
    header_row = row
    row += 1
    for case in comparison.cases:
        fmt = st.error if LESS in case.cases or COPIED in case.cases else st.text_center
        values = [case.unit, _group_name(config, case.group), case.label]
        ws.write_row(row, 0, values, st.text_center)
        ws.write_number(row, 3, float(case.self_amount), st.points)
        ws.write_number(row, 4, float(case.review_amount), st.points)
        ws.write_string(row, 5, "、".join(case.cases), fmt)
        ws.write_string(row, 6, clip(case.self_reason), st.text)
        ws.write_string(row, 7, clip(case.review_reason), st.text)
        ws.set_row(row, height_for(max(lines_needed(case.self_reason, WIDTHS[6]),
                                       lines_needed(case.review_reason, WIDTHS[7]))))
        row += 1
    if not comparison.cases:
        ws.merge_range(row, 0, row, last, "没有需要对照的评分标准（或没有同时收到自评表和打分表的单位）。", st.plain)
        row += 1
    write_note(ws, st, row + 1, last,
               f"注：“{LESS}”：复核扣分少于{config.unit_label}自评扣分（含自评扣分而复核未扣）；“{COPIED}”：复核扣分原因与自评"
               "扣分原因相同或几乎相同（去掉空格和标点后相同，或相似度不低于 80%）；“复核新发现”：自评未扣分而复核扣分。"
               "自评得分只作对照，不计入排名。", sum(WIDTHS))
    ws.freeze_panes(2, 1)
    print_setup(ws, landscape=True, repeat_rows=None, title=f"{config.campaign} 自评与复核（{config.shown_round}）")
    ws.set_row(header_row, 20)


def _write_groups(ws, st: Styles, comparison: Comparison, config: Config) -> None:
    for col, width in enumerate(GROUP_WIDTHS):
        ws.set_column(col, col, width)
    headers = ["检查组", f"复核{config.unit_label}", "复核扣分（条）", "自评扣分（条）", "照搬自查（条）",
               "扣分少于自评（条）", "复核新发现（条）", "列出隐患（条）", "与自查相同的隐患（条）", "提示"]
    ws.write_row(0, 0, headers, st.header)
    ws.set_row(0, 42)
    for n, g in enumerate(comparison.groups, start=1):
        ws.write_string(n, 0, _group_name(config, g.number, g.name), st.text_center)
        for col, value in enumerate((g.units, g.deductions, g.self_deductions, g.copied_deductions, g.lenient, g.own,
                                     g.hazards, g.copied_hazards), start=1):
            ws.write_number(n, col, value, st.points)
        note = group_warning(g, config.unit_label)
        ws.write_string(n, len(headers) - 1, note, st.error if g.warned else st.text)
        ws.set_row(n, height_for(lines_needed(note, GROUP_WIDTHS[-1])))
    write_note(ws, st, len(comparison.groups) + 2, len(headers) - 1,
               "注：只统计自评表和打分表都已采用的单位。需要提醒的检查组排在前面（照搬自查、扣分少于自评的条数多者在前）。"
               "隐患按企业名称和问题描述（去掉空格和标点）与本单位自查问题清单比对。", sum(GROUP_WIDTHS))
    ws.freeze_panes(1, 1)
    print_setup(ws, landscape=True, repeat_rows=(0, 0), title=f"{config.campaign} 检查组复核情况（{config.shown_round}）")


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
    name = name or next((g.name for g in config.groups if g.number == number), "")
    return f"第 {number} 组（{name}）" if name else f"第 {number} 组"


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
