"""The annex tables of seeds 000 (Annex 2) and 004, rebuilt as a clerk's paste from the Word notice
puts them in the 考评细则 sheet, extracted by script from the flattened text in tests/seeds/.

The text extraction flattened the tables: 000's cells run into each other across columns and page
breaks, several items and criteria share a cell, and some labels are garbled. The script takes every
labelled unit (一、 （一） 1. (1)) in the order of the text; what the text cannot give is fixed by hand
in the small tables below, each entry saying why. Which item a criterion belongs to, and which
section an item, is not recoverable from the flattened rows; it comes from seeds/README.md ("Facts
about Annex 2 of 000"), as tests/test_rubric.py has it.
"""

from pathlib import Path
import re

from tests.test_rubric import CRITERIA_OF_ITEM, SECTION_ITEMS

SEEDS = Path(__file__).resolve().parent / "seeds"
CN = "一二三四五六七八九十"

# --- 000, Annex 2 ---
HEADER_000 = ["考评项目", "考评细则", "评分标准", "完成情况", "得分", "扣分及原因"]
TITLE_000 = ["市安委办专项行动组安全生产交叉检查打分表", "（第 _____ 专项行动组检查 _____ 县区）"]
# Garbled labels in the flattened text, fixed before the units are found.
LABEL_FIXES = [
    ("(十) 三)", "(十三)"),  # section 十三 printed across two brackets
    ("(十) 四)", "(十四)"),  # section 十四 likewise
    ("(十) 发挥", "(十六) 发挥"),  # section 十六 lost its 六
]
# Texts the flattened extraction garbled, fixed by hand (after the PDF's spacing and half-width
# punctuation are undone): (unit, the text as extracted, as the notice has it). The same fixes as
# rubrics/xinyang_2023_cross_inspection.toml notes, except section 十四's misprinted "（2分）", which
# stays: the paste must show it.
TEXT_FIXES = {
    # the PDF kept its spaces around the digits of this note, and so did the shipped rubric
    ("part", "一"): [("企业层面（每个县区抽查3个重点行业领域，每行业领域至少抽查1家企业）",
                     "企业层面（每个县区抽查 3 个重点行业领域，每行业领域至少抽查 1 家企业）")],
    # the cell is interleaved with the tail of item 3
    ("section", "二"): [("研究本行业领域重大事故隐患判定标准或重点检查事项，组织研究部署开展对标自查自改。（2分）组织",
                        "研究组织")],
    # split over a page break with 救援 on both sides
    ("section", "六"): [("救援救援", "救援")],
    # split over a page break: the second page repeats "红线意识" with the right points; the first
    # page's "（2分）" is the misprint the test expects to be found
    ("section", "十四"): [("红线意识。（4分）", "")],
    ("item", "1"): [("麻痹麻痹", "麻痹")],  # doubled in the source
    ("item", "11"): [("明确定", "检查")],  # garbled word
    ("item", "21"): [("社会主义实践", "社会主义思想主题教育，“学思想、强党性、重实践")],  # a wrapped line lost
    # the item's text runs into criteria (34)–(38) with a stray "，扣1分；"; its "(4分)" trails (38)
    ("item", "23"): [("“一案双罚”，扣1分；", "“一案双罚”。（4分）")],
    ("criterion", "6"): [("不不清楚", "不清楚")],  # doubled in the source
    ("criterion", "38"): [("。（4分）", "。")],
    ("criterion", "53"): [("学习学习", "学习")],  # doubled in the source
}


def _chinese(n: int) -> str:
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


def _annex_cells():
    """(column, text) of each non-empty cell of Annex 2's table rows, in reading order."""
    text = (SEEDS / "000_ee3099742c1ab47d.txt").read_text(encoding="utf-8")
    annex = text[text.index("附件 2"):text.index("附件 3")]
    for old, new in LABEL_FIXES:
        assert old in annex, old
        annex = annex.replace(old, new)
    for line in annex.splitlines():
        if "\t" in line and not line.startswith("考评项目\t"):
            for col, cell in enumerate(line.split("\t")):
                cell = re.sub(r"</?p>", " ", cell).strip()
                if cell:
                    yield col, cell


