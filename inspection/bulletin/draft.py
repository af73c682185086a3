"""The bulletin (通报) as text: what the run's data can say, laid out as 003 is, and 【…】 where only
a person can write (文号, 工作开展情况, 下步工作要求, 成文日期).

Nothing here knows about Word: `draft_bulletin` returns paragraphs and one table, each with its role
(STYLES), and docx_out.py gives every role its 公文 formatting.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
import re

from inspection.spec.campaign import Campaign
from inspection.spec.config import Config, group_label
from inspection.findings import Code
from inspection.model import MISSING, RANKED, UNIT_REJECTED, RunResult
from inspection.paper.common import chinese_number, format_points
from inspection.report.ranking import reason_lines
from inspection.report.selfcheck import group_warning

# The role of each paragraph; docx_out.py has a style for each.
NUMBER = "文号"
TITLE = "标题"
ADDRESSEE = "主送"
BODY = "正文"
HEADING = "一级标题"  # 一、…
ATTACHMENTS = "附件说明"
SIGNATURE = "落款"
ANNEX_LABEL = "附件标注"  # 附件1, at the top left of the annex's first page
ANNEX_TITLE = "附件标题"
NOTE = "表注"
REASON_HEAD = "扣分原因标题"  # 浉河区得分 80.1 分，扣分原因：
REASON = "扣分原因"  # （5）……，扣 0.4 分；
STYLES = (NUMBER, TITLE, ADDRESSEE, BODY, HEADING, ATTACHMENTS, SIGNATURE, ANNEX_LABEL, ANNEX_TITLE, NOTE,
          REASON_HEAD, REASON)

MAX_COMMON = 5  # criteria named under 存在的主要问题
MIN_COMMON_UNITS = 2  # a criterion is a common problem when at least this many units lost points on it
NAME_UNITS_UP_TO = 3  # a common problem names its units when there are this few
SHORT_TEXT = 40  # characters of a criterion's text quoted in the bulletin
MANY_ITEMS = 3  # "在很多内容上" from this many items filled only "已完成"
PLACE = re.compile(r"^(.{1,12}?[省市州盟县区旗])")  # the place a name starts with: 信阳市, 建安区
# A criterion's deduction clause: "，扣2分；", "的，每发现1家扣1分", "每缺少一次，扣1分"; the bulletin
# quotes what is checked, not how much it costs.
DEDUCTION = re.compile(r"[，,；;、]?\s*(?:每(?:发现|缺少)[^，。；]*?[，,]?\s*)?扣\s*[\d.]+\s*分")
HOW_CHECKED = re.compile(r"^(?:查看|查阅|抽查|检查|现场检查|查)[^，。；]{0,15}[，,]")


@dataclass(frozen=True)
class Para:
    role: str  # one of STYLES
    text: str  # "\n" breaks the line (the title's)
    lead: str = ""  # a run-in heading in 楷体 before the text: "（一）共性问题较为突出。"
    new_page: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass
class Draft:
    title: str
    blocks: list = field(default_factory=list)  # Para and Table, in order


def draft_bulletin(result: RunResult, campaign: Campaign) -> Draft:
    """文号, title, 主送, the opening with the facts, 一、二、三, 附件说明, 落款, then 附件1 and 附件2 on
    pages of their own, as 003 is laid out."""
    config = campaign.config
    label = config.unit_label
    topic = campaign_topic(config)
    when = round_words(config)
    title = f"{config.issuer}\n关于{when}{topic}情况的通报"  # broken after the issuer, as titles are
    annex1 = (f"{topic}得分表" if label in topic else f"各{label}{topic}情况得分表") + f"（{when}）"
    annex2 = f"各{label}扣分原因"
    b = [
        Para(NUMBER, "【文号】"),
        Para(TITLE, title),
        Para(ADDRESSEE, "【主送机关】："),
        Para(BODY, f"【检查的依据和组织情况，如：根据……的要求，……于……对各{label}进行了检查打分。】"
                   f"{facts(result, config)}现将有关情况通报如下："),
        Para(HEADING, "一、工作开展情况"),
        Para(BODY, f"【各{label}的主要做法、成效和典型经验，由起草人填写。】"),
        Para(HEADING, "二、存在的主要问题"),
        *problems(result, campaign),
        Para(HEADING, "三、下步工作要求"),
        Para(BODY, "【下步工作要求，由起草人填写。】"),
        Para(ATTACHMENTS, f"附件：1.{annex1}"),
        Para(ATTACHMENTS, f"2.{annex2}"),
        Para(SIGNATURE, config.issuer),
        Para(SIGNATURE, "【成文日期】"),
        Para(ANNEX_LABEL, "附件1", new_page=True),
        Para(ANNEX_TITLE, annex1),
        ranking_table(result, config),
    ]
    unranked = [r for r in result.ranking if r.status != RANKED]
    if unranked:
        b.append(Para(NOTE, "注：" + "；".join(f"{'、'.join(units)}{why}" for why, units in
                                              _grouped(unranked).items()) + "，未参加排名。"))
    b += [Para(ANNEX_LABEL, "附件2", new_page=True), Para(ANNEX_TITLE, annex2)]
    for heading, lines in reason_blocks(result, config):
        b.append(Para(REASON_HEAD, heading))
        b.extend(Para(REASON, line) for line in lines)
    if b[-1].role == ANNEX_TITLE:
        b.append(Para(REASON, f"没有参加排名的{label}。"))
    return Draft(title.replace("\n", ""), b)


def campaign_topic(config: Config) -> str:
    """The campaign's name without the place the issuer already names: 信阳市安全生产委员会办公室
    关于……安全生产县际异地交叉检查 (not 信阳市安全生产县际…)."""
    place = PLACE.match(config.issuer)
    name = config.campaign
    if place and name.startswith(place.group(1)) and len(name) - len(place.group(1)) >= 4:
        return name[len(place.group(1)):]
    return name


def round_words(config: Config) -> str:
    """The round as a bulletin writes it: 2023年8月, 2023年第三季度, 2023年上半年, 2023年度."""
    if "年" in config.shown_round:
        return "".join(config.shown_round.split())
    year, _, rest = config.round.partition("-")
    if not rest:
        return f"{year}年度"
    if rest.startswith("Q"):
        return f"{year}年第{chinese_number(int(rest[1:]))}季度"
    if rest.startswith("H"):
        return f"{year}年{'上' if rest == 'H1' else '下'}半年"
    return f"{year}年{int(rest)}月"


def facts(result: RunResult, config: Config) -> str:
    """How many units took part and were ranked (the others named), the highest, the lowest and the
    average score, and where the annexes are."""
    label = config.unit_label
    ranked = [r for r in result.ranking if r.status == RANKED]
    unranked = [r for r in result.ranking if r.status != RANKED]
    text = f"本次共对 {len(result.ranking)} 个{label}检查打分，"
    why = "，".join(f"{'、'.join(units)}{why}" for why, units in _grouped(unranked).items())
    if not ranked:
        return text + f"{why}，没有{label}参加排名。"
    text += f"{len(ranked)} 个{label}参加排名" + (f"，{why}，未参加排名" if unranked else "") + "。"
    if len(ranked) == 1:
        return text + f"{ranked[0].unit}得分 {format_points(ranked[0].score)} 分。各{label}扣分原因见附件2。"
    top = max(r.score for r in ranked)
    low = min(r.score for r in ranked)
    mean = (sum((r.score for r in ranked), Decimal(0)) / len(ranked)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return text + (f"得分最高的是{_at(ranked, top)}，最低的是{_at(ranked, low)}，平均 {format_points(mean)} 分。"
                   f"各{label}得分及排名见附件1，扣分原因见附件2。")


def _at(ranked, score: Decimal) -> str:
    units = [r.unit for r in ranked if r.score == score]
    return f"{'、'.join(units)}（{'均为 ' if len(units) > 1 else ''}{format_points(score)} 分）"


def _grouped(rows) -> dict[str, list[str]]:
    """Units not ranked, by why: 未报送打分表 / 报送的打分表未通过校验."""
    why = {MISSING: "未报送打分表", UNIT_REJECTED: "报送的打分表未通过校验"}
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(why.get(r.status, r.status), []).append(r.unit)
    return out


def problems(result: RunResult, campaign: Campaign) -> list[Para]:
    """存在的主要问题: the criteria most units lost points on, then the units that wrote only "已完成"
    (or nothing) as 完成情况 where they lost points; the rest is for the drafter."""
    config = campaign.config
    paras = []
    common = common_lines(result, campaign)
    if common:
        paras.append(Para(BODY, common, lead=f"（{chinese_number(len(paras) + 1)}）共性问题较为突出。"))
    thin = thin_status_line(result, config)
    if thin:
        paras.append(Para(BODY, thin, lead=f"（{chinese_number(len(paras) + 1)}）完成情况填报过于简单。"))
    review = review_line(result, config)
    if review:
        paras.append(Para(BODY, review, lead=f"（{chinese_number(len(paras) + 1)}）部分{config.group_noun}复核把关不严。"))
    paras.append(Para(BODY, "【其他问题，由起草人根据检查情况补充。】", lead=f"（{chinese_number(len(paras) + 1)}）"))
    return paras


def review_line(result: RunResult, config: Config) -> str:
    """From 自评与复核 (selfcheck.py), as 003 §二(一) puts it: the groups whose review found less than
    the unit's own assessment, or repeated it, by name and with the counts; "" when none did."""
    if result.comparison is None or not result.comparison.warned:
        return ""
    label = config.unit_label
    named = [f"{group_label(g.number, g.name)}复核{'、'.join(g.compared)}时{group_warning(g, label, sep='，')}"
             for g in result.comparison.warned if g.number is not None]
    if not named:
        return ""
    return (f"对照各{label}报送的自评表和自查问题清单，" + "；".join(named) + f"，存在把{label}自查的问题当成复核发现的问题、"
            f"查找的问题比{label}自查的还少的现象。")


