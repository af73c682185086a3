"""`process.py setup`: config.toml → 检查活动设置.xlsx, and back (`--from-workbook`)."""

from pathlib import Path

from inspection.spec.campaign import Campaign, load_campaign
from inspection.spec.home import builtin, settings_path
from inspection.setup.sheets import SHEET_BASICS, SHEET_PARSED, WORKBOOK_FILE
from inspection.errors import SetupError
from inspection.setup.read import ERROR, Problem, SetupData, campaign_from_setup, read_setup
from inspection.setup.toml_out import dumps
from inspection.setup.write import write_parsed, write_setup
from inspection.paper.common import Styles, atomic_text, atomic_workbook

CONFIG_FILE, RUBRIC_FILE = "config.toml", "rubric.toml"


def workbook_from_config(config_path: Path, folder: Path) -> tuple[Campaign, Path]:
    """The setup workbook of the campaign config_path describes (a TOML file or another workbook)."""
    target = folder / WORKBOOK_FILE
    if target.exists():  # the clerk's own, perhaps edited: never written over
        raise SetupError(f"{target} 已经存在（里面可能有改过的内容），没有覆盖。要重新生成，请先把它改名或移走，"
                         "或用 --output 写到别的文件夹")
    campaign = load_campaign(config_path)
    folder.mkdir(parents=True, exist_ok=True)
    return campaign, write_setup(campaign, target)


def default_toml_folder(workbook: Path) -> Path:
    """Where --from-workbook writes unless told: a folder of its own beside the workbook, so that no
    config.toml already there is overwritten."""
    return workbook.parent / f"{workbook.stem}_配置"


def toml_from_workbook(workbook: Path, folder: Path) -> tuple[Campaign, Path, Path, Path]:
    """config.toml and rubric.toml in `folder` from the workbook, and 解析结果 beside them; the
    workbook is checked as `--config` would check it (SetupError listing every problem)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = read_setup(workbook)
    parsed = folder / f"{workbook.stem}_{SHEET_PARSED}.xlsx"
    campaign = None
    try:
        campaign = campaign_from_setup(data, workbook)
    except SetupError as err:  # refused after its cells were read (config_from_data): listed too
        if not data.problems:
            data.problems.append(Problem(SHEET_BASICS, ERROR, str(err)))
        raise
    finally:  # the problems are written down for the clerk also when the workbook is refused
        _write_parsed(parsed, campaign, data)
    config = _config_toml(data, workbook.parent, folder)
    config_path, rubric_path = folder / CONFIG_FILE, folder / RUBRIC_FILE
    atomic_text(config_path, dumps(config, f"检查活动配置：由 {workbook.name} 生成（python process.py setup --from-workbook）。"))
    atomic_text(rubric_path, dumps(data.rubric, f"考评细则：由 {workbook.name} 的“考评细则”工作表读出。"))
    return campaign, config_path, rubric_path, parsed


def _config_toml(data: SetupData, workbook_folder: Path, folder: Path) -> dict:
    """The workbook's config with its paths as config.toml in `folder` needs them."""
    config = {key: dict(value) if isinstance(value, dict) else value for key, value in data.config.items()}
    config["campaign"]["rubric"] = RUBRIC_FILE
    for key in ("progress_unit", "progress_department"):
        if config["forms"].get(key):
            target = workbook_folder / config["forms"][key]
            config["forms"][key] = settings_path(target if target.is_file() else builtin(config["forms"][key]) or target,
                                                 folder)
        else:
            config["forms"].pop(key, None)
    order = ("campaign", "units", "forms", "departments", "hazards", "groups")
    return {key: config[key] for key in order if key in config}


def _write_parsed(path: Path, campaign: Campaign | None, data: SetupData) -> None:
    problems = sorted(data.problems, key=lambda p: p.level != ERROR)
    with atomic_workbook(path) as wb:
        write_parsed(wb.add_worksheet(SHEET_PARSED), Styles(wb), campaign.rubric if campaign else None, problems)
