"""The bulletin draft (通报草稿_….docx): its text from a run's results, its 公文 layout read back with
python-docx, and `run` writing it beside the report without ever losing the report to it."""

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
import zipfile

import docx
from docx.oxml.ns import qn
from docx.shared import Pt
import pytest

from inspection.bulletin import draft_bulletin, draft_path, write_docx
from inspection.bulletin.draft import (
    ANNEX_TITLE, BODY, REASON, REASON_HEAD, TITLE, Para, Table, campaign_topic, facts, reason_blocks, round_words,
    shorten, thin_status_line,
)
from inspection.spec.campaign import Campaign
from inspection.cli import main
from inspection.spec.config import parse_round
from inspection.decisions.settle import common_problems, rank
from inspection.findings import Code, finding
from inspection.model import ACCEPTED, REJECTED, Deduction, InputFile, RunResult, ScoringReturn
from inspection.run import run
from tests.filling import fill_scoring


def result_of(campaign: Campaign, scores: dict[str, list[tuple[str, str, str]]], *, rejected=(),
              findings=()) -> RunResult:
    """A run's result built directly: unit → its deductions (criterion id, amount, reason); units in
    `rejected` sent a file that was not accepted, the others nothing."""
    rubric = campaign.rubric
    criteria = {c.id: c for c in rubric.criteria}
    scoring, files = {}, []
    for unit, lost in scores.items():
        deductions = [Deduction(cid, criteria[cid].label, Decimal(amount), reason, "F9") for cid, amount, reason in lost]
        items = {i.id: i.points for i in rubric.items}
        for d in deductions:
            items[criteria[d.criterion_id].item_id] -= d.amount
        scoring[unit] = ScoringReturn(f"{unit}.xlsx", unit, 1, deductions, items, sum(items.values(), Decimal(0)))
        files.append(InputFile(f"{unit}.xlsx", 1, "0" * 64, "scoring", unit, ACCEPTED))
    files += [InputFile(f"{unit}.xlsx", 1, "0" * 64, "scoring", unit, REJECTED, reason="扣分无法识别")
              for unit in rejected]
    result = RunResult(datetime(2023, 9, 8).astimezone(), campaign.config.path, Path("input"), files=files,
                       scoring=scoring, findings=list(findings))
    result.ranking = rank(scoring, campaign.config, files)
    result.common_problems = common_problems(scoring, rubric, campaign.config)
    result.output_path = Path("output") / "排名汇总_某某检查_2023-08.xlsx"
    return result


def scored(campaign: Campaign, scores: dict[str, str], *, rejected=()) -> RunResult:
    """A result with these units ranked at these scores (how they lost the points does not matter)."""
    result = result_of(campaign, {unit: [] for unit in scores}, rejected=rejected)
    for unit, score in scores.items():
        result.scoring[unit].total = Decimal(score)
    result.ranking = rank(result.scoring, campaign.config, result.files)
    return result


def test_facts__highest_lowest_average_and_units_not_ranked(campaign):
    result = scored(campaign, {"浉河区": "99.9", "平桥区": "99.8", "罗山县": "99.9", "光山县": "98"},
                    rejected=("潢川县",))
    text = facts(result, campaign.config)
    assert "本次共对 11 个县区检查打分，4 个县区参加排名，" in text
    assert "潢川县报送的打分表未通过校验" in text
    assert "淮滨县、商城县、息县、新县、固始县、羊山新区未报送打分表，未参加排名。" in text
    assert "得分最高的是浉河区、罗山县（均为 99.9 分），最低的是光山县（98 分）" in text
    assert "平均 99.4 分。" in text  # (99.9 + 99.8 + 99.9 + 98) / 4


def test_draft__nothing_ranked_says_so(campaign):
    result = result_of(campaign, {}, rejected=("浉河区",))
    assert facts(result, campaign.config) == (
        "本次共对 11 个县区检查打分，浉河区报送的打分表未通过校验，平桥区、罗山县、光山县、潢川县、淮滨县、商城县、息县、新县、"
        "固始县、羊山新区未报送打分表，没有县区参加排名。")
    draft = draft_bulletin(result, campaign)
    assert next(b for b in draft.blocks if isinstance(b, Table)).rows == ()
    assert draft.blocks[-1] == Para(REASON, "没有参加排名的县区。")


