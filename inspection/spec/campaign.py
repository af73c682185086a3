"""A campaign as the tool works with it: its config, rubric and progress forms, loaded and checked
once and passed to every stage (config.campaign is only the campaign's name)."""

from dataclasses import dataclass
from pathlib import Path

from inspection.spec.config import Config, load_config
from inspection.spec.progress_form import ProgressForm, load_form
from inspection.spec.rubric import Rubric, load_rubric


@dataclass(frozen=True)
class Campaign:
    config: Config
    rubric: Rubric
    unit_form: ProgressForm | None  # the 调度表 of the units inspected; None: the campaign has none
    department_form: ProgressForm | None  # the 调度表 of the departments
    notes: tuple[str, ...] = ()  # what the settings left to the tool and it assumed ("基本信息!B7：…按 2023年9月8日 读取")

    def form_for(self, reporter: str) -> ProgressForm | None:
        """The 调度表 a unit or a department fills in (None where the campaign has none)."""
        return self.unit_form if self.config.is_unit(reporter) else self.department_form


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")  # a setup workbook saved by any program


def load_campaign(config_path: Path) -> Campaign:
    """The config and everything it names, each checked; raises SetupError subclasses. The config
    is a config.toml, or a setup workbook (检查活动设置.xlsx) saying the same in Excel."""
    if Path(config_path).suffix.lower() in WORKBOOK_SUFFIXES:
        from inspection.setup.read import campaign_from_workbook  # the workbook needs the rubric parser
        return campaign_from_workbook(Path(config_path))
    return campaign_of(load_config(config_path))


def campaign_of(config: Config, rubric: Rubric | None = None, notes: tuple[str, ...] = ()) -> Campaign:
    """The campaign of a config already loaded: its rubric (unless given) and forms loaded now."""
    unit_form, department_form = (load_form(path) if path else None
                                  for path in (config.progress_unit_form, config.progress_department_form))
    return Campaign(config, rubric or load_rubric(config.rubric_path), unit_form, department_form, notes)
