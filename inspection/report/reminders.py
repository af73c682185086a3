"""催报: the 催报清单 sheet of the consolidated workbook, and 催报消息_….txt beside it, one short
message per group (or unit, or department) ready to paste into a chat."""

from datetime import date
from pathlib import Path

from inspection.spec.config import Config
from inspection.model import BLANK_RECEIVED, NOT_ACCEPTED, Reminder, RunResult
from inspection.paper.common import Styles, atomic_text, chinese_date, clip, print_table, text_height

SHEET_REMINDERS = "催报清单"
HEADER_ROW = 1  # under the title


def days_overdue(config: Config, as_of: date) -> int:
    """Days past the deadline on `as_of`; 0 on the day itself, negative before it."""
    return (as_of - config.deadline).days


def has_contacts(config: Config) -> bool:
    return any(g.leader or g.phone for g in config.groups)


def write_reminder_sheet(wb, st: Styles, result: RunResult, config: Config) -> None:
    """A title, then one row per return owed, by who sends it, with the deadline and how late it is."""
    ws = wb.add_worksheet(SHEET_REMINDERS)
    as_of = result.as_of or date.today()
    contacts = has_contacts(config)
    overdue = days_overdue(config, as_of)
    headers = ["序号", "催报对象", *(["组长", "联系电话"] if contacts else []), "单位", "表格", "情况", "说明",
               "报送截止", f"逾期天数\n截至{as_of:%Y-%m-%d}"]
    widths = (4.5, 20, *((20, 11) if contacts else ()), 12, 12, 10, 31 if contacts else 54, 10, 13)  # A4 landscape
    detail_col, last_col = headers.index("说明"), len(headers) - 1
    ws.merge_range(0, 0, 0, last_col, f"催报清单（{config.shown_round}，截至{as_of:%Y-%m-%d}）", st.title)
    ws.write_row(HEADER_ROW, 0, headers, st.header)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    heights = {0: 30, HEADER_ROW: _height(headers, widths)}
    for n, r in enumerate(result.reminders, start=1):
        row = HEADER_ROW + n
        values = [n, r.sender, *([r.leader, r.phone] if contacts else []), r.name, r.kind, r.state, clip(r.detail),
                  f"{config.deadline:%Y-%m-%d}", overdue if overdue > 0 else "未逾期"]
        for col, value in enumerate(values):
            if isinstance(value, int):
                ws.write_number(row, col, value, st.points)
            else:
                ws.write_string(row, col, value, st.text if col == detail_col else st.text_center)
        heights[row] = _height(values, widths)
    last = HEADER_ROW + len(result.reminders)
    if not result.reminders:
        last = HEADER_ROW + 1
        ws.merge_range(last, 0, last, last_col, "应报的表格已全部收到并采用，无需催报。", st.plain)
    for row, height in heights.items():
        ws.set_row(row, height)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    print_table(ws, heights, last, widths, header=HEADER_ROW,
                title=f"{config.campaign} 催报清单（{config.shown_round}，截至{as_of:%Y-%m-%d}）")


def _height(values: list, widths) -> float:
    """A row tall enough for its longest wrapped cell (xlsxwriter does not fit rows to text)."""
    return max(text_height(str(v), w) for v, w in zip(values, widths))


def messages_path(output_path: Path) -> Path:
    """催报消息_… beside the consolidated workbook, named as it is."""
    return output_path.with_name(output_path.stem.replace("排名汇总", "催报消息", 1) + ".txt")


def reminder_messages(result: RunResult, config: Config) -> str:
    """The text of 催报消息_….txt: a heading, then one paragraph per sender."""
    as_of = result.as_of or date.today()
    head = (f"{config.campaign}（{config.shown_round}）催报消息，截至 {chinese_date(as_of)}。\n"
            "每段是一条消息，可直接复制到微信、短信或工作群发给对方；逐条明细见汇总表的“催报清单”。\n")
    if not result.reminders:
        return head + "\n应报的表格已全部收到并采用，无需催报。\n"
    by_sender: dict[str, list[Reminder]] = {}
    for r in result.reminders:
        by_sender.setdefault(r.sender, []).append(r)
    blocks = [_message(sender, owed, config, as_of) for sender, owed in by_sender.items()]
    return head + "".join(f"\n{block}\n" for block in blocks)


def _message(sender: str, owed: list[Reminder], config: Config, as_of: date) -> str:
    first = owed[0]
    # "孙宝印（市应急管理局局长）" is greeted as 孙宝印组长
    greeting = f"{first.leader.split('（')[0].strip()}组长" if first.leader else sender
    to = sender + (f"，组长 {first.leader}" if first.leader else "") + (f"，电话 {first.phone}" if first.phone else "")
    items = "；".join(f"{r.name}{r.kind}（{_state(r)}）" for r in owed)
    late = days_overdue(config, as_of)
    when = (f"报送截止日期为{chinese_date(config.deadline)}，已逾期 {late} 天" if late > 0
            else f"今天（{chinese_date(config.deadline)}）是报送截止日" if late == 0
            else f"报送截止日期为{chinese_date(config.deadline)}，还有 {-late} 天")
    return (f"【发给 {to}】\n"
            f"{greeting}：您好！{config.campaign}（{config.shown_round}）以下表格尚未收齐：{items}。"
            f"{when}，请尽快报送{config.receiver}。如已报送，请告知发送时间，以便核对。谢谢！")


def _state(r: Reminder) -> str:
    if r.state == NOT_ACCEPTED:
        return "已收到，但未通过校验，请按退回的修改说明改好后重新报送"
    if r.state == BLANK_RECEIVED:
        return "收到的是空白表，请填写后报送"
    return "未收到"


def write_reminder_messages(result: RunResult, config: Config, output_path: Path) -> Path:
    return atomic_text(messages_path(output_path), reminder_messages(result, config))