def test_facts__average_exact_and_rounded_half_up(campaign):
    # (80.2 + 80.3) / 2 = 80.25: the bulletin says 80.3; float arithmetic with round() says 80.2.
    assert round((80.2 + 80.3) / 2, 1) == 80.2
    assert "平均 80.3 分" in facts(scored(campaign, {"浉河区": "80.2", "平桥区": "80.3"}), campaign.config)
    assert "平均 80.2 分" in facts(scored(campaign, {"浉河区": "80.2", "平桥区": "80.2", "罗山县": "80.3"}),
                                campaign.config)  # 80.233…
    one = facts(scored(campaign, {"浉河区": "80.2"}), campaign.config)
    assert one.endswith("浉河区得分 80.2 分。各县区扣分原因见附件2。")


def test_round_words_and_topic(campaign, config):
    assert round_words(config) == "2023年8月"
    for raw, words in (("2023-Q3", "2023年第三季度"), ("2023年第三季度", "2023年第三季度"), ("2023-H1", "2023年上半年"),
                       ("2023", "2023年度"), ("2018年度", "2018年度")):
        assert round_words(replace(config, round=parse_round(raw), round_label=raw)) == words, raw
    assert campaign_topic(config) == "安全生产县际异地交叉检查"  # 信阳市 is already in the issuer
    assert campaign_topic(replace(config, issuer="某某县应急管理局")) == config.campaign


@pytest.mark.parametrize("text, short", [
    ("查看有关责任体系文件，未明确企业主要负责人是安全生产第一责任人，扣2分；", "未明确企业主要负责人是安全生产第一责任人"),
    ("未按照“五有标准”全面开展安全生产双重预防体系建设的，每发现1家扣1分，存在“建用脱节”的，每发现1家扣1分。",
     "未按照“五有标准”全面开展安全生产双重预防体系建设"),
    ("主要负责人未按要求亲自带队对本单位重大事故隐患排查整治情况开展检查的，每缺少一次，扣1分。",
     "主要负责人未按要求亲自带队对本单位重大事故隐患排查整治情况开展检查"),
    ("对需要一定时间整改的或者暂时难以整改的重大事故隐患未按要求明确责任人、措施、资金、期限和应急预案的，扣1分，未落实报告制度的扣1分。",
     "对需要一定时间整改的或者暂时难以整改的重大事故隐患未按要求明确责任人、措施等"),
    ("扣分由组长确定", "扣分由组长确定"),  # nothing before the deduction: kept whole
])
def test_shorten__what_falls_short_not_what_it_costs(text, short):
    assert shorten(text) == short
    assert len(shorten(text)) <= 41


def test_thin_status__units_by_name_as_003_writes_it(campaign):
    def d009(unit, what, file=None):  # as kinds/scoring.py makes it: the word typed, when there is one
        word = {"what": what, "word": "已完成"} if what == only else {"what": what}
        return finding(Code.D009, file=file or f"{unit}.xlsx", unit=unit, sheet="打分表", cell="E9", item="3", **word)

    only = "只填了“已完成”"
    findings = ([d009("固始县", only)] * 4 + [d009("浉河区", only)] * 3 + [d009("息县", "未填写")] * 2
                + [d009("平桥区", only, file="平桥区（旧）.xlsx")] * 5)  # a file not accepted: not counted
    result = result_of(campaign, {u: [("c01", "1", "甲")] for u in ("浉河区", "平桥区", "息县", "固始县")},
                       findings=findings)
    assert thin_status_line(result, campaign.config) == (
        "在填写打分表“完成情况”一栏时，部分县区对已完成的工作表述过于简单，浉河区、固始县在很多内容上仅仅填报"
        "“已完成”（分别有 3 项、4 项），息县有失分的内容未填写完成情况（2 项）。")
    assert thin_status_line(result_of(campaign, {"浉河区": [("c01", "1", "甲")]}), campaign.config) == ""


