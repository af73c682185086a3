"""A campaign is a season of runs, in its own folder: corrections close the loop, rounds and
campaigns never collide, the tool's own files are set aside, history is never lost silently."""

from pathlib import Path
import shutil
import sqlite3

import openpyxl
import pytest

from inspection.spec.campaign import load_campaign
from inspection.cli import main
from inspection.constants import META_REPLACES, SCORING_FILE, SHEET_CORRECTIONS, SHEET_META
from inspection.findings import Code
from inspection.model import ACCEPTED, IGNORED, REJECTED, SUPERSEDED
from inspection.run import run
from inspection.sendback.send import FOLDER
from tests.filling import fill_scoring
from tests.libreoffice import convert

UNITS_WITH_ERROR, UNIT_WARNED = "淮滨县", "平桥区"


class Season:
    """A campaign folder made by `new`, run through the CLI as a clerk would."""

    def __init__(self, folder: Path, capsys):
        self.folder, self.capsys = folder, capsys
        assert main(["new", str(folder)]) == 0
        self.config = folder / "config.toml"
        self.input = folder / "input"

    def cli(self, *args: str) -> int:
        return main([*args, "--config", str(self.config)])

    def set_round(self, round_: str) -> None:
        text = self.config.read_text(encoding="utf-8")
        current = load_campaign(self.config).config.round
        self.config.write_text(text.replace(f'round = "{current}"', f'round = "{round_}"'), encoding="utf-8")

    def campaign(self):
        return load_campaign(self.config)

    def templates(self, round_: str) -> Path:
        return self.folder / "templates" / round_

    def fill_round(self, round_: str, into: Path, *, flawed: bool) -> None:
        """Every unit's 打分表 of the round; with `flawed`, one with an error (a reason that gives none)
        and one with a warning (a reason without a deduction)."""
        campaign = self.campaign()
        for visit in campaign.config.visits:
            deductions = {"c07": (1, "抽查企业未建立台账")}
            if flawed and visit.unit == UNITS_WITH_ERROR:
                deductions = {"c07": (1, "无")}  # D006
            elif flawed and visit.unit == UNIT_WARNED:
                deductions = {"c07": (1, "抽查企业未建立台账"), "c08": (None, "培训记录不全")}  # D007
            name = SCORING_FILE.format(group=visit.group.number, unit=visit.unit)
            fill_scoring(self.templates(round_) / name, into / name, campaign.rubric, deductions=deductions)

    def sent(self, round_: str) -> list[Path]:
        folder = self.folder / "output" / FOLDER / round_
        return sorted(folder.rglob("*.xlsx")) if folder.is_dir() else []

    def run(self):
        """The run's result, as run() gives it (the CLI's exit code is checked separately)."""
        return run(self.campaign(), self.input, self.folder / "output")


