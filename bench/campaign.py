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
    """A filled copy of every scoring template with valid, varied deductions (see fill_return)."""
    return [fill_return(template, rubric, folder, seed + n) for n, template in enumerate(templates)]


REASONS = ("抽查发现台账资料不全", "现场检查发现安全出口堵塞", "未提供会议记录", "培训记录缺少签字",
           "应急预案未按期演练", "隐患整改台账未闭环")


def fill_return(template: Path, rubric, folder: Path, seed: int, sheet: str = "打分表") -> Path:
    """A filled copy of one scoring template: 5–15 items lose points, each on one or more of its
    criteria, by a clause amount, the sum of the clauses, or 1–3 findings of a per-finding step,
    never more than the item's points — so every return is valid and the totals differ."""
    rng = random.Random(seed)
    chosen = {}
    for item in rng.sample(rubric.items, rng.randint(5, 15)):
        budget = item.points
        for criterion in rng.sample(item.criteria, rng.randint(1, len(item.criteria))):
            step = criterion.per_finding_step
            if step:
                amount = min(step * rng.randint(1, 3), budget - budget % step)
            else:
                clauses = [d.amount for d in criterion.deductions]
                amount = min(rng.choice([*clauses, sum(clauses)]), budget)
            if amount <= 0:
                continue
            budget -= amount
            chosen[criterion.id] = (float(amount), rng.choice(REASONS))
    return fill_scoring(template, folder / template.name, rubric, deductions=chosen, sheet=sheet)


SECTORS = ("危险化学品", "建筑施工", "城镇燃气", "道路交通", "消防", "工贸")
LEVELS = ("一般隐患", "一般隐患", "一般隐患", "重大事故隐患")
STATUSES = ("未整改", "整改中", "已整改")


def fill_dispatch_returns(templates: list[Path], folder: Path, hazards: int = 50, seed: int = 11) -> list[Path]:
    """A filled copy of every 交办清单 template with `hazards` rows (the template's 50 by default)."""
    return [fill_dispatch_return(t, folder, seed + n, hazards) for n, t in enumerate(templates)]


def fill_dispatch_return(template: Path, folder: Path, seed: int, hazards: int = 50) -> Path:
    from datetime import date, timedelta

    from tests.filling import fill_dispatch

    rng = random.Random(seed)
    rows = [{"企业（单位）名称": f"某{rng.choice(('化工', '建材', '燃气', '物流'))}有限公司{k}",
             "行业领域": rng.choice(SECTORS), "问题隐患描述": "安全出口堵塞，应急照明损坏",
             "隐患级别": rng.choice(LEVELS), "整改要求": "限期整改并复查",
             "整改时限": date(2023, 8, 20) + timedelta(days=rng.randint(0, 40)),
             "责任单位": "县应急管理局", "整改状态": rng.choice(STATUSES)} for k in range(1, hazards + 1)]
    return fill_dispatch(template, folder / template.name, rows)


def fill_progress_returns(templates: list[Path], folder: Path) -> list[Path]:
    """A filled copy of every 调度表 template: every count 3, every yes/no 否."""
    return [fill_progress_return(t, folder) for t in templates]


def fill_progress_return(template: Path, folder: Path) -> Path:
    from tests.filling import fill_progress

    return fill_progress(template, folder / template.name, {}, default=3)


def write_returns(config_path: Path, templates: Path, folder: Path, *, all_kinds: bool = False, jobs: int = 1,
                  with_self: bool = False, done=None) -> int:
    """Write the templates the returns need, with the tool's own writers as `generate_templates` calls
    them, and fill them as fill_returns (with all_kinds also fill_dispatch_returns and
    fill_progress_returns) would, with the same seeds; in `jobs` processes. `done(n)` is called as
    returns are written. Returns their number."""
    from inspection.spec.config import load_config

    config = load_config(config_path)
    tasks = [("scoring", n) for n in range(len(config.visits))]
    if all_kinds:
        tasks += [("dispatch", n) for n in range(len(config.visits))]
        tasks += [("progress", n) for n in range(len(config.units))]
    if with_self:
        tasks += [("self", n) for n in range(len(config.visits))]
    done = done or (lambda n: None)
    if jobs > 1 and len(tasks) > 1:
        import multiprocessing

        chunk = max(1, min(16, len(tasks) // (jobs * 8)))
        with multiprocessing.Pool(jobs, initializer=_start_filler, initargs=(config_path, templates, folder)) as pool:
            for _ in pool.imap_unordered(_fill_task, tasks, chunksize=chunk):
                done(1)
    else:
        _start_filler(config_path, templates, folder)
        for task in tasks:
            _fill_task(task)
            done(1)
    return len(tasks)


_filler = {}  # a filling process's campaign and folders


def _start_filler(config_path: Path, templates: Path, folder: Path) -> None:
    from inspection.spec.campaign import load_campaign

    campaign = load_campaign(config_path)
    _filler.update(config=campaign.config, rubric=campaign.rubric, templates=templates, folder=folder,
                   unit_form=campaign.unit_form)


def _fill_task(task: tuple[str, int]) -> Path:
    from inspection.constants import SELF_REVIEW
    from inspection.kinds.dispatch.template import write_dispatch_template
    from inspection.kinds.progress.template import write_progress_template
    from inspection.kinds.scoring.template import write_scoring_template

    kind, n = task
    config, templates, folder = _filler["config"], _filler["templates"], _filler["folder"]
    if kind == "scoring":
        template = write_scoring_template(config, _filler["rubric"], config.visits[n], templates)
        return fill_return(template, _filler["rubric"], folder, 7 + n)
    if kind == "self":  # the unit's own 自评表: same rubric, other seeds
        template = write_scoring_template(config, _filler["rubric"], config.visits[n], templates, SELF_REVIEW)
        return fill_return(template, _filler["rubric"], folder, 100_003 + n, sheet=SELF_REVIEW.sheet)
    if kind == "dispatch":
        return fill_dispatch_return(write_dispatch_template(config, config.visits[n], templates), folder, 11 + n)
    return fill_progress_return(write_progress_template(config, _filler["unit_form"], config.units[n], templates),
                                folder)