def common_lines(result: RunResult, campaign: Campaign) -> str:
    """"从打分情况看，失分较为集中的是：一是……（第（25）条），10 个县区失分，共扣 10 分；二是……。"
    from 共性问题 (decide.common_problems: by how many units, then by points)."""
    label = campaign.config.unit_label
    texts = {c.id: c.text for c in campaign.rubric.criteria}
    chosen = [p for p in result.common_problems if len(p.units) >= MIN_COMMON_UNITS][:MAX_COMMON]
    if not chosen:
        return ""
    parts = []
    for n, p in enumerate(chosen):
        who = f"{len(p.units)} 个{label}" + (f"（{'、'.join(p.units)}）" if len(p.units) <= NAME_UNITS_UP_TO else "")
        parts.append(f"{chinese_number(n + 1)}是{shorten(texts.get(p.criterion_id, p.text))}（第（{p.label}）条），"
                     f"{who}失分，共扣 {format_points(p.points)} 分")
    return "从打分情况看，失分较为集中的是：" + "；".join(parts) + "。"


def shorten(text: str) -> str:
    """A criterion's text as the bulletin quotes it: what falls short, without how it is checked
    ("查看有关制度、账目，") or what it costs ("的，扣1分；"), at most SHORT_TEXT characters, cut
    after a comma or 顿号 where possible ("……等")."""
    text = " ".join(str(text).split())
    cut = DEDUCTION.search(text)
    if cut and cut.start() > 0:
        text = text[:cut.start()]
    text = text.rstrip("，,；;。.、 ")
    text = re.sub(r"的$", "", text)
    checked = HOW_CHECKED.match(text)
    if checked and len(text) > checked.end():
        text = text[checked.end():]
    if len(text) > SHORT_TEXT:
        head = text[:SHORT_TEXT]
        stop = max(head.rfind("，"), head.rfind("、"), head.rfind("；"))
        text = (head[:stop] if stop >= SHORT_TEXT // 2 else head).rstrip("，、；的") + "等"
    return text


def thin_status_line(result: RunResult, config: Config) -> str:
    """From the D009 warnings of the accepted returns, as 003 §二 writes it: "浉河区、固始县在很多内容
    上仅仅填报“已完成”（分别有 12 项、9 项），息县有 2 项未填写完成情况。"."""
    accepted = {unit: ret.file for unit, ret in result.scoring.items()}
    words: dict[str, Counter] = {}  # unit → boilerplate word → items
    blank: Counter = Counter()  # unit → items left blank
    for f in result.findings:
        if f.code is not Code.D009 or accepted.get(f.unit) != f.file:
            continue
        word = dict(f.values).get("word")  # the boilerplate typed ("已完成"); none when left blank
        if word:
            words.setdefault(f.unit, Counter())[word] += 1
        else:
            blank[f.unit] += 1
    order = [u for u in config.units if u in words or u in blank]
    if not order:
        return ""
    clauses = []
    filled = [u for u in order if u in words]
    if filled:
        counts = [sum(words[u].values()) for u in filled]
        used = Counter()
        for u in filled:
            used.update(words[u])
        quoted = "".join(f"“{w}”" for w, _ in used.most_common(2)) + ("等" if len(used) > 2 else "")
        how = "很多" if min(counts) >= MANY_ITEMS else "个别" if max(counts) < MANY_ITEMS else "部分"
        clauses.append(f"{'、'.join(filled)}在{how}内容上仅仅填报{quoted}" + _counts(counts))
    empty = [u for u in order if u in blank]
    if empty:
        clauses.append(f"{'、'.join(empty)}有失分的内容未填写完成情况" + _counts([blank[u] for u in empty]))
    return (f"在填写打分表“完成情况”一栏时，部分{config.unit_label}对已完成的工作表述过于简单，"
            + "，".join(clauses) + "。")


def _counts(counts: list[int]) -> str:
    if len(counts) == 1:
        return f"（{counts[0]} 项）"
    return f"（分别有 {' 项、'.join(str(c) for c in counts)} 项）"


def ranking_table(result: RunResult, config: Config) -> Table:
    """附件1: 排名 / unit / 得分 of the ranked units, ties sharing a rank (decide.rank), one decimal
    at most as 003 prints it (85.7, 81)."""
    rows = tuple((str(r.rank), r.unit, format_points(r.score)) for r in result.ranking if r.status == RANKED)
    return Table(("排名", config.unit_label, "得分"), rows)


def reason_blocks(result: RunResult, config: Config) -> list[tuple[str, list[str]]]:
    """附件2: each ranked unit's heading and deduction lines, made by the report's own reason_lines (so
    the 扣分原因 sheet and the draft say the same): in the campaign's administrative order, each unit's
    last line ending "。", as 003 Annex 2 is."""
    blocks: list[tuple[str, list[str]]] = []
    for text, is_heading in reason_lines(result, config):
        if is_heading:
            blocks.append((text, []))
        else:
            blocks[-1][1].append(text)
    return blocks
