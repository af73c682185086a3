"""A synthetic campaign of N units for the benchmarks: config, templates and filled returns."""

import json
from pathlib import Path
import random
import shutil
import sys

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.filling import fill_scoring  # noqa: E402  (the same filler the tests use)


def write_config(folder: Path, n_units: int) -> Path:
    """The default config with N made-up units, each inspected by its own group."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("rubrics", "forms"):
        target = folder / sub
        if not target.exists():
            shutil.copytree(ROOT / sub, target)
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    head = text[:text.index("[units]")]
    units = [f"测试{n:04d}县" for n in range(1, n_units + 1)]
    rest = text[text.index("[departments]"):text.index("[[groups]]")]
    groups = "".join(f'\n[[groups]]\nnumber = {n}\nname = "第{n}组"\nunit = "{unit}"\n'
                     for n, unit in enumerate(units, start=1))
    body = f'[units]\nlabel = "县区"\nnames = {json.dumps(units, ensure_ascii=False)}\n\n'
    path = folder / "config.toml"
    path.write_text(head + body + rest + groups, encoding="utf-8")
    return path


def fill_returns(templates: list[Path], rubric, folder: Path, seed: int = 7) -> list[Path]:
    """A filled copy of every scoring template with 5–15 valid deductions each."""
    out = []
    for n, template in enumerate(templates):
        rng = random.Random(seed + n)
        chosen = {}
        for item in rng.sample(rubric.items, rng.randint(5, 15)):
            criterion = rng.choice(item.criteria)
            amount = min(item.points, criterion.deductions[0].amount)
            chosen[criterion.id] = (float(amount), "抽查发现台账资料不全")
        out.append(fill_scoring(template, folder / template.name, rubric, deductions=chosen))
    return out


SECTORS = ("危险化学品", "建筑施工", "城镇燃气", "道路交通", "消防", "工贸")
LEVELS = ("一般隐患", "一般隐患", "一般隐患", "重大事故隐患")
STATUSES = ("未整改", "整改中", "已整改")


def fill_dispatch_returns(templates: list[Path], folder: Path, hazards: int = 50, seed: int = 11) -> list[Path]:
    """A filled copy of every 交办清单 template with `hazards` rows (the template's 50 by default)."""
    from datetime import date, timedelta

    from tests.filling import fill_dispatch

    out = []
    for n, template in enumerate(templates):
        rng = random.Random(seed + n)
        rows = [{"企业（单位）名称": f"某{rng.choice(('化工', '建材', '燃气', '物流'))}有限公司{k}",
                 "行业领域": rng.choice(SECTORS), "问题隐患描述": "安全出口堵塞，应急照明损坏",
                 "隐患级别": rng.choice(LEVELS), "整改要求": "限期整改并复查",
                 "整改时限": date(2023, 8, 20) + timedelta(days=rng.randint(0, 40)),
                 "责任单位": "县应急管理局", "整改状态": rng.choice(STATUSES)} for k in range(1, hazards + 1)]
        out.append(fill_dispatch(template, folder / template.name, rows))
    return out


def fill_progress_returns(templates: list[Path], folder: Path) -> list[Path]:
    """A filled copy of every 调度表 template: every count 3, every yes/no 否."""
    from tests.filling import fill_progress

    return [fill_progress(t, folder / t.name, {}, default=3) for t in templates]
