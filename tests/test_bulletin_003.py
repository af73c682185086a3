"""The real 2022 bulletin (003, 信安委办明电〔2022〕1号) as the yardstick: returns carrying exactly
its deductions go through `run`, and the draft, printed by LibreOffice and read back with pdftotext,
must show 003's 附件1 and 附件2.

003's criteria (up to (95)) belong to a 2022 rubric the project does not have, so the rubric is built
here from 003's Annex 2: one criterion per label that appears, each worth the most any county lost on
it, and (1) — on which no county lost points — taking the rest of the 100 points. 浉河区 and 固始县
fill 完成情况 with only "已完成", as 003 §二 says they did.

tests/data/003_bulletin_2022.txt is the seed verbatim (text extracted from the PDF, with its garbles).
"""

from collections import Counter, defaultdict
import contextlib
from datetime import date
from decimal import Decimal
import io
import json
from pathlib import Path
import re

import openpyxl
import pytest

from inspection.spec.campaign import load_campaign
from inspection.cli import main
from inspection.templates import generate_templates
from tests.bulletin_text import Block, annex, body, parse_reasons, pdf_pages, ranking_rows, squeeze
from tests.filling import fill_scoring

SEED = Path(__file__).parent / "data" / "003_bulletin_2022.txt"
# 003 Annex 1's counties in the order of its Annex 2, the administrative order.
COUNTIES = ("浉河区", "平桥区", "罗山县", "光山县", "潢川县", "淮滨县", "商城县", "息县", "新县", "固始县")
# The PDF text extraction read 浉 as 浞 in 浉河区's (86) and (87); fixed by hand. Other odd words
# ("安全生权力力", "一票否决”全力", "整改重大隐患情") are 003's own typos and stay as printed.
GARBLED = {"浞河区": "浉河区"}
ONLY_DONE = ("浉河区", "固始县")  # 003 §二（三）: "浉河区、固始县在很多内容上仅仅填报“已完成”"
THEIR_WORDS = "浉河区、固始县在很多内容上仅仅填报“已完成”"

# Where 003 is not consistent with itself, and so cannot come out of any tool letter for letter:
# - 商城县 lists (75) before (70); the tool lists deductions in rubric order.
OUT_OF_ORDER = {"商城县"}
# - Three lines end "。" in the middle of a county's list; the tool ends every line "；" and the last "。".
STRAY_FULL_STOPS = {("浉河区", "21"), ("光山县", "73"), ("息县", "85")}
# - Three lines name several criteria at once, one "(84) (86) (87) ……，共计扣 3 分"; the tool prints a
#   line per criterion, so these returns put the whole deduction on the first one, and the comparison
#   takes 003's first label (and drops "共计").
MERGED = {("商城县", ("28", "29")), ("固始县", ("28", "29")), ("固始县", ("84", "86", "87"))}
# - Brackets are "（5）" in some lines and "(39)" in others; the tool prints "（5）" throughout.
# - Annex 1 prints two-character names spaced ("新 县"); compared without spaces.


def seed_annexes() -> tuple[list[tuple[str, str, str]], list[Block], str]:
    """003's Annex 1 rows (排名, 县区, 得分), Annex 2 blocks, and its body, from the seed text."""
    text = SEED.read_text(encoding="utf-8")
    one, two = text.index("\n附件 1\n"), text.index("\n附件 2\n")
    rows = [(rank, squeeze(unit), score)
            for rank, unit, score in re.findall(r"^\| (\d+) \| ([^|]+?) \| ([\d.]+) \|$", text[one:two], re.M)]
    reasons = text[two:]
    reasons = reasons[reasons.index("各县区扣分原因") + len("各县区扣分原因"):]
    reasons = re.sub(r"^- ", "", reasons, flags=re.M)  # list markers the extraction added to some lines
    for bad, good in GARBLED.items():
        reasons = reasons.replace(bad, good)
    return rows, parse_reasons(squeeze(reasons), COUNTIES), squeeze(text[:one])


