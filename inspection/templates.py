"""Stage 1: every blank workbook of a campaign, written into one folder."""

from dataclasses import dataclass, field
from pathlib import Path
import time

from inspection.archive.query import tracked_hazards
from inspection.archive.schema import open_archive
from inspection.config import Config, load_config
from inspection.forms import load_form
from inspection.model import TrackedHazard
from inspection.pool import run_all
from inspection.progress import silent_progress
from inspection.rubric import Rubric, load_rubric
from inspection.writers.dispatch_template import write_dispatch_template
from inspection.writers.followup_template import write_followup_template
from inspection.writers.progress_template import write_progress_template
from inspection.writers.common import clear_stale_temps
from inspection.writers.scoring_template import write_scoring_template


@dataclass
class TemplatesResult:
    folder: Path
    scoring: list[Path] = field(default_factory=list)
    dispatch: list[Path] = field(default_factory=list)
    progress_units: list[Path] = field(default_factory=list)
    progress_departments: list[Path] = field(default_factory=list)
    followup: list[Path] = field(default_factory=list)  # one per unit with hazards still open
    open_hazards: int = 0
    seconds: float = 0.0

    @property
    def all(self) -> list[Path]:
        return [*self.scoring, *self.dispatch, *self.progress_units, *self.progress_departments, *self.followup]


def load_campaign(config_path: Path) -> tuple[Config, Rubric]:
    """The config and its rubric, both checked; raises SetupError subclasses."""
    config = load_config(config_path)
    return config, load_rubric(config.rubric_path)


def generate_templates(config: Config, rubric: Rubric, folder: Path, archive: Path | None = None, *,
                       jobs: int = 1, progress=None) -> TemplatesResult:
    """Write one 打分表 and one 交办清单 per group, one 调度表 per unit and per department, and, when
    the archive holds hazards not yet closed, one 隐患整改跟踪表 per unit that has any.
    With jobs > 1 the workbooks are written by a pool of processes; the files are the same."""
    started = time.perf_counter()
    clear_stale_temps(folder)
    by_unit = open_hazards(archive, config) if archive is not None and archive.exists() else {}
    tasks = [*((SCORING, g) for g in config.groups), *((DISPATCH, g) for g in config.groups),
             *((UNIT_FORM, u) for u in config.units), *((DEPARTMENT_FORM, d) for d in config.departments),
             *((FOLLOWUP, item) for item in by_unit.items())]
    writer = _Writer(config, rubric, folder)
    with (progress or silent_progress)(len(tasks)) as update:
        paths = list(run_all(_write_task, writer, tasks, jobs=jobs, min_items=POOL_MIN_TASKS, update=update))
    result = TemplatesResult(folder, open_hazards=sum(len(h) for h in by_unit.values()))
    lists = {SCORING: result.scoring, DISPATCH: result.dispatch, UNIT_FORM: result.progress_units,
             DEPARTMENT_FORM: result.progress_departments, FOLLOWUP: result.followup}
    for (kind, _), path in zip(tasks, paths):
        lists[kind].append(path)
    result.seconds = time.perf_counter() - started
    return result


POOL_MIN_TASKS = 32  # below this, worker processes cost more than they save
SCORING, DISPATCH, FOLLOWUP = "scoring", "dispatch", "followup"
UNIT_FORM, DEPARTMENT_FORM = "unit_form", "department_form"


class _Writer:
    """Writes one template of a kind; sent once to each worker process."""

    def __init__(self, config: Config, rubric: Rubric, folder: Path):
        self.config, self.rubric, self.folder = config, rubric, folder
        self.unit_form = load_form(config.progress_unit_form)
        self.department_form = load_form(config.progress_department_form)

    def write(self, kind: str, target) -> Path:
        if kind == SCORING:
            return write_scoring_template(self.config, self.rubric, target, self.folder)
        if kind == DISPATCH:
            return write_dispatch_template(self.config, target, self.folder)
        if kind == FOLLOWUP:
            unit, hazards = target
            return write_followup_template(self.config, unit, hazards, self.folder)
        form = self.unit_form if kind == UNIT_FORM else self.department_form
        return write_progress_template(self.config, form, target, self.folder)


def _write_task(writer: _Writer, task: tuple[str, object]) -> Path:
    return writer.write(*task)


def open_hazards(archive: Path, config: Config) -> dict[str, list[TrackedHazard]]:
    """Unit → its hazards not yet closed (销号), in config order and then as first assigned."""
    conn = open_archive(archive)
    try:
        tracked, _ = tracked_hazards(conn, config.campaign, config.round)
    finally:
        conn.close()
    by_unit: dict[str, list[TrackedHazard]] = {unit: [] for unit in config.units}
    for t in sorted(tracked, key=lambda t: (t.first_round, t.hazard.group or 0, t.hazard.number or 0, t.hazard.id)):
        if not t.closed_round and t.hazard.unit in by_unit:
            by_unit[t.hazard.unit].append(t)
    return {unit: hazards for unit, hazards in by_unit.items() if hazards}
