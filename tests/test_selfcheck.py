"""自评 against 复核, through files: the units' 自评表 and 自查问题清单 and the groups' returns, filled from
the default campaign's templates, run, and read back from the consolidated workbook."""

from decimal import Decimal
import shutil

import openpyxl
import pytest

from inspection.constants import DISPATCH_FILE, SCORING_FILE, SELF_CHECK_FILE, SELF_SCORING_FILE
from inspection.findings import Code
from inspection.model import ACCEPTED, COPIED, LESS, OWN, RANKED
from inspection.run import run
from inspection.decisions.selfcheck import SIMILAR, repeats, similarity
from inspection.report.selfcheck import SHEET_GROUPS, SHEET_SELF
from tests.filling import fill_dispatch, fill_scoring

# The similarity rule at its threshold: 8 of 10 characters shared is 0.8 (the same text), 8 of 10 and 11 is not.
BOUNDARY_SELF = "未按规定开展应急演练"
AT_THRESHOLD = "未按规定组织应急演练"  # ratio 16/20 = 0.8
BELOW_THRESHOLD = "未按规定组织好应急演练"  # ratio 16/21 ≈ 0.762

# unit → (the group's deductions, the unit's own deductions); criterion id → (amount, reason)
RETURNS = {
    "淮滨县": ({"c05": (Decimal("0.4"), "两名领导班子成员述职报告中未涉及安全生产内容"),
              "c07": (2, "抽查某化工公司未建立重大事故隐患台账清单")},
             {"c07": (2, "抽查某化工公司，未建立重大事故隐患台账清单。"),  # the same text but for punctuation
              "c16": (1, "本县未组织开展专题警示教育活动")}),  # the group deducted nothing here
    "商城县": ({"c26": (1, AT_THRESHOLD), "c27": (1, BELOW_THRESHOLD), "c39": (1, "未落实约谈制度")},
             {"c26": (1, BOUNDARY_SELF), "c27": (1, BOUNDARY_SELF), "c39": (Decimal("0.5"), "约谈记录不全")}),
    "息县": ({"c07": (Decimal("1.9"), "台账未闭环"), "c16": (1, "未见警示教育活动记录")},
            {"c07": (1, "重大隐患台账有缺项")}),
    "罗山县": ({"c01": (1, "未明确第一责任人")}, None),  # no 自评表
}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory, campaign, templates):
    config, rubric = campaign.config, campaign.rubric
    folder = tmp_path_factory.mktemp("selfcheck")
    inputs = folder / "input"
    for unit, (review, own) in RETURNS.items():
        group = config.group_for_unit(unit).number
        fill_scoring(templates.folder / SCORING_FILE.format(group=group, unit=unit), inputs / f"{unit}复核.xlsx",
                     rubric, deductions=review)
        if own is not None:
            fill_scoring(templates.folder / SELF_SCORING_FILE.format(unit=unit), inputs / f"{unit}自评.xlsx", rubric,
                         deductions=own, sheet="自评表", inspection_date=config.inspection_start)
    # 光山县 sends its 自评表 under the name of a 打分表: _meta says what it is, not the name.
    fill_scoring(templates.folder / SELF_SCORING_FILE.format(unit="光山县"),
                 inputs / SCORING_FILE.format(group=config.group_for_unit("光山县").number, unit="光山县"), rubric,
                 deductions={"c01": (1, "自查发现责任未落实")}, sheet="自评表")
    # 淮滨县's group lists two hazards; its own 自查问题清单 has the first of them (written differently) and another.
    hazard = {"企业（单位）名称": "淮滨某化工有限公司", "行业领域": "危险化学品", "问题隐患描述": "储罐区可燃气体报警器未定期校验",
              "隐患级别": "一般隐患", "整改要求": "立即校验", "整改时限": "2023-09-30", "责任单位": "县应急管理局",
              "整改状态": "整改中"}
    other = {**hazard, "企业（单位）名称": "淮滨另一建材有限公司", "问题隐患描述": "除尘系统未接地"}
    fill_dispatch(templates.folder / DISPATCH_FILE.format(group=1, unit="淮滨县"), inputs / "淮滨县交办清单.xlsx",
                  [hazard, other])
    own_copy = {**hazard, "企业（单位）名称": "淮滨某化工 有限公司", "问题隐患描述": "储罐区可燃气体报警器，未定期校验。"}
    own_other = {**hazard, "企业（单位）名称": "淮滨第三食品有限公司", "问题隐患描述": "冷库氨制冷未设泄漏报警"}
    fill_dispatch(templates.folder / SELF_CHECK_FILE.format(unit="淮滨县"), inputs / "淮滨县自查问题清单.xlsx",
                  [own_copy, own_other], sheet="自查问题清单", signatures=("填表人：", "单位负责人："))
    result = run(campaign, inputs, folder / "output")
    wb = openpyxl.load_workbook(result.output_path)
    return result, wb, inputs