def test_reason_blocks__administrative_order_last_line_full_stop(campaign):
    result = result_of(campaign, {
        "固始县": [("c01", "1", "未明确第一责任人。"), ("c03", "0.5", "未提取安全费用")],  # ranks first
        "浉河区": [("c01", "2", "未明确第一责任人")],
        "平桥区": [],
    })
    assert [r.unit for r in result.ranking[:3]] == ["平桥区", "固始县", "浉河区"]
    assert reason_blocks(result, campaign.config) == [
        ("浉河区得分 98 分，扣分原因：", ["（1）未明确第一责任人，扣 2 分。"]),
        ("平桥区得分 100 分，无扣分。", []),
        ("固始县得分 98.5 分，扣分原因：", ["（1）未明确第一责任人，扣 1 分；", "（3）未提取安全费用，扣 0.5 分。"]),
    ]


def test_draft__placeholders_only_where_a_person_writes(campaign):
    result = result_of(campaign, {"浉河区": [("c01", "2", "甲")], "平桥区": [("c01", "1", "乙")]})
    draft = draft_bulletin(result, campaign)
    texts = [b.text for b in draft.blocks if isinstance(b, Para)]
    assert texts[:2] == ["【文号】", "信阳市安全生产委员会办公室\n关于2023年8月安全生产县际异地交叉检查情况的通报"]
    assert draft.title == "信阳市安全生产委员会办公室关于2023年8月安全生产县际异地交叉检查情况的通报"
    assert "【成文日期】" in texts and "【主送机关】：" in texts
    table = next(b for b in draft.blocks if isinstance(b, Table))
    assert table.header == ("排名", "县区", "得分") and table.rows == (("1", "平桥区", "99"), ("2", "浉河区", "98"))
    titles = [b.text for b in draft.blocks if isinstance(b, Para) and b.role == ANNEX_TITLE]
    assert titles == ["各县区安全生产县际异地交叉检查情况得分表（2023年8月）", "各县区扣分原因"]
    body = "".join(b.lead + b.text for b in draft.blocks if isinstance(b, Para) and b.role == BODY)
    assert "一是未明确企业主要负责人是安全生产第一责任人（第（1）条），2 个县区（浉河区、平桥区）失分，共扣 3 分。" in body


@pytest.fixture
def written(tmp_path, campaign):
    result = result_of(campaign, {"浉河区": [("c01", "2", "台账\x07缺失")], "平桥区": [("c01", "1", "乙")]})
    path = write_docx(draft_bulletin(result, campaign), tmp_path / "通报草稿.docx", author="信阳市安委办")
    return path, docx.Document(str(path))


def _east_asian(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_docx__official_document_layout(written):
    _, document = written
    section = document.sections[0]
    def mm(*lengths):  # Word stores twips: compare to a tenth of a millimetre
        return tuple(round(length.mm, 1) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)  # A4
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)
    styles = document.styles
    assert _east_asian(styles[TITLE]) == "方正小标宋简体" and styles[TITLE].font.size == Pt(22)
    assert _east_asian(styles[BODY]) == "仿宋_GB2312" and styles[BODY].font.size == Pt(16)
    assert _east_asian(styles["附件标注"]) == "黑体" and _east_asian(styles["一级标题"]) == "黑体"
    rfonts = styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not [a for a in rfonts.attrib if a.endswith("Theme")], "a theme font would override the named ones"


def test_docx__fallback_fonts_declared(written):
    path, _ = written
    table = zipfile.ZipFile(path).read("word/fontTable.xml").decode("utf-8")
    for name, alt in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        assert f'w:name="{name}"><w:altName w:val="{alt}"/>' in table


def test_docx__page_numbers_dashes_odd_right_even_left(written):
    _, document = written
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
        assert f'w:jc w:val="{align}"' in xml