def test_seed__parsed_as_003_prints_it():
    """The parse is right before anything is compared with it: ten counties, each scoring 100 minus
    what it lost, and 003's inconsistencies exactly where the comments above say."""
    rows, blocks, text = seed_annexes()
    assert [b.unit for b in blocks] == list(COUNTIES)
    assert sorted(unit for _, unit, _ in rows) == sorted(COUNTIES) and [r for r, _, _ in rows] == [
        str(n) for n in range(1, 11)]
    for b in blocks:
        assert Decimal(b.score) == 100 - sum(line.amount for line in b.lines), b.unit
    assert {b.unit for b in blocks if [int(x.labels[0]) for x in b.lines] != sorted(int(x.labels[0]) for x in b.lines)
            } == OUT_OF_ORDER
    assert {(b.unit, x.labels[0]) for b in blocks for x in b.lines[:-1] if x.end == "。"} == STRAY_FULL_STOPS
    assert {(b.unit, x.labels) for b in blocks for x in b.lines if len(x.labels) > 1} == MERGED
    assert all(b.lines[-1].end == "。" for b in blocks)
    assert THEIR_WORDS in text


def rubric_toml(blocks: list[Block]) -> str:
    """One item and one criterion per label of 003's Annex 2, each worth the most lost on it; (1) takes
    the rest of the 100 points. A criterion's text is the reason most counties gave for it."""
    points: dict[int, Decimal] = {}
    reasons: dict[int, Counter] = defaultdict(Counter)
    for b in blocks:
        for line in b.lines:
            for n, label in enumerate(line.labels):
                reasons[int(label)][line.reason] += 1
                lost = line.amount if n == 0 else Decimal(1)  # a second label of a merged line: 1 point
                points[int(label)] = max(points.get(int(label), Decimal(0)), lost)
    texts = {label: counted.most_common(1)[0][0] for label, counted in reasons.items()}
    points[1] = 100 - sum(points.values())
    texts[1] = "未按要求落实（003 中没有县区在这一条上扣分）"
    assert points[1] > 0
    out = ['[rubric]', 'id = "xinyang-2022-fifteen-measures"', 'version = "1"',
           'name = "信阳 2022 十五条硬措施贯彻落实（据 003 附件2 重建）"',
           'title = "各县区安全生产“十五条硬措施”贯彻落实情况考评表"', "total = 100", "",
           "[rubric.labels]", 'section = "考评项目"', 'item = "考评细则"', 'criterion = "评分标准"', "",
           "[[parts]]", 'id = "p1"', 'label = "一、"', 'title = "贯彻落实情况"', "",
           "[[parts.sections]]", 'id = "s1"', 'label = "（一）"', 'title = "十五条硬措施"', "points = 100"]
    for label in sorted(points):
        out += ["", "[[parts.sections.items]]", f'id = "i{label:02d}"', f'label = "{label}."',
                f"text = {json.dumps(texts[label], ensure_ascii=False)}", f"points = {points[label]}",
                "", "[[parts.sections.items.criteria]]", f'id = "c{label:02d}"', f'label = "{label}"',
                f"text = {json.dumps(texts[label] + f'的，扣{points[label]}分。', ensure_ascii=False)}",
                f"deductions = [{{ amount = {points[label]} }}]"]
    return "\n".join(out) + "\n"


CONFIG = f"""
[campaign]
name = "国务院安委会“十五条硬措施”贯彻落实"
issuer = "信阳市安全生产委员会办公室"
round = "2022年7月"
rubric = "rubric.toml"
inspection_start = 2022-07-20
inspection_end = 2022-08-05
deadline = 2022-08-08
group_noun = "督导组"

[units]
label = "县区"
names = {json.dumps(list(COUNTIES), ensure_ascii=False)}

[forms]
dispatch = false
followup = false
"""


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """Templates for the 2022 campaign, one return per county with exactly 003's deductions, `run`."""
    rows, blocks, text = seed_annexes()
    folder = tmp_path_factory.mktemp("bulletin003")
    (folder / "rubric.toml").write_text(rubric_toml(blocks), encoding="utf-8")
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    campaign = load_campaign(folder / "config.toml")
    rubric = campaign.rubric
    templates = generate_templates(campaign, folder / "templates", jobs=1)
    by_unit = {path.stem.removeprefix("打分表_"): path for path in templates.scoring}
    for b in blocks:
        deductions = {f"c{int(line.labels[0]):02d}": (float(line.amount), line.reason) for line in b.lines}
        assert len(deductions) == len(b.lines), f"{b.unit}: two lines on one criterion"
        status = {item.id: "已完成" for item in rubric.items} if b.unit in ONLY_DONE else None
        fill_scoring(by_unit[b.unit], folder / "input" / f"{b.unit}.xlsx", rubric, deductions=deductions,
                     status=status, inspection_date=date(2022, 7, 28), inspectors="市安委会督导组")
    return folder, rows, blocks, text


