"""校验报告 (every finding with its file, sheet and cell) and 说明 (what this workbook was made from)."""

from inspection import __version__
from inspection.config import Config
from inspection.findings import ERROR, WARNING
from inspection.kinds import NAMES as KIND_NAMES
from inspection.model import ACCEPTED, UNPACKED, RunResult
from inspection.rubric import Rubric
from inspection.writers.common import Styles, clip, format_points, print_setup

SHEET_FINDINGS = "校验报告"
SHEET_ABOUT = "说明"


def write_findings(wb, st: Styles, result: RunResult, config: Config) -> None:
    """One row per finding, errors before warnings, then by file and cell (the ARPA reporter's order)."""
    ws = wb.add_worksheet(SHEET_FINDINGS)
    headers = ["序号", "文件", config.unit_label, "工作表", "单元格", "级别", "问题类别", "问题", "代码"]
    ws.write_row(0, 0, headers, st.header)
    for col, width in enumerate((6, 30, 10, 10, 8, 6, 16, 60, 6)):
        ws.set_column(col, col, width)
    level_format = {ERROR: st.error, WARNING: st.warning}
    for n, f in enumerate(result.findings, start=1):
        ws.write_number(n, 0, n, st.points)
        ws.write_string(n, 1, clip(f.file, 300), st.text)
        ws.write_string(n, 2, clip(f.unit, 100), st.text_center)
        ws.write_string(n, 3, clip(f.sheet, 100), st.text_center)
        ws.write_string(n, 4, f.cell, st.text_center)
        ws.write_string(n, 5, f.level, level_format.get(f.level, st.text_center))
        ws.write_string(n, 6, f.code.title, st.text)
        ws.write_string(n, 7, clip(f.message), st.text)
        ws.write_string(n, 8, f.code.name, st.text_center)
    if not result.findings:
        ws.write_string(1, 0, "未发现问题。", st.plain)
    ws.autofilter(0, 0, max(len(result.findings), 1), len(headers) - 1)
    ws.freeze_panes(1, 0)
    print_setup(ws, landscape=True, repeat_rows=(0, 0), title=f"{config.campaign} 校验报告（{config.round}）")


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
    ws.write_string(0, 0, "说明", st.title)
    for n, (key, value) in enumerate(facts, start=2):
        ws.write_string(n, 0, key, st.label)
        ws.merge_range(n, 1, n, 7, value, st.plain)
    row = len(facts) + 3
    headers = ["序号", "文件", "类型", "单位", "大小（字节）", "SHA-256", "状态", "原因"]
    ws.write_row(row, 0, headers, st.header)
    for col, width in enumerate((12, 36, 8, 12, 11, 66, 8, 40)):
        ws.set_column(col, col, width)
    for n, info in enumerate(result.files, start=1):
        r = row + n
        ws.write_number(r, 0, n, st.points)
        ws.write_string(r, 1, clip(info.path, 300), st.text)
        ws.write_string(r, 2, KIND_NAMES.get(info.kind, ""), st.text_center)
        ws.write_string(r, 3, clip(info.unit, 100), st.text_center)
        ws.write_number(r, 4, info.size, st.points)
        ws.write_string(r, 5, info.sha256, st.text)
        ws.write_string(r, 6, info.status, st.text_center if info.status in (ACCEPTED, UNPACKED) else st.overdue)
        ws.write_string(r, 7, clip(info.reason, 500), st.text)
    if not result.files:
        ws.write_string(row + 1, 0, "输入文件夹中没有文件。", st.plain)
    print_setup(ws, landscape=True, repeat_rows=(row, row), title=f"{config.campaign} 说明（{config.round}）")
