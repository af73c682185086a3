"""The example campaigns in examples/: their rubrics add up, their configs are whole, and 002 (a district
campaign of 乡镇（街道）, quarterly) says nothing that belongs to another campaign.

Two kinds of tests here:

- The first part reads each config.toml with tomllib only (not with the tool's loader), checks the files it
  names exist, loads the rubrics with inspection.spec.rubric.load_rubric and the 调度表 forms with
  inspection.spec.progress_form.load_form, and searches 002's files for the forbidden words.
- The second part loads the configs with the tool's own loader ([forms] switches,
  campaign.receiver/group_noun/period, groups with `units`, no [[groups]] in 004), writes their templates
  and runs the demo on each.
"""

from pathlib import Path
import tomllib
import zipfile

import pytest

from inspection.spec.config import parse_round
from inspection.spec.progress_form import load_form
from inspection.spec.rubric import load_rubric
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
XINYANG_2023 = EXAMPLES / "000_信阳2023县际交叉检查"
PINGDINGSHAN_2023 = EXAMPLES / "001_平顶山重大隐患专项行动"
JIANAN_2023 = EXAMPLES / "002_建安区重大隐患专项行动"
XUCHANG_2018 = EXAMPLES / "004_许昌2018目标考评"
FOLDERS = [XINYANG_2023, PINGDINGSHAN_2023, JIANAN_2023, XUCHANG_2018]

# Words of the default (Xinyang, county-level, monthly) campaign that must not show in the district example:
# not in its files, not in the workbooks generated from it.
FOREIGN_WORDS = ("信阳", "县区", "专项行动组", "每月")

# folder → (rubric id, total, criteria, units, groups, departments)
FACTS = {
    XINYANG_2023: ("xinyang-2023-cross-inspection", 100, 67, 11, 11, 9),
    PINGDINGSHAN_2023: ("pingdingshan-2023-major-hazard-example", 30, 12, 12, 6, 17),
    JIANAN_2023: ("jianan-2023-example", 25, 11, 18, 6, 8),
    XUCHANG_2018: ("xuchang-2018-responsibility-targets", 40, 43, 6, 0, 0),
}


def ids(folder: Path) -> str:
    return folder.name[:3]


def raw(folder: Path) -> dict:
    with open(folder / "config.toml", "rb") as f:
        return tomllib.load(f)


def group_units(group: dict) -> list[str]:
    """A group inspects `units = [...]`, or one `unit = "..."`."""
    return list(group["units"]) if "units" in group else [group["unit"]]


def test_examples__the_four_folders_each_with_config_and_readme():
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) == sorted(f.name for f in FOLDERS)
    for folder in FOLDERS:
        assert (folder / "config.toml").is_file() and (folder / "README.md").is_file(), folder.name


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_config__files_it_names_exist_relative_to_its_folder(folder):
    data = raw(folder)
    assert (folder / data["campaign"]["rubric"]).is_file()
    for key in ("progress_unit", "progress_department"):
        if key in data.get("forms", {}):
            assert (folder / data["forms"][key]).is_file(), key


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_rubric__loads_and_adds_up(folder):
    rubric_id, total, criteria, *_ = FACTS[folder]
    rubric = load_rubric(folder / raw(folder)["campaign"]["rubric"])  # checks part/section/item sums and ids
    assert (rubric.id, rubric.total, len(rubric.criteria)) == (rubric_id, total, criteria)
    labels = [c.label for c in rubric.criteria]
    if folder is not XINYANG_2023:  # Xinyang's annex uses the label (48) twice, on purpose
        assert len(labels) == len(set(labels))


