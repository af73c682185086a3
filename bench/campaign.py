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
