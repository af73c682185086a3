"""Stage 1: every blank workbook of a campaign, written into one folder."""

from dataclasses import dataclass, field
from pathlib import Path
import time

from inspection.config import Config, load_config
from inspection.forms import load_form
from inspection.rubric import Rubric, load_rubric
from inspection.writers.dispatch_template import write_dispatch_template
from inspection.writers.progress_template import write_progress_template
from inspection.writers.scoring_template import write_scoring_template


@dataclass
class TemplatesResult:
    folder: Path
    scoring: list[Path] = field(default_factory=list)
    dispatch: list[Path] = field(default_factory=list)
    progress_units: list[Path] = field(default_factory=list)
    progress_departments: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def all(self) -> list[Path]:
        return [*self.scoring, *self.dispatch, *self.progress_units, *self.progress_departments]


def load_campaign(config_path: Path) -> tuple[Config, Rubric]:
    """The config and its rubric, both checked; raises SetupError subclasses."""
    config = load_config(config_path)
    return config, load_rubric(config.rubric_path)


def generate_templates(config: Config, rubric: Rubric, folder: Path) -> TemplatesResult:
    """Write one 打分表 and one 交办清单 per group, one 调度表 per unit and per department."""
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
    result.seconds = time.perf_counter() - started
    return result