def _cases(result, unit):
    return {c.criterion_id: c.cases for c in result.comparison.cases if c.unit == unit}


def test_similarity_rule__both_sides_of_the_threshold():
    assert similarity(AT_THRESHOLD, BOUNDARY_SELF) == SIMILAR and repeats(AT_THRESHOLD, BOUNDARY_SELF)
    assert similarity(BELOW_THRESHOLD, BOUNDARY_SELF) < SIMILAR and not repeats(BELOW_THRESHOLD, BOUNDARY_SELF)
    assert repeats("抽查某公司，未建立台账。", "抽查某公司未建立台账")  # punctuation and spaces do not count
    assert not repeats("未建台账", "未建台帐")  # too short for "nearly": 3 of 4 characters by chance


def test_cases__less_copied_own_at_their_criteria(outcome):
    result, _, _ = outcome
    assert _cases(result, "淮滨县") == {"c05": (OWN,), "c07": (COPIED,), "c16": (LESS,)}
    # c26 repeats at the threshold, c27 just below does not and is not listed; c39: the unit took off less.
    assert _cases(result, "商城县") == {"c26": (COPIED,)}
    assert _cases(result, "息县") == {"c16": (OWN,)}  # c07: both deducted, the group more, in other words


def test_unit_without_self_assessment__listed_blank_never_zero(outcome):
    result, wb, _ = outcome
    luoshan = next(u for u in result.comparison.units if u.unit == "罗山县")
    assert luoshan.self_total is None and luoshan.difference is None and luoshan.review_total == Decimal(99)
    ws = wb[SHEET_SELF]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "罗山县")
    assert row[2].value is None and row[4].value is None and row[3].value == 99
    assert "未报送自评表" in row[6].value
    assert not _cases(result, "罗山县")
    assert any(f.code is Code.U002 and f.unit == "罗山县" and "自评表" in f.message for f in result.findings)


def test_self_assessment_named_as_a_scoring_sheet__identified_by_meta(outcome, config):
    result, _, _ = outcome
    name = SCORING_FILE.format(group=config.group_for_unit("光山县").number, unit="光山县")
    info = next(f for f in result.files if f.path == name)
    assert info.status == ACCEPTED and info.kind == "self_scoring"
    assert "光山县" in result.missing_units  # its 打分表 has not come: the 自评表 does not stand in for it
    guangshan = next(u for u in result.comparison.units if u.unit == "光山县")
    assert guangshan.self_total == Decimal(99) and guangshan.review_total is None


def test_ranking_is_the_reviews_alone(outcome, campaign, tmp_path):
    """The same run without the units' own files ranks the same."""
    result, _, inputs = outcome
    only_reviews = tmp_path / "input"
    only_reviews.mkdir()
    for path in inputs.glob("*复核.xlsx"):
        shutil.copy(path, only_reviews / path.name)
    shutil.copy(inputs / "淮滨县交办清单.xlsx", only_reviews)
    alone = run(campaign, only_reviews, tmp_path / "output")
    ranked = [(r.rank, r.unit, r.score) for r in result.ranking if r.status == RANKED]
    assert ranked == [(r.rank, r.unit, r.score) for r in alone.ranking if r.status == RANKED]
    assert [h.id for h in result.hazards] == [h.id for h in alone.hazards]  # 自查 rows never enter the ledger


def test_group_summary__copied_hazard_and_the_warned_group_first(outcome):
    result, wb, _ = outcome
    groups = {g.number: g for g in result.comparison.groups}
    g1 = groups[1]  # 淮滨县's group
    assert (g1.units, g1.deductions, g1.self_deductions, g1.copied_deductions, g1.lenient, g1.own) == (1, 2, 2, 1, 1, 1)
    assert (g1.hazards, g1.copied_hazards) == (2, 1)
    assert groups[2].copied_deductions == 1 and groups[2].lenient == 0
    assert not groups[3].warned and groups[3].own == 1
    warned = [g.number for g in result.comparison.warned]
    assert warned == [1, 2]  # g1 weighs 3 (1 lenient, 1 copied deduction, 1 copied hazard), g2 weighs 1
    ws = wb[SHEET_GROUPS]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert rows[0][0] == "第 1 组（浉河区组）" and rows[0][1:9] == (1, 2, 2, 1, 1, 1, 2, 1)
    assert "1 条评分标准扣分少于县区自评" in rows[0][9] and "1 条隐患与自查问题清单相同" in rows[0][9]
    assert rows[1][0] == "第 2 组（平桥区组）"


