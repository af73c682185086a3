"""config.toml: the embedded default campaign, and one-line Chinese errors that name the key."""

from datetime import date
from pathlib import Path

import pytest

from inspection.cli import main
from inspection.spec.config import load_config, parse_round
from inspection.errors import ConfigError
from tests.conftest import ROOT


def test_default_config__xinyang_2023_campaign(config):
    assert config.round == "2023-08"
    assert len(config.units) == 11 and len(config.groups) == 11
    assert config.units[0] == "浉河区" and "息县" in config.units  # "息 县" in the annex, no space here
    assert (config.groups[0].number, config.groups[0].name, config.groups[0].units) == (1, "浉河区组", ("淮滨县",))
    assert config.group_for_unit("潢川县").number == 11
    assert sorted(v.unit for v in config.visits) == sorted(config.units)
    assert (config.group_noun, config.receiver, config.period) == ("专项行动组", "市安委会办公室", "每月")
    assert config.uses_dispatch and config.uses_followup
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
    ('unit = "淮滨县"', 'unit = "淮宾县"', "第 1 组的被检查单位：“淮宾县”不在被检查单位名单（units.names）中，是否为“淮滨县”？"),
    ('number = 2\n', 'number = 1\n', "第 1 组：组号 1 用了两次"),
    ('unit = "商城县"', 'units = ["淮滨县", "商城县"]', "第 2 组：“淮滨县”也在第 1 组"),
    ('round = "2023-08"', 'round = "第一轮"', "campaign.round：“第一轮”不是认得的轮次写法"),
    ('deadline = 2023-09-08', 'deadline = "9月8日"', "campaign.deadline"),
    ('deadline = 2023-09-08', 'deadline = 2023-08-01', "campaign.deadline"),
    ('rubric = "rubrics/xinyang_2023_cross_inspection.toml"', 'rubric = "rubrics/none.toml"', "campaign.rubric"),
    ('label = "县区"', 'label = ""', "units.label"),
    ('"浉河区", "平桥区"', '"浉河区", "浉河区"', "units.names"),
    ('dispatch = true', 'dispatch = false', "forms.followup"),
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
    assert err.startswith("无法运行：") and "第 1 组的被检查单位" in err and "\n" not in err


def test_unit_without_group__named(tmp_path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    start = text.index("[[groups]]\nnumber = 11")
    path = _config_with(tmp_path, text[start:], "")  # the last group (潢川县's) left out
    with pytest.raises(ConfigError, match="“潢川县”没有检查组"):
        load_config(path)


@pytest.mark.parametrize("typed, sortable", [
    ("2023-08", "2023-08"), ("2023-8", "2023-08"), ("2023年8月", "2023-08"), ("2023.08", "2023-08"),
    ("2023-Q3", "2023-Q3"), ("2023Q3", "2023-Q3"), ("2023年第三季度", "2023-Q3"), ("2023年第3季度", "2023-Q3"),
    ("2023-H1", "2023-H1"), ("2023年上半年", "2023-H1"), ("2023年下半年", "2023-H2"),
    ("2023", "2023"), ("2023年", "2023"), ("2023年度", "2023"), ("２０２３年８月", "2023-08"),
    ("2023年三季", "2023-Q3"), ("第一轮", None), ("2023-13", None), ("2023年第五季度", None), ("八月", None),
])
def test_round__forms_a_clerk_writes__sortable(typed, sortable):
    assert parse_round(typed) == sortable


def test_rounds_sort_in_time_order():
    quarters = ["2023年第四季度", "2023年第一季度", "2024年第一季度", "2023年第三季度"]
    assert sorted(quarters, key=parse_round) == ["2023年第一季度", "2023年第三季度", "2023年第四季度", "2024年第一季度"]


def test_missing_config__cli_exits_2(tmp_path, capsys):
    assert main(["templates", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "找不到配置文件" in capsys.readouterr().err
