"""End to end through files: fill templates, run, read the consolidated workbook back."""

from decimal import Decimal
import hashlib

import openpyxl
import pytest

from inspection.constants import SCORING_FILE
from inspection.cli import main
from inspection.model import MISSING, RANKED
from inspection.run import run
from tests.filling import fill_scoring

# Three units, the bulletin's kind of deductions (003 Annex 2), one tie, one unit missing the rest.
RETURNS = {
    "淮滨县": {"c05": (Decimal("0.4"), "两名领导班子成员述职报告中未涉及安全生产内容"),
              "c07": (2, "抽查信阳某化工公司未建立重大事故隐患台账清单"),
              "c36": (Decimal("0.5"), "=对长期存在的重大隐患未提请关闭")},  # "=" must stay text
    "商城县": {"c16": (1, "未组织开展专题警示教育活动"), "c39": (1, "未落实约谈制度"),
              "c64": (Decimal("0.9"), "重大事故隐患数据库未建立")},
    "息县": {"c16": (1, "未见警示教育活动记录"), "c07": (Decimal("1.9"), "台账未闭环")},
}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory, config, rubric, templates, campaign):
    folder = tmp_path_factory.mktemp("e2e")
    inputs = folder / "input"
    for unit, deductions in RETURNS.items():
        group = config.group_for_unit(unit)
        fill_scoring(templates.folder / SCORING_FILE.format(group=group.number, unit=unit),
                     inputs / f"{unit}.xlsx", rubric, deductions=deductions)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs.iterdir()}
    result = run(campaign, inputs, folder / "output")
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs.iterdir()}
    assert before == after, "input files must never change"
    return result, openpyxl.load_workbook(result.output_path)


def test_run__scores_exact_and_ranked(outcome):
    result, _ = outcome
    assert result.scoring["淮滨县"].total == Decimal("97.1")
    assert result.scoring["商城县"].total == Decimal("97.1")
    assert result.scoring["息县"].total == Decimal("97.1")
    ranked = [(r.rank, r.unit) for r in result.ranking if r.status == RANKED]
    # All three tie: rank 1, in config order (淮滨县, 商城县, 息县).
    assert ranked == [(1, "淮滨县"), (1, "商城县"), (1, "息县")]
    assert len([r for r in result.ranking if r.status == MISSING]) == 8


def test_run__output_named_per_contract(outcome, config):
    result, wb = outcome
    assert result.output_path.name == "排名汇总_信阳市安全生产县际异地交叉检查_2023-08.xlsx"
    assert wb.sheetnames[0] == "排名"
    assert {"扣分原因", "得分明细", "共性问题", "校验报告", "说明"} <= set(wb.sheetnames)
    assert not [p for p in result.output_path.parent.iterdir() if p.name.startswith(".~tmp")]


def test_run__ranking_sheet(outcome):
    _, wb = outcome
    ws = wb["排名"]
    assert ws["A1"].value == "各县区得分排名（2023-08）"  # a title, then the header
    assert [c.value for c in ws[2]][:3] == ["排名", "县区", "得分"]
    rows = [[c.value for c in row][:3] for row in ws.iter_rows(min_row=3) if row[1].value]
    assert rows[:3] == [[1, "淮滨县", 97.1], [1, "商城县", 97.1], [1, "息县", 97.1]]
    assert len(rows) == 11 and all(r[0] in (None, "") for r in rows[3:])


def test_run__deduction_lines_in_bulletin_form(outcome, config):
    _, wb = outcome
    lines = [str(c.value) for (c,) in wb["扣分原因"].iter_rows(min_col=1, max_col=1) if c.value]
    assert "淮滨县得分 97.1 分，扣分原因：" in lines
    assert "（5）两名领导班子成员述职报告中未涉及安全生产内容，扣 0.4 分；" in lines
    assert "（7）抽查信阳某化工公司未建立重大事故隐患台账清单，扣 2 分；" in lines
    assert "（36）=对长期存在的重大隐患未提请关闭，扣 0.5 分。" in lines  # a unit's last line ends "。"
    cell = next(c for (c,) in wb["扣分原因"].iter_rows(min_col=1, max_col=1) if str(c.value).startswith("（36）"))
    assert cell.data_type == "s"
    # In the administrative order of the config (as 003 Annex 2 lists them), not by rank.
    order = [line.split("得分")[0] for line in lines if "扣分原因：" in line]
    assert order == ["淮滨县", "商城县", "息县"] == [u for u in config.units if u in RETURNS]


def test_run__score_matrix_and_common_problems(outcome, rubric):
    result, wb = outcome
    assert result.scoring["淮滨县"].item_scores["i04"] == Decimal(3)
    common = result.common_problems
    # Two units each on (7) and (16); (7) cost more points in all, so it comes first.
    assert (common[0].label, common[0].units, common[0].points) == ("7", ["淮滨县", "息县"], Decimal("3.9"))
    assert (common[1].label, common[1].units, common[1].points) == ("16", ["商城县", "息县"], Decimal(2))
    ws = wb["共性问题"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(str(v) == "(7)" for v in values)
    text = " ".join(str(c.value) for row in wb["得分明细"].iter_rows() for c in row if c.value is not None)
    assert "淮滨县" in text and "97.1" in text


def test_run__report_lists_missing_units_and_files(outcome):
    result, wb = outcome
    messages = [str(c.value) for row in wb["校验报告"].iter_rows(min_row=2) for c in row if c.value]
    assert any("没有收到“羊山新区”的打分表" in m for m in messages)
    about = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    for info in result.files:
        assert info.sha256 in about


def test_cli_run__exit_1_when_units_missing(outcome, tmp_path, templates, config, rubric, capsys):
    inputs = tmp_path / "input"
    fill_scoring(templates.scoring[0], inputs / "a.xlsx", rubric)
    code = main(["run", "--input", str(inputs), "--output", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1
    assert "收到 1 个文件：采用 1 个" in out and "未报送：" in out and "排名汇总表：" in out


def test_cli_run__exit_0_when_all_in(tmp_path, templates, config, rubric, capsys):
    inputs = tmp_path / "input"
    for path in templates.scoring:
        fill_scoring(path, inputs / path.name, rubric)
    assert main(["run", "--input", str(inputs), "--output", str(tmp_path / "out")]) == 0
    assert f"已排名 {len(config.units)} 个县区。" in capsys.readouterr().out


def test_cli_run__missing_input_folder_exit_2(tmp_path, capsys):
    assert main(["run", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("无法运行：找不到输入文件夹") and err.count("\n") == 1