@pytest.fixture(scope="module")
def printed(replay, tmp_path_factory):
    """`process.py run` on the returns; the draft as LibreOffice prints it."""
    folder, *_ = replay
    out = folder / "output"
    shown = io.StringIO()  # capsys is for one test; the module shares one run
    with contextlib.redirect_stdout(shown):
        code = main(["run", "--config", str(folder / "config.toml"), "--input", str(folder / "input"),
                     "--output", str(out), "--jobs", "1", "--as-of", "2022-08-09"])
    draft = out / "通报草稿_国务院安委会“十五条硬措施”贯彻落实_2022-07.docx"
    return code, shown.getvalue(), draft, pdf_pages(draft, tmp_path_factory.mktemp("pdf"))


def test_replay__run_accepts_all_and_names_the_draft(printed):
    code, shown, draft, _ = printed
    assert code == 0, shown
    assert f"通报草稿：{draft}（【】中的内容请起草人填写）" in shown.splitlines()


def test_replay__annex1_is_003s(replay, printed):
    _, rows, _, _ = replay
    *_, pages = printed
    lines = annex(pages, "附件1")
    assert squeeze(lines[0] + lines[1]) == "各县区国务院安委会“十五条硬措施”贯彻落实情况得分表（2022年7月）"
    assert ranking_rows(lines, ("排名", "县区", "得分")) == rows


def expected_reasons(blocks: list[Block]) -> str:
    """003's Annex 2 as the tool prints it: its inconsistencies (above) resolved the tool's one way."""
    text = ""
    for b in blocks:
        text += f"{b.unit}得分{b.score}分，扣分原因："
        lines = sorted(b.lines, key=lambda line: int(line.labels[0]))
        for n, line in enumerate(lines):
            end = "。" if n == len(lines) - 1 else "；"
            text += f"（{line.labels[0]}）{line.reason}，扣{line.amount}分{end}"
    return text


def test_replay__annex2_is_003s_in_its_order(replay, printed):
    _, _, blocks, _ = replay
    *_, pages = printed
    lines = annex(pages, "附件2")
    assert squeeze(lines[0]) == "各县区扣分原因"
    printed_text = squeeze("".join(lines[1:]))
    drafted = parse_reasons(printed_text, COUNTIES)
    assert [b.unit for b in drafted] == list(COUNTIES)  # 003's (administrative) order, not by rank
    assert [b.score for b in drafted] == [b.score for b in blocks]
    assert printed_text == expected_reasons(blocks)


def test_replay__body_says_what_003_says(replay, printed):
    _, _, _, seed_body = replay
    *_, pages = printed
    text = body(pages)
    assert THEIR_WORDS in seed_body and THEIR_WORDS in text
    assert "本次共对10个县区检查打分，10个县区参加排名。" in text
    assert "得分最高的是新县（85.7分），最低的是固始县（77分），平均80.6分。" in text
    # (25) 未明确新业态……牵头职责: all ten counties lost points on it, 9.4 in all.
    assert "一是未明确新业态新风险新行业安全生产监管牵头职责（第（25）条），10个县区失分，共扣9.4分" in text
    assert "五是县财政局未设立安全生产举报专项资金（第（87）条），8个县区失分，共扣8分。" in text
    assert text.startswith("【文号】信阳市安全生产委员会办公室关于2022年7月国务院安委会“十五条硬措施”贯彻落实情况的通报")


def test_replay__draft_and_workbook_say_the_same(replay, printed):
    """The 扣分原因 sheet and the draft's Annex 2 come from one function: the same lines for each county
    (the draft ends each county's last one with "。")."""
    folder, _, blocks, _ = replay
    *_, pages = printed
    ws = openpyxl.load_workbook(next((folder / "output").glob("排名汇总_*.xlsx")), read_only=True)["扣分原因"]
    sheet = defaultdict(list)
    unit = None
    for (value,) in ws.iter_rows(min_row=3, max_col=1, values_only=True):
        if not value:
            continue
        if "扣分原因：" in value:
            unit = value.split("得分")[0]
        sheet[unit].append(squeeze(value).rstrip("；。"))
    drafted = squeeze("".join(annex(pages, "附件2")[1:]))
    for b in blocks:
        for line in sheet[b.unit][1:]:
            assert line in drafted
        assert len(sheet[b.unit]) == len(b.lines) + 1