def test_docx__annexes_placeholders_and_properties(written):
    _, document = written
    paragraphs = document.paragraphs
    labels = [p for p in paragraphs if p.style.name == "附件标注"]
    assert [p.text for p in labels] == ["附件1", "附件2"] and all(p.paragraph_format.page_break_before for p in labels)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["排名", "县区", "得分"]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [["1", "平桥区", "99"], ["2", "浉河区", "98"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    heads = [p.text for p in paragraphs if p.style.name == REASON_HEAD]
    assert heads == ["浉河区得分 98 分，扣分原因：", "平桥区得分 99 分，扣分原因："]
    lines = [p.text for p in paragraphs if p.style.name == REASON]
    assert lines == ["（1）台账缺失，扣 2 分。", "（1）乙，扣 1 分。"]  # a control character dropped, not a crash
    marked = [r.text for p in paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert "【文号】" in marked and "【成文日期】" in marked
    props = document.core_properties
    assert props.title.endswith("情况的通报") and props.author == "信阳市安委办"
    assert "thumbnail" not in {rel.reltype.rsplit("/", 1)[-1] for rel in document.part.package.rels.values()}


def test_draft_path__beside_the_report_named_as_it():
    assert draft_path(Path("out/排名汇总_某某检查_2023-08.xlsx")) == Path("out/通报草稿_某某检查_2023-08.docx")


@pytest.fixture
def one_return(tmp_path, templates, rubric, config):
    unit = "淮滨县"
    group = config.group_for_unit(unit)
    fill_scoring(templates.folder / f"打分表_{group.number:02d}_{unit}.xlsx", tmp_path / "input" / f"{unit}.xlsx",
                 rubric, deductions={"c05": (Decimal("0.4"), "两名领导班子成员述职报告中未涉及安全生产内容")})
    return tmp_path / "input"


def test_run__writes_the_draft_beside_the_report(one_return, tmp_path, campaign, capsys):
    code = main(["run", "--input", str(one_return), "--output", str(tmp_path / "out"), "--jobs", "1"])
    assert code == 1  # ten units missing
    draft = tmp_path / "out" / "通报草稿_信阳市安全生产县际异地交叉检查_2023-08.docx"
    assert draft.is_file()
    assert f"通报草稿：{draft}（【】中的内容请起草人填写）" in capsys.readouterr().out.splitlines()
    text = "\n".join(p.text for p in docx.Document(str(draft)).paragraphs)
    assert "（5）两名领导班子成员述职报告中未涉及安全生产内容，扣 0.4 分。" in text


def test_run__draft_failing_never_costs_the_report(one_return, tmp_path, campaign, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("排版出错")

    monkeypatch.setattr("inspection.bulletin.write_docx", broken)
    result = run(campaign, one_return, tmp_path / "out")
    assert result.output_path.is_file() and result.draft_path is None
    (log,) = (tmp_path / "out").glob("错误记录_*.txt")
    assert "生成通报草稿时程序出错" in log.read_text(encoding="utf-8") and "排版出错" in log.read_text(encoding="utf-8")
    assert result.draft_problem.startswith("生成时程序出错（RuntimeError: 排版出错）") and str(log) in result.draft_problem


def test_run__draft_locked_says_so_and_the_report_stands(one_return, tmp_path, campaign, capsys):
    out = tmp_path / "out"
    (out / "通报草稿_信阳市安全生产县际异地交叉检查_2023-08.docx").mkdir(parents=True)  # cannot be replaced
    code = main(["run", "--input", str(one_return), "--output", str(out), "--jobs", "1", "--quiet"])
    shown = capsys.readouterr().out
    assert code == 1 and len(shown.strip().splitlines()) == 1
    assert "排名汇总表：" in shown and "通报草稿未生成：无法写入（" in shown and "Word 或 WPS" in shown
    assert (out / "排名汇总_信阳市安全生产县际异地交叉检查_2023-08.xlsx").is_file()
    assert not list(out.glob(".~tmp-*")) and not list(out.glob("错误记录_*.txt"))