def _units_000() -> list[list[str]]:
    """[level, number, text] of every labelled unit in the order of the text. Each next label is
    looked for by the number it must have (the two (48) allowed), so numbers inside the texts are not
    taken for labels. A cell's unlabelled start continues the last section (first column) or item
    (second column) — the other half of a cell split by a page break."""
    expect = dict.fromkeys(("part", "section", "item", "criterion"), 1)
    units: list[list[str]] = []
    last: dict[str, int] = {}
    for col, cell in _annex_cells():
        pos = 0
        while True:
            patterns = {
                "part": re.compile(rf"^({CN[expect['part'] - 1]})、"),
                "section": re.compile(rf"[(（]({_chinese(min(expect['section'], 19))})[)）]"),
                "item": re.compile(rf"(?:^|(?<=\s))({expect['item']})\.(?=\s|[^\x00-\x7f])"),
                "criterion": re.compile(rf"[(（]({expect['criterion']}|{expect['criterion'] - 1})[)）]"),
            }
            hits = sorted((m.start(), level, m) for level, p in patterns.items()
                          for m in [p.search(cell, pos)] if m)
            end = hits[0][0] if hits else len(cell)
            piece = cell[pos:end].strip()
            if piece and pos == 0:
                units[last[{0: "section", 1: "item"}[col]]][2] += piece
            elif piece:
                units[-1][2] += " " + piece
            if not hits:
                break
            _, level, match = hits[0]
            if level != "criterion" or int(match.group(1)) == expect["criterion"]:
                expect[level] += 1
            units.append([level, match.group(1), match.group(0)])
            last[level] = len(units) - 1
            pos = match.end()
    return units


def word_text(text: str) -> str:
    """A text as the Word notice has it: without the spaces the PDF put at line breaks and around
    numbers, and with full-width punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])", "", text)
    return text.translate(str.maketrans(",;:()", "，；：（）"))


def annex_2_table() -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Annex 2 as pasted: (rows from A1, merged ranges 0-based (r1, c1, r2, c2)). Title rows, the
    header, a row per part heading (merged across), one row per criterion with the section and item
    merged down their rows, and the closing 总得分 row."""
    units = {"part": [], "section": [], "item": [], "criterion": []}
    for level, number, text in _units_000():
        text = word_text(text)
        for old, new in TEXT_FIXES.get((level, number), []):
            assert old in text, (level, number, old)
            text = text.replace(old, new, 1)
        units[level].append(text)
    assert [len(v) for v in units.values()] == [2, 19, 48, 67]
    width = len(HEADER_000)
    rows = [[TITLE_000[0]] + [""] * (width - 1), [TITLE_000[1]] + [""] * (width - 1), HEADER_000]
    merges = [(0, 0, 0, width - 1), (1, 0, 1, width - 1)]
    criteria = iter(units["criterion"])
    for s, (section, (first, last)) in enumerate(zip(units["section"], SECTION_ITEMS)):
        if s in (0, 13):  # 一、企业层面 before （一）, 二、县区政府层面 before （十四）
            merges.append((len(rows), 0, len(rows), width - 1))
            rows.append([units["part"][s // 13]] + [""] * (width - 1))
        section_row = len(rows)
        for n in range(first, last + 1):
            item_row = len(rows)
            for k, _ in enumerate(CRITERIA_OF_ITEM[n].split()):
                rows.append([section if len(rows) == section_row else "", units["item"][n - 1] if k == 0 else "",
                             next(criteria), "", "", ""])
            merges += [(item_row, c, len(rows) - 1, c) for c in (1, 3, 4) if len(rows) - 1 > item_row]
        merges.append((section_row, 0, len(rows) - 1, 0))
    rows.append(["总得分："] + [""] * (width - 1))
    return rows, merges


# --- 004 ---
# Typing slips in the source that the shipped rubric's transcriber fixed: (as in the text, as shipped).
TEXT_FIXES_004 = [
    ("扣0.5分.。", "扣0.5分。"),  # a stray half-width full stop
    ("通知》》", "通知》"),  # a doubled closing bracket
]


def table_004() -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """004's table as pasted: (rows from A1, merged ranges). The Word table's cells are the text's
    tab-led lines (a cell's further lines are its line breaks), six to a row: 指标, 类别, 考评内容及要求,
    考评标准, 分值, 扣分及原因. 指标 and 类别 are merged down their rows."""
    text = (SEEDS / "004_d053ebb7ce7cf53b.txt").read_text(encoding="utf-8")
    for old, new in TEXT_FIXES_004:
        assert old in text, old
        text = text.replace(old, new)
    lines = text.split("\n")
    title = lines[2]
    cells: list[str] = []
    for line in lines[3:]:
        if line.startswith("\t"):
            cells.append(line[1:])
        elif cells:
            cells[-1] += "\n" + line
    rows = [[title, "", "", "", "", ""]]
    merges = [(0, 0, 0, 5)]
    for i in range(0, len(cells), 6):
        row = [c.strip("\n") if c.strip() else "" for c in cells[i:i + 6]]
        rows.append(row + [""] * (6 - len(row)))
    for col in (0, 1):
        starts = [r for r in range(2, len(rows)) if rows[r][col]] + [len(rows)]
        merges += [(a, col, b - 1, col) for a, b in zip(starts, starts[1:]) if b - 1 > a]
    return rows, merges