def fix_marked_copy(copy: Path, target: Path, *, keep_note: bool = True) -> Path:
    """What a group does with a copy sent back: fix the marked cells (here: reasons), save."""
    wb = openpyxl.load_workbook(copy)
    ws = wb["打分表"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "无":
                cell.value = "抽查企业未建立台账"
            elif cell.value == "培训记录不全" and ws.cell(cell.row, cell.column - 1).value in (None, ""):
                ws.cell(cell.row, cell.column - 1).value = 0.5
    if not keep_note:
        wb.remove(wb[SHEET_CORRECTIONS])
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def statuses(result) -> dict[str, tuple[str, str]]:
    return {f.path: (f.status, f.reason) for f in result.files}


def test_season__two_rounds_in_a_campaign_folder__exit_0_and_nothing_sent_back_twice(tmp_path, capsys):
    season = Season(tmp_path / "2023交叉检查", capsys)
    assert season.cli("templates") == 0
    assert len(list(season.templates("2023-08").glob("*.xlsx"))) == 64

    # Round 1: one return with an error, one with a warning.
    season.fill_round("2023-08", season.input, flawed=True)
    assert season.cli("run", "--quiet") == 1
    to_fix, to_check = season.sent("2023-08")
    assert to_fix.name.endswith("（退回修改）.xlsx") and to_check.name.endswith("（请核实）.xlsx")

    # Corrections of both kinds, dropped beside the originals: the 退回修改 copy fixed in place (its
    # name kept), the 请核实 copy fixed and saved by LibreOffice, renamed "…（修改后）".
    fix_marked_copy(to_fix, season.input / to_fix.name)
    fixed = fix_marked_copy(to_check, tmp_path / "lo" / to_check.name, keep_note=False)
    resaved = convert(fixed, "xlsx", tmp_path / "lo" / "out", tmp_path / "profile")
    shutil.copy(resaved, season.input / to_check.name.replace("（请核实）", "（修改后）"))
    assert season.cli("run", "--quiet") == 0
    result = season.run()
    superseded = {path: reason for path, (status, reason) in statuses(result).items() if status == SUPERSEDED}
    assert sorted(superseded) == sorted(p.name.replace("（退回修改）", "").replace("（请核实）", "")
                                        for p in (to_fix, to_check))
    assert all(reason.startswith("以 ") for reason in superseded.values())
    assert not [f for f in result.findings if f.file in superseded]  # never an error, never a warning
    assert season.sent("2023-08") == []  # nothing sent back again

    # Round 2: its templates beside round 1's, round 1's files still in input/.
    season.set_round("2023-09")
    assert season.cli("templates") == 0
    assert season.templates("2023-08").is_dir() and len(list(season.templates("2023-09").glob("*.xlsx"))) == 64
    season.fill_round("2023-09", season.input / "9月", flawed=False)
    assert season.cli("run", "--quiet") == 0
    result = season.run()
    kept = [(status, reason) for path, (status, reason) in statuses(result).items() if not path.startswith("9月/")]
    assert {status for status, _ in kept} == {IGNORED}
    assert {reason for _, reason in kept} == {"上一轮（2023-08）的表格，已归档"}
    assert season.sent("2023-09") == [] and not [f for f in result.findings if f.level != "提示" and f.file]
    capsys.readouterr()
    assert season.cli("history") == 0
    shown = capsys.readouterr().out
    assert "2023-08" in shown and "2023-09" in shown


# --- every way a correction comes back --------------------------------------------------------

@pytest.fixture(scope="module")
def originals(tmp_path_factory, campaign):
    """One unit's original returns — rejected (an error) and accepted with a warning — each run once,
    with the copy sent back for it: {"rejected" | "warned": (original, copy)}."""
    folder = tmp_path_factory.mktemp("originals")
    templates = folder / "templates"
    from inspection.templates import generate_templates
    made = generate_templates(campaign, templates)
    template = next(p for p in made.scoring if UNITS_WITH_ERROR in p.name)
    out = {}
    for case, deductions in (("rejected", {"c07": (1, "无")}),
                             ("warned", {"c07": (1, "抽查企业未建立台账"), "c08": (None, "培训记录不全")})):
        inputs = folder / case / "input"
        original = fill_scoring(template, inputs / f"{UNITS_WITH_ERROR}打分表.xlsx", campaign.rubric,
                                deductions=deductions)
        result = run(campaign, inputs, folder / case / "output")
        (copy,) = sorted((folder / case / "output" / FOLDER).rglob("*.xlsx"))
        assert result.files[0].status == (REJECTED if case == "rejected" else ACCEPTED)
        out[case] = (original, copy, result.files[0].sha256)
    return out


@pytest.fixture(scope="module")
def fixed(originals, tmp_path_factory):
    """Each original's copy fixed with openpyxl (an Excel-like save) and saved by LibreOffice, with
    and without its 修改说明: {(case, saved_by, keep_note): path}. LibreOffice runs once for all."""
    folder = tmp_path_factory.mktemp("fixed")
    out, to_convert = {}, []
    for case, (_, copy, _) in originals.items():
        for keep in (True, False):
            path = fix_marked_copy(copy, folder / f"{case}-{keep}" / copy.name, keep_note=keep)
            out[case, "excel", keep] = path
            to_convert.append(((case, "libreoffice", keep), path))
    for key, path in to_convert:
        out[key] = convert(path, "xlsx", path.parent / "lo", folder / "profile")
    return out


@pytest.mark.parametrize("case", ["rejected", "warned"])
@pytest.mark.parametrize("saved_by", ["excel", "libreoffice"])
@pytest.mark.parametrize("keep_note", [True, False], ids=["修改说明留着", "修改说明删了"])
@pytest.mark.parametrize("renamed", [False, True], ids=["原名", "改名"])
@pytest.mark.parametrize("beside", [True, False], ids=["放在原表旁", "替换原表"])
def test_correction__any_save_any_name__supersedes_the_original(case, saved_by, keep_note, renamed, beside, originals,
                                                                  fixed, campaign, tmp_path):
    original, copy, sha = originals[case]
    inputs = tmp_path / "input"
    inputs.mkdir()
    if beside:
        shutil.copy(original, inputs / original.name)
    name = f"{UNITS_WITH_ERROR}打分表（已改）.xlsx" if renamed else copy.name
    shutil.copy(fixed[case, saved_by, keep_note], inputs / name)
    meta = openpyxl.load_workbook(inputs / name)[SHEET_META]
    assert any(row[0] == META_REPLACES and row[1] == sha for row in meta.iter_rows(values_only=True))
    result = run(campaign, inputs, tmp_path / "output")
    status = statuses(result)
    assert status[name][0] == ACCEPTED, [(f.code.name, f.message) for f in result.findings if f.file == name]
    if beside:
        assert status[original.name][0] == SUPERSEDED and status[original.name][1].startswith(f"以 {name} 为准")
    assert not [f for f in result.findings if f.file and f.level != "提示"]
    assert not list((tmp_path / "output" / FOLDER).rglob("*.xlsx"))  # nothing goes back


def test_two_versions_nothing_says_which__M009_names_where_they_differ(campaign, templates, tmp_path):
    template = next(p for p in templates.scoring if UNITS_WITH_ERROR in p.name)
    inputs = tmp_path / "input"
    fill_scoring(template, inputs / "甲.xlsx", campaign.rubric, deductions={"c07": (1, "台账缺失")})
    fill_scoring(template, inputs / "乙.xlsx", campaign.rubric, deductions={"c07": (2, "台账缺失")})
    result = run(campaign, inputs, tmp_path / "output")
    found = [f for f in result.findings if f.code == Code.M009]
    assert len(found) == 2 and "（乙.xlsx、甲.xlsx）" in found[0].message  # in that order below
    assert "两份不同之处：F" in found[0].message and "(7) 扣分 2 / 1" in found[0].message
    assert "（修改后）" in found[0].message  # how to choose


def test_a_later_run_brings_a_second_version__the_later_one_stands(campaign, templates, tmp_path):
    """The clerk drops a new version beside the one an earlier run read: the one that came later is
    the correction, whatever its name."""
    template = next(p for p in templates.scoring if UNITS_WITH_ERROR in p.name)
    inputs, output = tmp_path / "input", tmp_path / "output"
    fill_scoring(template, inputs / "第一版.xlsx", campaign.rubric, deductions={"c07": (1, "台账缺失")})
    run(campaign, inputs, output)
    fill_scoring(template, inputs / "另一份.xlsx", campaign.rubric, deductions={"c07": (2, "台账缺失")})
    result = run(campaign, inputs, output)
    assert statuses(result)["第一版.xlsx"] == (SUPERSEDED, "以 另一份.xlsx 为准（在原来的文件之后收到）")
    assert result.scoring[UNITS_WITH_ERROR].deductions[0].amount == 2


# --- what the tool wrote, anywhere in input/ ----------------------------------------------------

def test_the_tools_own_files_in_input__set_aside_in_one_line_each(campaign, templates, tmp_path):
    template = next(p for p in templates.scoring if UNITS_WITH_ERROR in p.name)
    inputs, output = tmp_path / "input", tmp_path / "output"
    fill_scoring(template, inputs / "淮滨县.xlsx", campaign.rubric, deductions={"c07": (1, "无")})
    first = run(campaign, inputs, output)
    drop = inputs / "收到的东西"
    drop.mkdir()
    for path in [*output.glob("*.*"), *(output / FOLDER).rglob("*.xlsx")]:
        shutil.copy(path, drop / path.name)
    shutil.copy(first.output_path, drop / "改了名的汇总表.xlsx")
    result = run(campaign, inputs, output)
    aside = {path: reason for path, (status, reason) in statuses(result).items() if path.startswith("收到的东西/")}
    assert aside and all(statuses(result)[p][0] == IGNORED for p in aside), aside
    assert all(("本工具" in reason or "检查活动" in reason) for reason in aside.values()), aside
    assert not [f for f in result.findings if f.file.startswith("收到的东西/") and f.level != "提示"]
    assert [f.path for f in result.files if f.status == REJECTED] == ["淮滨县.xlsx"]


# --- earlier and later rounds ---------------------------------------------------------------------

def test_earlier_round_not_in_the_archive__warned_how_to_record_it__later_round_an_error(tmp_path, capsys):
    season = Season(tmp_path / "活动", capsys)
    season.cli("templates")
    season.fill_round("2023-08", season.input / "8月", flawed=False)
    season.set_round("2023-09")
    result = season.run()
    warned = [f for f in result.findings if f.code == Code.M017]
    assert len(warned) == 11 and "python process.py run --round 2023-08" in warned[0].message
    assert {f.status for f in result.files} == {IGNORED}

    season.set_round("2023-07")
    result = season.run()
    later = [f for f in result.findings if f.code == Code.M008]
    assert len(later) == 11 and later[0].is_error and "请在汇总那一轮时再放进输入文件夹" in later[0].message

    season.set_round("2023-09")  # recording the earlier round with --round, then it is set aside quietly
    assert season.cli("run", "--round", "2023-08", "--input", str(season.input / "8月"), "--quiet") == 0
    result = season.run()
    assert {f.reason for f in result.files} == {"上一轮（2023-08）的表格，已归档"}


# --- campaigns never mix, history is never lost silently ------------------------------------------

def test_templates_of_another_campaign_in_the_folder__refused_with_what_is_there(tmp_path, capsys):
    first = Season(tmp_path / "甲", capsys)
    assert first.cli("templates") == 0
    other = tmp_path / "乙" / "config.toml"
    main(["new", str(other.parent), "--from", str(Path(__file__).parent.parent / "examples" / "001_平顶山重大隐患专项行动")])
    capsys.readouterr()
    code = main(["templates", "--config", str(other), "--output", str(first.templates("2023-08"))])
    assert code == 2 and "另一次检查（信阳市安全生产县际异地交叉检查）" in capsys.readouterr().err


def test_archive_missing_beside_earlier_reports__said_with_what_is_lost(tmp_path, capsys):
    season = Season(tmp_path / "活动", capsys)
    season.cli("templates")
    season.fill_round("2023-08", season.input, flawed=False)
    season.cli("run", "--quiet")
    (season.folder / "output" / "归档.sqlite").unlink()
    season.set_round("2023-09")
    capsys.readouterr()
    season.cli("run", "--quiet")
    out = capsys.readouterr().out
    assert "输出文件夹中有 2023-08 的汇总表，却找不到归档" in out and "名次变化、趋势和隐患跟踪将从本轮重新开始" in out


def test_settings_in_their_own_folder__built_in_rubrics_and_forms_found(tmp_path, capsys):
    """A setup workbook kept in the campaign's folder (its paths written for the project root) finds
    the tool's own 调度表 forms, and --config alone makes that folder the campaign's."""
    folder = tmp_path / "2024燃气"
    folder.mkdir()
    assert main(["setup", "--output", str(folder)]) == 0
    workbook = folder / "检查活动设置.xlsx"
    assert main(["templates", "--config", str(workbook), "--quiet"]) == 0
    assert len(list((folder / "templates" / "2023-08").glob("调度表_*.xlsx"))) == 20
    (folder / "input").mkdir()
    assert main(["run", "--config", str(workbook), "--quiet"]) == 1  # nothing returned yet
    assert list((folder / "output").glob("排名汇总_*.xlsx")) and (folder / "output" / "归档.sqlite").exists()


def test_new__never_writes_over_a_folder_in_use(tmp_path, capsys):
    (tmp_path / "用着的" / "input").mkdir(parents=True)
    assert main(["new", str(tmp_path / "用着的")]) == 2
    assert "已存在且不是空的" in capsys.readouterr().err


def test_archive_remembers_every_file_read_and_every_copy_sent(tmp_path, capsys):
    season = Season(tmp_path / "活动", capsys)
    season.cli("templates")
    season.fill_round("2023-08", season.input, flawed=True)
    season.cli("run", "--quiet")
    with sqlite3.connect(season.folder / "output" / "归档.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM received").fetchone()[0] == 11
        assert conn.execute("SELECT COUNT(*) FROM sent_back").fetchone()[0] == 2
