"""The blank hazard feedback-and-assignment list (问题隐患反馈交办清单, 000 Annex 3, made structured)."""

from pathlib import Path
import re

from inspection.spec.config import Config, Group, Visit
from inspection.constants import (
    ASSIGNED, DISPATCH_FILE, DISPATCH_FILE_UNGROUPED, DISPATCH_HEADERS, DISPATCH_NOTE, DISPATCH_ROWS, HAZARD_LEVELS,
    LABEL_DATE, RECTIFY_STATUSES, SELF_CHECK_FILE, SELF_CHECK_NOTE, SELF_FOUND, SHEET_HELP, SIGN_FILLER, SIGN_GROUP,
    SIGN_HEAD, SIGN_LOCAL, ListRole,
)
from inspection.paper.common import (
    Styles, atomic_workbook, chinese_number, print_setup, protect, text_height,
    LAST_DAY, write_help, write_meta, date_rule, list_rule,
)
from inspection.paper.page import DEFAULT_ROW_PT, Page, page_breaks

WIDTHS = (4.5, 16, 10, 29, 12, 21, 14, 11, 8, 7)  # A4 landscape at 100 %
COL = {name: n for n, name in enumerate(DISPATCH_HEADERS)}
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
ROW_HEIGHT = 30  # two handwritten lines
# The signature lines are printed at the foot of every page (as well as once in the sheet, where a
# returned list is signed by name): the bottom margin leaves room to sign above them.
PAGE = Page(landscape=True, bottom=0.9, footer=0.3)


def dispatch_file_name(visit: Visit, role: ListRole = ASSIGNED) -> str:
    if role is SELF_FOUND:
        return SELF_CHECK_FILE.format(unit=visit.unit)
    if visit.group is None:
        return DISPATCH_FILE_UNGROUPED.format(unit=visit.unit)
    return DISPATCH_FILE.format(group=visit.group.number, unit=visit.unit)


def group_title(config: Config, group: Group | None) -> str:
    """"第一专项行动组（浉河区组）", or "第一综合检查组" for a group named just 第一组; the issuing office
    for a campaign without groups."""
    if group is None:
        return config.issuer
    title = f"第{chinese_number(group.number)}{config.group_noun}"
    return title if re.fullmatch(r"第[一二三四五六七八九十百0-9]+组", group.name) else f"{title}（{group.name}）"


def group_people(group: Group | None) -> str:
    """"组长：…；副组长：…；联络员：…（电话）" from what the config gives; "" when it gives none."""
    if group is None:
        return ""
    parts = [f"{label}：{value}" for label, value in (("组长", group.leader), ("副组长", group.deputy))
             if value]
    if group.liaison or group.phone:
        parts.append(f"联络员：{group.liaison}{f'（{group.phone}）' if group.phone else ''}")
    return "；".join(parts)


def signature_labels(config: Config, role: ListRole = ASSIGNED) -> tuple[str, str]:
    """The two signature lines under the table: the group's and the unit's (on a 自查问题清单, the
    filler's and the unit head's)."""
    if role is SELF_FOUND:
        return SIGN_FILLER, SIGN_HEAD
    return SIGN_GROUP.format(group_noun=config.group_noun), SIGN_LOCAL.format(unit_label=config.unit_label)


def dispatch_note(config: Config, role: ListRole = ASSIGNED) -> str:
    note = SELF_CHECK_NOTE if role is SELF_FOUND else DISPATCH_NOTE
    return note.format(group_noun=config.group_noun, unit_label=config.unit_label, receiver=config.receiver)


def header_lines(config: Config, visit: Visit, role: ListRole = ASSIGNED) -> list[tuple[str, str]]:
    """The labelled lines above the table, as (label, value): the group and the unit it inspects, or
    on a 自查问题清单 the unit alone."""
    if role is SELF_FOUND:
        return [(config.unit_label, visit.unit)]
    return [(config.group_noun, group_title(config, visit.group)), (f"督导{config.unit_label}", visit.unit)]


def write_dispatch_template(config: Config, visit: Visit, folder: Path, role: ListRole = ASSIGNED) -> Path:
    """The group's 交办清单 for one unit, or (role SELF_FOUND) the unit's own 自查问题清单."""
    path = folder / dispatch_file_name(visit, role)
    number = str(visit.group.number) if visit.group and role is ASSIGNED else ""
    with atomic_workbook(path) as wb:
        st = Styles(wb)
        ws = wb.add_worksheet(role.sheet)
        _write_sheet(ws, st, config, visit, role)
        _write_help(wb.add_worksheet(SHEET_HELP), st, config, visit, role)
        write_meta(wb, config, kind=role.kind, form=role.kind, reporter=visit.unit, county=visit.unit,
                   group=number, identity=(number,))
        ws.activate()
    return path


