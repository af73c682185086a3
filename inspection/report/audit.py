"""校验报告 (every finding with its file, sheet and cell) and 说明 (what this workbook was made from)."""

from inspection import __version__
from inspection.spec.config import Config
from inspection.findings import ERROR, WARNING
from inspection.kinds import NAMES as KIND_NAMES
from inspection.model import ACCEPTED, SUPERSEDED, UNPACKED, RunResult
from inspection.spec.rubric import Rubric
from inspection.paper.common import Styles, clip, format_points, print_table, text_height

SHEET_FINDINGS = "校验报告"
SHEET_ABOUT = "说明"


FINDING_WIDTHS = (4.5, 24, 8, 8, 6, 5, 14, 50, 5.5)  # A4 landscape at 100 %
FILE_WIDTHS = (12, 34, 8, 8, 11, 8, 39, 66)  # the facts' labels in the first; SHA-256 last, not printed
FILE_PRINTED = 7


def write_findings(wb, st: Styles, result: RunResult, config: Config) -> None:
    """One row per finding, errors before warnings, then by file and cell (the ARPA reporter's order)."""
    ws = wb.add_worksheet(SHEET_FINDINGS)
    headers = ["序号", "文件", config.unit_label, "工作表", "单元格", "级别", "问题类别", "问题", "代码"]
    last_col = len(headers) - 1
    title = f"校验报告（{config.shown_round}）"
    ws.merge_range(0, 0, 0, last_col, title, st.title)
    ws.write_row(1, 0, headers, st.header)
    for col, width in enumerate(FINDING_WIDTHS):
        ws.set_column(col, col, width)
    heights = {0: 30, 1: max(text_height(h, w) for h, w in zip(headers, FINDING_WIDTHS))}
    level_format = {ERROR: st.error, WARNING: st.warning}
    for n, f in enumerate(result.findings, start=1):
        r = n + 1
        file, unit, sheet, message = clip(f.file, 300), clip(f.unit, 100), clip(f.sheet, 100), clip(f.message)
        ws.write_number(r, 0, n, st.points)
        ws.write_string(r, 1, file, st.text)
        ws.write_string(r, 2, unit, st.text_center)
        ws.write_string(r, 3, sheet, st.text_center)
        ws.write_string(r, 4, f.cell, st.text_center)
        ws.write_string(r, 5, f.level, level_format.get(f.level, st.text_center))
        ws.write_string(r, 6, f.code.title, st.text)
        ws.write_string(r, 7, message, st.text)
        ws.write_string(r, 8, f.code.name, st.text_center)
        heights[r] = max(text_height(v, FINDING_WIDTHS[c]) for c, v in
                         ((1, file), (2, unit), (3, sheet), (4, f.cell), (6, f.code.title), (7, message)))
    last = len(result.findings) + 1
    if not result.findings:
        ws.write_string(2, 0, "未发现问题。", st.plain)
        last = 2
    for r, h in heights.items():
        ws.set_row(r, h)
    ws.autofilter(1, 0, last, last_col)
    ws.freeze_panes(2, 0)
    print_table(ws, heights, last, FINDING_WIDTHS, header=1, title=f"{config.campaign} 校验报告（{config.round}）")


def write_about(wb, st: Styles, result: RunResult, config: Config, rubric: Rubric) -> None:
    """When and from what: the run, the config, the rubric, and every file under input/ with its SHA-256."""
    ws = wb.add_worksheet(SHEET_ABOUT)
    errors = sum(1 for f in result.findings if f.level == ERROR)
    warnings = sum(1 for f in result.findings if f.level == WARNING)
    facts = [
        ("生成时间", f"{result.started:%Y-%m-%d %H:%M:%S}"),
        ("检查活动", config.campaign),
        ("轮次", config.round),
        ("配置文件", str(config.path)),
        ("考评细则", f"{rubric.name}（{rubric.source} {rubric.annex}，编号 {rubric.id}，版本 {rubric.version}，"
                     f"满分 {format_points(rubric.total)} 分）"),
        ("检查时间", f"{config.inspection_start:%Y-%m-%d} 至 {config.inspection_end:%Y-%m-%d}，"
                     f"报送截止 {config.deadline:%Y-%m-%d}"),
        ("输入文件夹", str(result.input_dir)),
        ("文件", f"共 {result.files_summary()}。逐个列在下面，子文件夹和 .zip 压缩包中的文件也在内"),
        ("校验结果", f"错误 {errors} 条，警告 {warnings} 条（见“校验报告”）"),
        ("逾期判断日期", f"{result.as_of:%Y-%m-%d}" if result.as_of else ""),
        ("得分计算", "按各条扣分重新计算（精确小数），不采用表格中缓存的得分；每项细则扣完为止。"),
        ("工具版本", __version__),
    ]
    if result.history_lost:
        facts.insert(2, ("注意", result.history_lost + "。"))
    last_col = FILE_PRINTED - 1
    ws.merge_range(0, 0, 0, last_col, "汇总表说明", st.title)
    heights = {0: 30}
    value_width = sum(FILE_WIDTHS[1:FILE_PRINTED])
    for n, (key, value) in enumerate(facts, start=2):
        ws.write_string(n, 0, key, st.label)
        ws.merge_range(n, 1, n, last_col, value, st.plain)
        heights[n] = text_height(value, value_width)
    row = len(facts) + 3
    headers = ["序号", "文件", "类型", "单位", "大小（字节）", "状态", "原因", "SHA-256"]
    ws.write_row(row, 0, headers, st.header)
    heights[row] = max(text_height(h, w) for h, w in zip(headers, FILE_WIDTHS))
    for col, width in enumerate(FILE_WIDTHS):
        ws.set_column(col, col, width)
    for n, info in enumerate(result.files, start=1):
        r = row + n
        path, unit, reason = clip(info.path, 300), clip(info.unit, 100), clip(info.reason, 500)
        ws.write_number(r, 0, n, st.points)
        ws.write_string(r, 1, path, st.text)
        ws.write_string(r, 2, KIND_NAMES.get(info.kind, ""), st.text_center)
        ws.write_string(r, 3, unit, st.text_center)
        ws.write_number(r, 4, info.size, st.points)
        ws.write_string(r, 5, info.status, st.text_center if info.status in (ACCEPTED, UNPACKED, SUPERSEDED)
                        else st.overdue)
        ws.write_string(r, 6, reason, st.text)
        ws.write_string(r, 7, info.sha256, st.text)
        heights[r] = max(text_height(v, FILE_WIDTHS[c]) for c, v in
                         ((1, path), (3, unit), (5, info.status), (6, reason)))
    last = row + len(result.files)
    if not result.files:
        ws.write_string(row + 1, 0, "输入文件夹中没有文件。", st.plain)
        last = row + 1
    for r, h in heights.items():
        ws.set_row(r, h)
    # Printed without the SHA-256 column (for checking a file on the screen, not for reading).
    print_table(ws, heights, last, FILE_WIDTHS[:FILE_PRINTED], header=row, title=f"{config.campaign} 说明（{config.round}）")
