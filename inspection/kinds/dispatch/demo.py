"""Demo returns of the follow-up kinds: filled 交办清单 (hazards) and 调度表 (monthly counts).

Only `process.py demo` uses this. The values are plausible, reproducible from a seed, and keep the
rules a real return keeps (已整改 ≤ 发现, 其中 ≤ 总数, deadlines after the list's date).
"""

from datetime import date, timedelta
from pathlib import Path
import random

import openpyxl

from inspection.spec.config import Config
from inspection.constants import HAZARD_LEVELS, RECTIFY_STATUSES, SHEET_DISPATCH, SHEET_PROGRESS
from inspection.spec.progress_form import ProgressForm

# Per sector: (company kinds, hazards found on site, what to do about them).
HAZARD_SAMPLES = {
    "危险化学品": (("化工有限公司", "加油站", "气体有限公司"),
              ("储罐区可燃气体报警器未定期校验", "重大危险源未实现自动化控制", "装卸作业无专人监护"),
              ("立即校验并建立检验台账", "完善自动化控制系统并投入使用", "落实装卸作业现场监护制度")),
    "建筑施工": (("建筑工程有限公司", "建设集团有限公司"),
             ("脚手架连墙件缺失", "深基坑未按方案设置支护", "塔吊限位装置失效"),
             ("按专项方案补设连墙件", "立即停止开挖并按方案支护", "停止使用，修复后经检验合格方可使用")),
    "燃气": (("燃气有限公司", "液化气站"),
           ("餐饮场所未安装可燃气体报警装置", "瓶装液化气钢瓶超期未检", "调压站未设置紧急切断阀"),
           ("限期安装可燃气体报警装置", "清退超期钢瓶并建立台账", "加装紧急切断阀")),
    "工贸": (("机械制造有限公司", "食品有限公司", "木业有限公司"),
           ("粉尘涉爆区域除尘系统未接地", "有限空间作业未审批", "电焊作业人员无证上岗"),
           ("整改除尘系统接地并检测", "严格执行有限空间作业审批", "立即停止作业，持证上岗")),
    "消防": (("商贸有限公司", "酒店有限公司"),
           ("疏散通道堆放杂物", "消防设施未定期维护保养", "员工宿舍与仓库未有效分隔"),
           ("立即清理疏散通道", "委托维保单位检测维护", "按规范设置防火分隔")),
    "交通运输": (("运输有限公司", "客运有限公司"),
             ("危货车辆动态监控不在线", "驾驶员超时驾驶未纠正"),
             ("恢复动态监控并落实专人值守", "完善驾驶员管理制度并处理违规人员")),
}
DEPARTMENTS = ("县应急管理局", "县住房和城乡建设局", "县市场监管局", "县交通运输局", "县消防救援大队")
PLACES = ("淮河", "大别山", "豫南", "申城", "茶都", "光州", "弦城", "蓼城")


def fill_dispatch_returns(config: Config, templates: list[Path], folder: Path, *, seed: int = 2023) -> list[Path]:
    """A filled 交办清单 per template: 3–8 hazards each, signed by both sides."""
    out = []
    for n, template in enumerate(templates):
        rng = random.Random(seed * 7 + n)
        wb = openpyxl.load_workbook(template)
        ws = wb[SHEET_DISPATCH]
        header = _row_of(ws, "序号")
        cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
        listed_on = config.inspection_start + timedelta(days=rng.randint(0, 14))
        ws.cell(_row_of(ws, "日期："), 3, listed_on)
        sectors = [s for s in config.sectors if s in HAZARD_SAMPLES]
        for k in range(rng.randint(3, 8)):
            sector = rng.choice(sectors)
            kinds, problems, fixes = HAZARD_SAMPLES[sector]
            pick = rng.randrange(len(problems))
            values = {
                "企业（单位）名称": f"{rng.choice(PLACES)}{rng.choice('鑫恒泰华兴安达')}{rng.choice(kinds)}",
                "行业领域": sector,
                "问题隐患描述": problems[pick],
                "隐患级别": HAZARD_LEVELS[0] if rng.random() < 0.2 else HAZARD_LEVELS[1],
                "整改要求": fixes[pick],
                "整改时限": listed_on + timedelta(days=rng.choice((7, 15, 30, 60))),
                "责任单位": rng.choice(DEPARTMENTS),
                "整改状态": rng.choice(RECTIFY_STATUSES),
            }
            for key, value in values.items():
                ws.cell(header + 1 + k, cols[key], value)
        for (cell,) in ws.iter_rows(min_row=header + 1, min_col=1, max_col=1):
            if isinstance(cell.value, str) and cell.value.endswith("签字："):
                ws.cell(cell.row, 4, "、".join(rng.sample(("王建国", "李明", "张伟", "刘洋", "陈静"), 2)))
        target = folder / f"{template.stem.split('_')[-1]}交办清单.xlsx"
        wb.save(target)
        out.append(target)
    return out


def fill_progress_returns(templates: dict[Path, ProgressForm], folder: Path, *, seed: int = 2023,
                          report_day: date, wrong_reporter: str = "") -> list[Path]:
    """A filled 调度表 per template, with counts that keep the form's at_most rules; `wrong_reporter`'s
    has one count written as words ("约20"), as people do: an error, so it is sent back marked up."""
    out = []
    for n, (template, form) in enumerate(templates.items()):
        rng = random.Random(seed * 13 + n)
        wb = openpyxl.load_workbook(template)
        ws = wb[SHEET_PROGRESS]
        header = _row_of(ws, "类别")
        ws.cell(_row_of(ws, "填报时间："), 2, report_day)
        rows = {ws.cell(r, 3).value: r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 3).value}
        values: dict[str, object] = {}
        for cell in form.cells:
            if cell.type == "yesno":
                value = rng.choice(("是", "否"))
            elif cell.type == "amount":
                value = round(rng.uniform(0, 40), 1)
            else:
                value = rng.randint(0, 60)
            if cell.at_most is not None and isinstance(values.get(cell.at_most), (int, float)):
                limit = values[cell.at_most]
                value = rng.randint(0, int(limit)) if cell.type == "count" else round(rng.uniform(0, limit), 1)
            values[cell.key] = value
            ws.cell(rows[cell.label], 5, value)
        reporter = template.stem.split("_")[1]
        if reporter == wrong_reporter:
            first_count = next(c for c in form.cells if c.type == "count")
            ws.cell(rows[first_count.label], 5, f"约{rng.randint(10, 40)}")
        target = folder / f"{reporter}调度表.xlsx"
        wb.save(target)
        out.append(target)
    return out


def _row_of(ws, label: str) -> int:
    for row in ws.iter_rows(max_row=80):
        for cell in row:
            if cell.value == label:
                return cell.row
    raise LookupError(label)