@pytest.mark.parametrize("folder", [PINGDINGSHAN_2023, JIANAN_2023], ids=ids)
def test_invented_rubric__is_marked_as_an_example(folder):
    rubric = load_rubric(folder / "rubric.toml")
    assert "示例" in rubric.name and "示例" in rubric.title
    assert "示例" in (folder / "README.md").read_text(encoding="utf-8")
    assert 20 <= rubric.total <= 40 and 3 <= len(rubric.sections) <= 4 and 8 <= len(rubric.criteria) <= 12


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_config__every_unit_in_exactly_one_group_and_counts(folder):
    *_, units, groups, departments = FACTS[folder]
    data = raw(folder)
    names = data["units"]["names"]
    assert len(names) == units and len(set(names)) == units
    assert len(data.get("groups", [])) == groups
    assert len(data.get("departments", {}).get("names", [])) == departments
    if groups:
        covered = [u for g in data["groups"] for u in group_units(g)]
        assert sorted(covered) == sorted(names)
        assert [g["number"] for g in data["groups"]] == list(range(1, groups + 1))


def test_001__groups_as_in_annex_2():
    groups = raw(PINGDINGSHAN_2023)["groups"]
    assert group_units(groups[0]) == ["宝丰县", "湛河区"]
    assert groups[0]["leader"] == "孙宝印（市应急管理局局长）" and groups[0]["phone"] == "13939968926"
    assert group_units(groups[5]) == ["汝州市", "石龙区"]
    assert all(g.get(k) for g in groups for k in ("leader", "deputy", "members", "liaison", "phone"))


def test_002__forms_are_quarterly_and_for_townships():
    data = raw(JIANAN_2023)
    town = load_form(JIANAN_2023 / data["forms"]["progress_unit"])
    department = load_form(JIANAN_2023 / data["forms"]["progress_department"])
    assert town.reporter_label == "乡镇（街道）" and town.title == "各乡镇（街道）专项行动进展情况调度表"
    for form in (town, department):
        assert "季度" in form.notes[0]
        assert not any(word in note for note in form.notes for word in ("月度", "每月"))
    # same cells as the Pingdingshan annexes they are copied from, only the words changed
    assert [c.key for c in town.cells] == [c.key for c in load_form(ROOT / "forms" / "progress_unit.toml").cells]
    assert [c.key for c in department.cells] == [
        c.key for c in load_form(ROOT / "forms" / "progress_department.toml").cells]


def test_002__no_foreign_words_in_its_files():
    found = [
        f"{path.relative_to(JIANAN_2023)}：{word}"
        for path in sorted(JIANAN_2023.rglob("*")) if path.is_file()
        for word in FOREIGN_WORDS if word in path.read_text(encoding="utf-8")
    ]
    assert not found


def test_004__scoring_sheet_only():
    data = raw(XUCHANG_2018)
    assert "groups" not in data and "departments" not in data and "hazards" not in data
    forms = data.get("forms", {})
    assert not forms.get("dispatch") and not forms.get("followup")
    assert "progress_unit" not in forms and "progress_department" not in forms


# ======================================================================================================
# The examples through the tool's own loader: their templates, and the demo on each.
# ======================================================================================================

from inspection.spec.campaign import load_campaign  # noqa: E402
from inspection.spec.config import load_config  # noqa: E402
from inspection.templates import generate_templates  # noqa: E402


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_new_schema__config_loads(folder):
    *_, units, groups, departments = FACTS[folder]
    data = raw(folder)
    config = load_config(folder / "config.toml")
    assert config.units == tuple(data["units"]["names"])
    assert config.unit_label == data["units"]["label"]
    assert config.round_label == str(data["campaign"]["round"]) and config.round == parse_round(config.round_label)
    assert (len(config.groups), len(config.departments)) == (groups, departments)
    assert config.rubric_path.resolve() == (folder / data["campaign"]["rubric"]).resolve()
    # new keys (attribute names guessed)
    assert config.receiver == data["campaign"]["receiver"]
    assert config.group_noun == data["campaign"].get("group_noun", "专项行动组")
    if groups:
        assert sorted(u for g in config.groups for u in g.units) == sorted(config.units)


def test_new_schema__001_a_group_inspects_two_units():
    config = load_config(PINGDINGSHAN_2023 / "config.toml")
    assert config.group_for_unit("湛河区").number == config.group_for_unit("宝丰县").number == 1
    assert config.group_for_unit("高新区").number == 5


