"""config.toml: the embedded default campaign, and one-line Chinese errors that name the key."""

from datetime import date
from pathlib import Path

import pytest

from inspection.cli import main
from inspection.config import load_config
from inspection.errors import ConfigError
from tests.conftest import ROOT


def test_default_config__xinyang_2023_campaign(config):
    assert config.round == "2023-08"
    assert len(config.units) == 11 and len(config.groups) == 11
    assert config.units[0] == "浉河区" and "息县" in config.units  # "息 县" in the annex, no space here
    assert (config.groups[0].number, config.groups[0].name, config.groups[0].unit) == (1, "浉河区组", "淮滨县")
    assert config.group_for_unit("潢川县").number == 11
    assert sorted(g.unit for g in config.groups) == sorted(config.units)
    assert (config.inspection_start, config.inspection_end, config.deadline) == (
        date(2023, 8, 7), date(2023, 8, 28), date(2023, 9, 8))
    assert "市应急局" in config.departments and len(config.departments) == 9
    assert config.rubric_path.name == "xinyang_2023_cross_inspection.toml"


def _config_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert old in text, old
    for sub in ("rubrics", "forms"):
        (tmp_path / sub).symlink_to(ROOT / sub)
    path = tmp_path / "config.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, key", [
    ('unit = "淮滨县"', 'unit = "淮滨"', "groups[0].unit"),
    ('number = 2\n', 'number = 1\n', "[[groups]]"),
    ('round = "2023-08"', 'round = "2023/08"', "campaign.round"),
    ('deadline = 2023-09-08', 'deadline = "9月8日"', "campaign.deadline"),
    ('deadline = 2023-09-08', 'deadline = 2023-08-01', "campaign.deadline"),
    ('rubric = "rubrics/xinyang_2023_cross_inspection.toml"', 'rubric = "rubrics/none.toml"', "campaign.rubric"),
    ('label = "县区"', 'label = ""', "units.label"),
    ('"浉河区", "平桥区"', '"浉河区", "浉河区"', "units.names"),
])
def test_bad_config__one_line_error_naming_key(tmp_path, old, new, key):
    with pytest.raises(ConfigError) as err:
        load_config(_config_with(tmp_path, old, new))
    message = str(err.value)
    assert key in message and "\n" not in message


def test_bad_config__cli_exits_2_with_one_line(tmp_path, capsys):
    path = _config_with(tmp_path, 'unit = "淮滨县"', 'unit = "淮滨"')
    assert main(["templates", "--config", str(path), "--output", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("无法运行：") and "groups[0].unit" in err and "\n" not in err


def test_missing_config__cli_exits_2(tmp_path, capsys):
    assert main(["templates", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "找不到配置文件" in capsys.readouterr().err