def _write_sheet(ws, st: Styles, config: Config, visit: Visit, role: ListRole) -> None:
    """The annex's header (the group, the unit, the date; on a 自查问题清单 the unit and the date), the table, then the note and the two
    signature lines. Printed, every page carries the signature lines in its footer; the note is the
    last thing printed, and the signature rows below it are for a list filled in on the computer."""
    last = len(DISPATCH_HEADERS) - 1
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    heights = {0: 30, 1: 21, 2: 21, 3: 21, 4: 8, HEADER_ROW: 30}
    ws.merge_range(0, 0, 0, last, role.title, st.title)
    # Header block of the annex: the group / the unit / 日期, each label followed by its value cell.
    for row, (label, value) in enumerate(header_lines(config, visit, role), start=1):
        ws.merge_range(row, 0, row, 1, f"{label}：", st.label)
        ws.merge_range(row, 2, row, 5, value, st.plain)
    ws.merge_range(3, 0, 3, 1, f"{LABEL_DATE}：", st.label)
    ws.merge_range(3, 2, 3, 3, None, st.input_date)  # wide enough for 2023年10月15日 typed as text
    ws.data_validation(3, 2, 3, 2, date_rule(config.inspection_start, config.deadline,
                                              "交办日期" if role is ASSIGNED else "自查日期",
                                              "填写现场交办日期" if role is ASSIGNED else "填写自查日期"))

    ws.write_row(HEADER_ROW, 0, DISPATCH_HEADERS, st.header)
    first, end = FIRST_ROW, FIRST_ROW + DISPATCH_ROWS - 1
    for n in range(DISPATCH_ROWS):
        row = first + n
        ws.write_number(row, COL["序号"], n + 1, st.text_center)
        for name in DISPATCH_HEADERS[1:]:
            fmt = st.input_date if name == "整改时限" else st.input_center if name in (
                "行业领域", "隐患级别", "整改状态") else st.input
            ws.write_blank(row, COL[name], None, fmt)
        heights[row] = ROW_HEIGHT
    list_rule(ws, first, end, COL["行业领域"], config.sectors, "行业领域")
    list_rule(ws, first, end, COL["隐患级别"], HAZARD_LEVELS, "隐患级别")
    list_rule(ws, first, end, COL["整改状态"], RECTIFY_STATUSES, "整改状态")
    ws.data_validation(first, COL["整改时限"], end, COL["整改时限"],
                       date_rule(config.inspection_start, LAST_DAY, "整改时限",
                                  "填写整改完成期限，如 2023/9/30"))

    note_row = end + 1
    note = dispatch_note(config, role)
    ws.merge_range(note_row, 0, note_row, last, note, st.note)
    heights[note_row] = text_height(note, sum(WIDTHS))
    row = note_row + 2
    for label in signature_labels(config, role):
        ws.merge_range(row, 0, row, 2, f"{label}：", st.label)
        ws.merge_range(row, 3, row, 6, None, st.input_plain)
        heights[row] = ROW_HEIGHT
        row += 2
    for r, h in heights.items():
        ws.set_row(r, h)

    ws.freeze_panes(FIRST_ROW, 0)
    scale = PAGE.scale(WIDTHS)
    sizes = [heights.get(r, DEFAULT_ROW_PT) for r in range(note_row + 1)]
    # The last hazard row and the note stay together.
    blocks = [(r, r) for r in range(first, end)] + [(end, note_row)]
    breaks = page_breaks(sizes, blocks, room=PAGE.room(scale), repeat=heights[HEADER_ROW],
                         start=sum(sizes[:first]))
    first_sign, second_sign = signature_labels(config, role)
    print_setup(ws, PAGE, repeat_rows=(HEADER_ROW, HEADER_ROW), scale=scale, breaks=breaks,
                title=f"{role.title} " + " ".join(value for _, value in header_lines(config, visit, role)),
                footer=(f"{first_sign}：{SIGN_BLANK}", f"{second_sign}：{SIGN_BLANK}"))
    ws.print_area(0, 0, note_row, last)
    protect(ws)


SIGN_BLANK = "_" * 24  # the line to sign on at the foot of each printed page


def _write_help(ws, st: Styles, config: Config, visit: Visit, role: ListRole) -> None:
    write_help(ws, st, help_lines(config, visit, role))


def help_lines(config: Config, visit: Visit, role: ListRole = ASSIGNED) -> list[str]:
    """The 填表说明 sheet, a line a row (the first is its title)."""
    if role is SELF_FOUND:
        return [
            f"{role.title} 填表说明",
            "",
            f"1. 由{visit.unit}填写本单位自查发现的问题隐患，一个问题隐患填一行，预留 {DISPATCH_ROWS} 行。"
            f"{group_title(config, visit.group)}复核时对照本清单，请如实填写。",
            "2. “行业领域”“隐患级别”“整改状态”从下拉列表中选择；“整改时限”填日期（如 2023/9/30）。",
            "3. 重大事故隐患按行业领域判定标准认定，其余为一般隐患。",
            f"4. 填写完毕，由{SIGN_FILLER}和{SIGN_HEAD}在表下方签字，随自评表一并报送{config.receiver}。",
            "5. 只填写浅黄色单元格，不要增删行列；表内隐藏的识别信息请勿改动。",
        ]
    return [
        f"{role.title} 填表说明",
        "",
        f"1. 由{group_title(config, visit.group)}在督导{visit.unit}时现场填写，一个问题隐患填一行，预留 {DISPATCH_ROWS} 行，"
        f"不够时另用一份清单。{group_people(visit.group) and group_people(visit.group) + '。'}",
        "2. “行业领域”“隐患级别”“整改状态”从下拉列表中选择；“整改时限”填日期（如 2023/9/30）。",
        "3. 重大事故隐患按行业领域判定标准认定，其余为一般隐患。",
        "4. 整改要求写明措施和标准；责任单位写负责督促整改的部门或单位。",
        f"5. 填写完毕，{config.group_noun}人员与属地{config.unit_label}安委会人员签字：打印的清单每页下方都有签字处，"
        "在电脑上填写的在表格最下方签字栏填写姓名。",
        "6. 只填写浅黄色单元格，不要增删行列；表内隐藏的识别信息请勿改动。",
    ]