def test_sheet_lists_the_cases_with_both_reasons(outcome):
    _, wb, _ = outcome
    ws = wb[SHEET_SELF]
    cases = [r for r in ws.iter_rows(values_only=True) if r[5] in (LESS, COPIED, OWN)]
    huaibin = {r[2]: r for r in cases if r[0] == "淮滨县"}
    assert huaibin["(16)"][3:6] == (1, 0, LESS) and huaibin["(16)"][6] == "本县未组织开展专题警示教育活动"
    assert huaibin["(7)"][5] == COPIED and huaibin["(7)"][7] == "抽查某化工公司未建立重大事故隐患台账清单"


def test_archive_keeps_self_beside_review(outcome):
    import sqlite3

    result, _, _ = outcome
    conn = sqlite3.connect(result.archive_path)
    kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM submissions GROUP BY kind").fetchall())
    conn.close()
    assert kinds["self_scoring"] == 4 and kinds["scoring"] == 4 and kinds["self_check"] == 1


def test_trend__gap_per_unit_over_rounds(tmp_path, campaign, templates):
    """Two rounds in one archive: the 趋势 sheet shows 自评 − 复核 for each round that has both."""
    from dataclasses import replace

    from inspection.templates import generate_templates

    config, rubric = campaign.config, campaign.rubric
    september = replace(campaign, config=replace(config, round="2023-09", round_label="2023-09"))
    later = generate_templates(september, tmp_path / "tpl09")
    archive = tmp_path / "归档.sqlite"
    results = []
    for round_campaign, folder, review, own in (
            (campaign, templates.folder, {"c07": (2, "台账缺失")}, {"c07": (1, "台账不全"), "c16": (1, "未开展教育")}),
            (september, later.folder, {"c16": (1, "未见记录")}, {})):
        inputs = tmp_path / f"in-{round_campaign.config.round}"
        fill_scoring(folder / SCORING_FILE.format(group=1, unit="淮滨县"), inputs / "复核.xlsx", rubric, deductions=review)
        fill_scoring(folder / SELF_SCORING_FILE.format(unit="淮滨县"), inputs / "自评.xlsx", rubric, deductions=own,
                     sheet="自评表", inspection_date=config.inspection_start)
        results.append(run(round_campaign, inputs, tmp_path / f"out-{round_campaign.config.round}", archive=archive))
    assert results[1].gaps["淮滨县"] == {"2023-08": Decimal(0), "2023-09": Decimal(1)}
    assert results[1].gaps["浉河区"] == {}
    ws = openpyxl.load_workbook(results[1].output_path)["趋势"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    title = next(n for n, r in enumerate(rows) if r[0] == "自评与复核之差（自评得分 − 复核得分）")
    assert rows[title + 1][:3] == (config.unit_label, "2023-08", "2023-09")
    huaibin = next(r for r in rows[title + 2:] if r[0] == "淮滨县")
    assert huaibin[1:3] == (0, 1)
    assert next(r for r in rows[title + 2:] if r[0] == "浉河区")[1:3] == ("—", "—")


def test_demo_flags_exactly_the_planted_group(tmp_path, capsys, config):
    """The demo plants one group (光山县's) that copies part of its unit's self-check and deducts less than
    the unit: the summary, the 检查组复核情况 sheet and the bulletin draft name that group and no other."""
    import docx

    from inspection.cli import main

    assert main(["demo", "--templates", str(tmp_path / "t"), "--input", str(tmp_path / "in"),
                 "--output", str(tmp_path / "out"), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    group = config.group_for_unit(config.units[len(config.units) // 3])
    name = f"第 {group.number} 组（{group.name}）"
    line = next(line for line in out.splitlines() if line.startswith("自评与复核："))
    assert line.startswith(f"自评与复核：1 个检查组需要提醒——{name}") and "照搬自查" in line and "少于县区自评" in line
    report = next((tmp_path / "out").glob("排名汇总_*.xlsx"))
    rows = [r for r in openpyxl.load_workbook(report)[SHEET_GROUPS].iter_rows(min_row=3, values_only=True) if r[0]]
    warned = [r[0] for r in rows if r[9] and "没有可对照" not in r[9]]
    assert warned == [name]
    draft = next((tmp_path / "out").glob("通报草稿_*.docx"))
    text = "\n".join(p.text for p in docx.Document(draft).paragraphs)
    assert f"{name}复核{config.units[len(config.units) // 3]}时" in text
    assert sum(f"第 {g.number} 组（" in text for g in config.groups) == 1