def test_new_schema__002_quarterly_townships():
    config = load_config(JIANAN_2023 / "config.toml")
    assert (config.unit_label, config.round, config.shown_round, config.period) == (
        "乡镇（街道）", "2023-Q3", "2023年第三季度", "每季度")
    assert config.group_noun == "综合检查组" and config.receiver == "区安委会办公室"


def _workbook_text(path: Path) -> str:
    """Every XML part of an .xlsx (cells, shared strings, headers, validations, _meta), as text."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_new_schema__templates_one_scoring_sheet_per_unit(folder, tmp_path):
    *_, units, groups, departments = FACTS[folder]
    result = generate_templates(load_campaign(folder / "config.toml"), tmp_path)
    assert len(result.scoring) == units
    if folder is XUCHANG_2018:
        assert result.all == result.scoring  # no 交办清单, no 调度表
    else:
        assert (len(result.progress_units), len(result.progress_departments)) == (units, departments)


def test_new_schema__002_templates_say_nothing_of_another_campaign(tmp_path):
    result = generate_templates(load_campaign(JIANAN_2023 / "config.toml"), tmp_path)
    assert result.scoring and result.dispatch and result.progress_units and result.progress_departments
    found = [
        f"{path.name}：{word}"
        for path in result.all
        for word in FOREIGN_WORDS if word in path.name or word in _workbook_text(path)
    ]
    assert not found


def test_new_schema__004_subtitle_reads_without_a_group(tmp_path):
    # The Xuchang rubric's subtitle is "（第{group_no}考评组考评{unit}）" and this campaign has no groups:
    # the sheet must not show an empty group number ("第考评组") or a placeholder left unfilled.
    result = generate_templates(load_campaign(XUCHANG_2018 / "config.toml"), tmp_path)
    for path in result.scoring:
        text = _workbook_text(path)
        assert "第考评组" not in text and "{group_no}" not in text and "{unit}" not in text, path.name


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_example_end_to_end__templates_filled_returns_ranking(folder, tmp_path, capsys):
    """Each example as a clerk would try it: `demo --config` writes its templates, fills them as the
    groups would (leaving the last unit out), and ranks the rest."""
    from inspection.cli import main

    *_, units, groups, departments = FACTS[folder]
    out = tmp_path / "output"
    assert main(["demo", "--config", str(folder / "config.toml"), "--templates", str(tmp_path / "templates"),
                 "--input", str(tmp_path / "input"), "--output", str(out), "--jobs", "1"]) == 0
    config = load_config(folder / "config.toml")
    assert f"已排名 {units - 1} 个{config.unit_label}。未报送：{config.units[-1]}。" in capsys.readouterr().out
    report = next(out.glob("排名汇总_*.xlsx"))
    import openpyxl
    wb = openpyxl.load_workbook(report, read_only=True)
    ranked = [row[1] for row in wb["排名"].iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    assert len(ranked) == units - 1 and config.units[-1] not in ranked
    has = set(wb.sheetnames)
    assert ("问题隐患台账" in has) == config.uses_dispatch
    assert ("进展调度汇总（部门）" in has) == bool(config.progress_department_form)
    if folder is JIANAN_2023:
        text = _workbook_text(report)
        assert not [w for w in FOREIGN_WORDS if w in text]


def test_001_a_group_of_two_units__their_hazards_get_different_ids(tmp_path):
    from inspection.run import run
    from tests.filling import fill_dispatch

    campaign = load_campaign(PINGDINGSHAN_2023 / "config.toml")
    templates = generate_templates(campaign, tmp_path / "templates")
    for path in templates.dispatch[:2]:  # 第一组: 宝丰县 and 湛河区, one list each
        fill_dispatch(path, tmp_path / "input" / path.name, [{"企业（单位）名称": "某公司", "问题隐患描述": "某隐患"}],
                      listed_on=campaign.config.inspection_start)
    result = run(campaign, tmp_path / "input", tmp_path / "output")
    assert sorted((h.unit, h.id[-7:]) for h in result.hazards) == [("宝丰县", "01A-001"), ("湛河区", "01B-001")]
