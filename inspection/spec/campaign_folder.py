"""One folder per campaign: its settings, templates/, input/, output/ (and the archive in it).

`new` starts one from a sample campaign: the settings are copied with the files they name that are
the sample's own (an example's rubric.toml, its forms/); what the tool ships (rubrics/, forms/) is
found from any campaign folder without copying (config.path_key falls back to it).
"""

from dataclasses import dataclass
from pathlib import Path
import shutil

from inspection.spec.config import load_config
from inspection.constants import DEFAULT_CONFIG, DEFAULT_INPUT_DIR
from inspection.errors import SetupError
from inspection.spec.home import homes


@dataclass(frozen=True)
class NewSettings:
    path: Path  # the settings file written
    name: str  # its name, as printed
    source: Path  # what it was copied from


def new_campaign(folder: Path, source: Path | None = None) -> tuple[Path, NewSettings]:
    """Make `folder` a new campaign folder from `source` (a config.toml or the folder holding one;
    default: the tool's own sample). Never writes over an existing folder's files."""
    source = _settings(source)
    load_config(source)  # a broken sample is said now, not at the first command
    if folder.exists() and any(folder.iterdir()):
        raise SetupError(f"文件夹 {folder} 已存在且不是空的：请换一个名称（新建的活动文件夹不会覆盖已有的文件）")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DEFAULT_CONFIG
    shutil.copyfile(source, target)
    if not _is_builtin(source.parent):  # an example or another campaign: its own rubric and forms come along
        for path in source.parent.glob("*.toml"):
            if path.name != DEFAULT_CONFIG:
                shutil.copyfile(path, folder / path.name)
        if (source.parent / "forms").is_dir():
            shutil.copytree(source.parent / "forms", folder / "forms", dirs_exist_ok=True)
    (folder / DEFAULT_INPUT_DIR).mkdir(exist_ok=True)
    load_config(target)  # the copy resolves its files from the new folder (or the tool's own)
    return folder, NewSettings(target, DEFAULT_CONFIG, source)


def _settings(source: Path | None) -> Path:
    if source is None:
        for home in homes():
            if (home / DEFAULT_CONFIG).is_file():
                return home / DEFAULT_CONFIG
        raise SetupError("找不到本工具自带的样例设置 config.toml：请用 --from 指定一个活动的 config.toml")
    if source.is_dir():
        source = source / DEFAULT_CONFIG
    if not source.is_file():
        raise SetupError(f"找不到样例设置 {source}：--from 请指定一个 config.toml，或含有它的活动文件夹")
    return source


def _is_builtin(folder: Path) -> bool:
    return any(folder.resolve() == home for home in homes())
