"""Stage 1: every blank workbook of a campaign, written into one folder."""

from dataclasses import dataclass, field
from pathlib import Path
import time

from inspection.archive.query import tracked_hazards
from inspection.archive.schema import open_archive
from inspection.config import Config, load_config
from inspection.forms import load_form
from inspection.model import TrackedHazard
from inspection.rubric import Rubric, load_rubric
from inspection.writers.dispatch_template import write_dispatch_template
from inspection.writers.followup_template import write_followup_template
from inspection.writers.progress_template import write_progress_template
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


def generate_templates(config: Config, rubric: Rubric, folder: Path, archive: Path | None = None) -> TemplatesResult:
    """Write one 打分表 and one 交办清单 per group, one 调度表 per unit and per department, and, when
    the archive holds hazards not yet closed, one 隐患整改跟踪表 per unit that has any."""
    started = time.perf_counter()
    unit_form = load_form(config.progress_unit_form)
    department_form = load_form(config.progress_department_form)
    result = TemplatesResult(folder)
    for group in config.groups:
        result.scoring.append(write_scoring_template(config, rubric, group, folder))
        result.dispatch.append(write_dispatch_template(config, group, folder))
    for unit in config.units:
        result.progress_units.append(write_progress_template(config, unit_form, unit, folder))
    for department in config.departments:
        result.progress_departments.append(write_progress_template(config, department_form, department, folder))
    if archive is not None and archive.exists():
        by_unit = open_hazards(archive, config)
        for unit, hazards in by_unit.items():
            result.followup.append(write_followup_template(config, unit, hazards, folder))
        result.open_hazards = sum(len(h) for h in by_unit.values())
    result.seconds = time.perf_counter() - started
    return result


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
