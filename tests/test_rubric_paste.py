"""The rubric pasted from the notice into the 考评细则 sheet: written into real workbooks the way a
paste from Word lands (merged cells), read back through inspection.intake.book, parsed, and
compared with the shipped rubrics label by label, point by point, deduction by deduction."""

import copy
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings, strategies as st
import openpyxl
import pytest

from inspection.intake.book import read_book
from inspection.spec.rubric import DEDUCTION_ABOVE, load_rubric, rubric_from_data
from inspection.setup.rubric_table import parse_rubric_table, rubric_rows, rubric_spans, sheet_rows
from inspection.setup.rubric_text import CAP, NO_DEDUCTION, RANGE, UNIT, read_deductions
from inspection.setup.rubric_entries import (
    ABOVE_ITEM, DUPLICATE_LABEL, MANY_IN_CELL, NO_HEADER, NO_POINTS, POINTS_DISAGREE, SHEET, SUM_PART,
    SUM_SECTION, SUM_TABLE, UNKNOWN_COLUMN,
)
from inspection.spec.toml_file import load_toml
from tests.conftest import ROOT, XINYANG, XUCHANG
from tests.seed_tables import annex_2_table, table_004

RUBRICS = sorted([*ROOT.glob("rubrics/*.toml"), *ROOT.glob("examples/*/rubric.toml")])
EXAMPLE = ROOT / "examples" / "001_平顶山重大隐患专项行动" / "rubric.toml"  # 4 sections, 11 items, 12 criteria


def _paste(tmp_path: Path, rows: list[list], merges=(), name: str = "paste.xlsx") -> list[tuple[int, list]]:
    """`rows` from A1 into a 考评细则 sheet with `merges` (0-based, inclusive) merged as a paste from Word
    leaves them (the value in the top-left cell only), saved and read back as the tool reads sheets."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value != "":
                ws.cell(r, c, value)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    path = tmp_path / name
    wb.save(path)
    with read_book(path, path.read_bytes()) as book:
        return sheet_rows(book.sheet(SHEET))


def _flat(data: dict) -> list[tuple]:
    """Every part, section, item and criterion of a rubric dict as one comparable row."""
    out = []
    for p in data["parts"]:
        out.append(("part", p["id"], p["label"], p["title"], p.get("note"), p.get("points")))
        for s in p["sections"]:
            out.append(("section", s["id"], s["label"], s["title"], s["points"]))
            for i in s["items"]:
                out.append(("item", i["id"], i["label"], i["text"], i.get("points")))
                for c in i["criteria"]:
                    out.append(("criterion", c["id"], c["label"], c["text"], c["deductions"],
                                c.get("not_applicable", False)))
    return out


def _messages(problems) -> list[str]:
    return [p.message for p in problems]


def _row_of(rows: list[list], start: str, col: int = 0) -> int:
    """The Excel row number of the first row whose cell `col` starts with `start`."""
    return next(n for n, row in enumerate(rows, start=1) if str(row[col]).startswith(start))


def _duplicate_48(rows: list[list]) -> str:
    first = _row_of(rows, "（48）", 2)
    second = next(n for n, row in enumerate(rows, start=1) if n > first and row[2].startswith("（48）"))
    return f"{SHEET}!C{second}：" + DUPLICATE_LABEL.format(place="（48）", other=f"C{first}", first_id="c48", id="c48b")


# --- the seeds ---
def test_annex_2__pasted_from_seed_000__equals_shipped_rubric_but_the_misprinted_section_14(tmp_path):
    rows, merges = annex_2_table()
    shipped = load_toml(XINYANG)
    data, problems = parse_rubric_table(_paste(tmp_path, rows, merges), header=shipped["rubric"])

    row_14 = _row_of(rows, "（十四）")
    assert rows[row_14 - 1][0] == "（十四）牢固树立安全红线意识。（2分）"
    assert _messages(problems) == [
        f"{SHEET}!A{row_14}：" + SUM_SECTION.format(place="（十四）", points="2", got="4", terms="2 + 1 + 1"),
        _duplicate_48(rows),
    ]
    assert [p.cell for p in problems] == [f"A{row_14}", f"C{_row_of(rows, '（48）', 2) + 1}"]
    assert [p.level for p in problems] == ["错误", "警告"]
    misprinted = copy.deepcopy(shipped)
    misprinted["parts"][1]["sections"][0]["points"] = 2  # （十四） as printed
    misprinted["parts"][1]["points"] = 19  # 二、县区政府层面 prints none: the sum of its sections
    assert _flat(data) == _flat(misprinted)
    assert data == misprinted


def test_annex_2__section_14_corrected_to_4__equals_shipped_rubric(tmp_path):
    rows, merges = annex_2_table()
    row_14 = _row_of(rows, "（十四）")
    rows[row_14 - 1][0] = rows[row_14 - 1][0].replace("（2分）", "（4分）")
    shipped = load_toml(XINYANG)
    data, problems = parse_rubric_table(_paste(tmp_path, rows, merges), header=shipped["rubric"])
    assert _messages(problems) == [_duplicate_48(rows)]
    assert _flat(data) == _flat(shipped)
    assert data == shipped
    assert rubric_from_data(data, "考评细则表", str(XINYANG)) == load_rubric(XINYANG)


def test_xuchang_2018__pasted_from_seed_004__equals_shipped_rubric(tmp_path):
    rows, merges = table_004()
    assert rows[1] == ["指标", "类别", "考评内容及要求", "考评标准", "分值", "扣分及原因"]
    shipped = load_toml(XUCHANG)
    data, problems = parse_rubric_table(_paste(tmp_path, rows, merges), header=shipped["rubric"])
    assert problems == []
    assert _flat(data) == _flat(shipped)
    assert data == shipped
    assert rubric_from_data(data, "考评细则表", str(XUCHANG)) == load_rubric(XUCHANG)


def test_xuchang_2018__labels_and_total_not_given__taken_from_the_table(tmp_path):
    rows, merges = table_004()
    header = {"id": "xuchang", "version": "1", "name": "许昌", "title": "许昌", "total": None}
    data, problems = parse_rubric_table(_paste(tmp_path, rows, merges), header=header)
    assert problems == []
    assert data["rubric"]["total"] == 40
    assert data["rubric"]["labels"] == {"section": "类别", "item": "考评内容及要求", "criterion": "考评标准"}
    assert [(p["label"], p["title"], p["points"]) for p in data["parts"]] == [
        ("一、", "责任落实", 11), ("二、", "依法治理", 3), ("三、", "基础建设", 10), ("四、", "重点工作落实", 13),
        ("五、", "应急管理", 3)]


# --- every shipped rubric, there and back ---
@pytest.mark.parametrize("path", RUBRICS, ids=[p.parent.name if p.name == "rubric.toml" else p.stem for p in RUBRICS])
def test_round_trip__rubric_to_pasted_table_and_back__same_rubric(tmp_path, path):
    rubric = load_rubric(path)
    rows = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rubric_rows(rubric)]
    read = _paste(tmp_path, rows, rubric_spans(rubric))
    data, problems = parse_rubric_table(read, header=load_toml(path)["rubric"])
    assert [p.level for p in problems] == (["警告"] if path == XINYANG else [])  # the two (48)
    again = rubric_from_data(data, "考评细则表", str(path))
    assert again == rubric
    assert data == load_toml(path)


def test_rubric_rows__header_and_first_rows__as_the_annex_prints_them():
    rubric = load_rubric(XINYANG)
    rows = rubric_rows(rubric)
    assert rows[0] == ["考评项目", "考评细则", "评分标准", "分值"]
    assert rows[1] == ["一、企业层面（79分）　每个县区抽查 3 个重点行业领域，每行业领域至少抽查 1 家企业", "", "", ""]
    assert rows[2][0] == "（一）企业主要负责人牢固树立安全发展理念（7分）"
    assert rows[2][1].startswith("1.企业主要负责人要正确处理") and rows[2][3] == Decimal(3)
    assert rows[3][:2] == ["", ""] and rows[3][2].startswith("(2)企业主要负责人履行法定义务")
    assert len(rows) == 1 + 2 + 67
    assert (2, 0, 5, 0) in rubric_spans(rubric)  # （一）: criteria (1)–(4)
    assert (1, 0, 1, 3) in rubric_spans(rubric)


# --- layouts ---
def _example_rows() -> tuple[list[list], list[tuple[int, int, int, int]]]:
    rubric = load_rubric(EXAMPLE)
    rows = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rubric_rows(rubric)]
    return rows, rubric_spans(rubric)


def _parse(rows, header=None):
    return parse_rubric_table([(n, row) for n, row in enumerate(rows, start=1)],
                              header=header if header is not None else load_toml(EXAMPLE)["rubric"])


def _filled(rows: list[list], spans) -> list[list]:
    """The merged cells unmerged with their value filled into every cell (Excel: 取消合并 + 填充)."""
    rows = copy.deepcopy(rows)
    for r1, c1, r2, c2 in spans:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                rows[r][c] = rows[r1][c1]
    return rows


@pytest.mark.parametrize("layout", ["merged", "repeated", "blank below"])
def test_layout__merged_repeated_or_blank_below__same_rubric(tmp_path, layout):
    rows, spans = _example_rows()
    if layout == "merged":
        read = _paste(tmp_path, rows, spans)
    elif layout == "repeated":
        read = _paste(tmp_path, _filled(rows, spans))
    else:
        read = _paste(tmp_path, rows)
    data, problems = parse_rubric_table(read, header=load_toml(EXAMPLE)["rubric"])
    assert problems == []
    assert data == load_toml(EXAMPLE)


def test_layout__extra_columns_and_title_rows__ignored(tmp_path):
    """A 序号 column first; 完成情况, 扣分, 扣分原因, 得分, 备注 after, some filled in; title rows above."""
    rows, spans = _example_rows()
    width = 10
    wide = [["重大事故隐患专项排查整治打分表"] + [""] * (width - 1), [""] * width]
    merges = [(0, 0, 0, width - 1)]
    for n, row in enumerate(rows):
        if n and not row[1] and not row[2]:  # a part heading: across the whole row, 序号 included
            merges.append((len(wide), 0, len(wide), width - 1))
            wide.append([row[0]] + [""] * (width - 1))
            continue
        extra = ["完成情况", "扣分", "扣分原因", "得分", "备注"] if n == 0 else ["已完成", 1, "台账不全", 3, "抽查2家"]
        wide.append(["序号" if n == 0 else n, *row, *extra])
    merges += [(r1 + 2, c1 + 1, r2 + 2, c2 + 1) for r1, c1, r2, c2 in spans if c1 == c2]
    data, problems = parse_rubric_table(_paste(tmp_path, wide, merges), header=load_toml(EXAMPLE)["rubric"])
    assert problems == []
    assert data == load_toml(EXAMPLE)


@pytest.mark.parametrize("names, labels", [
    (["项目", "细则", "扣分标准", "分数"], ("项目", "细则", "扣分标准")),
    (["类别", "考评内容", "考评标准", "标准分"], ("类别", "考评内容", "考评标准")),
    (["考 评 项 目", "考评细则\n（考评内容）", "评分标准", "分值（分）"],
     ("考评项目", "考评细则（考评内容）", "评分标准")),
])
def test_header__names_matched_loosely__same_rubric_with_the_table_names_as_labels(names, labels):
    rows, _ = _example_rows()
    rows[0] = names
    header = {k: v for k, v in load_toml(EXAMPLE)["rubric"].items() if k != "labels"}
    data, problems = _parse(rows, header)
    assert problems == []
    assert data["parts"] == load_toml(EXAMPLE)["parts"]
    assert data["rubric"]["labels"] == dict(zip(("section", "item", "criterion"), labels))


def test_layout__no_criterion_column__each_item_is_its_own_criterion():
    rows = [["考评项目", "考评内容", "分值"],
            ["一、安全责任", "", ""],
            ["（一）责任落实（3分）", "1.未建立安全生产责任制的，扣2分。", 2],
            ["", "2、未按季度研究安全生产工作的，每缺少一次扣0.5分，扣完为止。", "1分"],
            ["（二）隐患排查（2分）", "3．重大事故隐患未整改到位的，每发现一处扣1分。（2分）", ""]]
    data, problems = _parse(rows, {"id": "t", "total": None})
    assert problems == []
    assert _flat(data) == [
        ("part", "p1", "一、", "安全责任", None, 5),
        ("section", "s01", "（一）", "责任落实", 3),
        ("item", "i01", "1.", "未建立安全生产责任制的，扣2分。", 2),
        ("criterion", "c01", "1", "未建立安全生产责任制的，扣2分。", [{"amount": 2}], False),
        ("item", "i02", "2.", "未按季度研究安全生产工作的，每缺少一次扣0.5分，扣完为止。", 1),
        ("criterion", "c02", "2", "未按季度研究安全生产工作的，每缺少一次扣0.5分，扣完为止。",
         [{"amount": Decimal("0.5"), "per": "次"}], False),
        ("section", "s02", "（二）", "隐患排查", 2),
        ("item", "i03", "3.", "重大事故隐患未整改到位的，每发现一处扣1分。", 2),
        ("criterion", "c03", "3", "重大事故隐患未整改到位的，每发现一处扣1分。", [{"amount": 1, "per": "处"}], False),
    ]
    assert data["rubric"]["labels"] == {"section": "考评项目", "item": "考评内容", "criterion": "评分标准"}
    assert rubric_from_data({**data, "rubric": {**data["rubric"], "version": "1", "name": "t", "title": "t"}}, "表")


def test_layout__criteria_on_lines_of_one_cell__one_criterion_each():
    rows = [["考评项目", "考评细则", "评分标准", "分值"],
            ["（一）台账（3分）", "1.建立隐患台账。", "(1)未建立台账的，扣2分；\n(2)台账未更新的，扣1分。", 3]]
    data, problems = _parse(rows, {"id": "t"})
    assert problems == []
    item = data["parts"][0]["sections"][0]["items"][0]
    assert [(c["label"], c["text"], c["deductions"]) for c in item["criteria"]] == [
        ("1", "未建立台账的，扣2分；", [{"amount": 2}]), ("2", "台账未更新的，扣1分。", [{"amount": 1}])]
    assert data["parts"][0]["title"] == "考评内容" and data["parts"][0]["label"] == ""


def test_layout__paragraphs_spread_over_rows_by_the_paste__joined_back(tmp_path):
    """Word's paragraphs inside one cell land in rows of their own; the other cells merge over them."""
    rows = [["考评项目", "考评细则", "评分标准", "分值"],
            ["一、企业层面", "", "", ""],
            ["（一）落实全员安全生产责任制，", "1.建立健全全员安全生产责任制，", "(1)未建立的，", 4],
            ["发挥管理团队作用。（4分）", "明确岗位责任。", "每发现1家扣1分；", ""],
            ["", "", "(2)未明确的，扣1分。", ""]]
    merges = [(1, 0, 1, 3), (2, 3, 4, 3), (3, 2, 3, 2)]
    data, problems = parse_rubric_table(_paste(tmp_path, rows, merges), header={"id": "t"})
    assert problems == []
    assert _flat(data)[1:] == [
        ("section", "s01", "（一）", "落实全员安全生产责任制，发挥管理团队作用", 4),
        ("item", "i01", "1.", "建立健全全员安全生产责任制，明确岗位责任。", 4),
        ("criterion", "c01", "1", "未建立的，每发现1家扣1分；", [{"amount": 1, "per": "家"}], False),
        ("criterion", "c02", "2", "未明确的，扣1分。", [{"amount": 1}], False),
    ]


def test_layout__header_repeated_on_each_page_and_a_total_row__skipped():
    rows, _ = _example_rows()
    rows = [*rows[:6], list(rows[0]), *rows[6:], ["合计", "", "", 30.0]]
    data, problems = _parse(rows)
    assert problems == []
    assert data == load_toml(EXAMPLE)


# --- problems, each at its cell with the fix ---
def test_problem__wrong_section_sum__at_the_section_cell():
    rows, _ = _example_rows()
    row = _row_of(rows, "（二）")
    rows[row - 1][0] = rows[row - 1][0].replace("（7分）", "（8分）")
    data, problems = _parse(rows)
    # only the section: its part and the total are checked once it adds up
    assert _messages(problems) == [
        f"{SHEET}!A{row}：" + SUM_SECTION.format(place="（二）", points="8", got="7", terms="3 + 2 + 2")]
    assert problems[0].cell == f"A{row}" and problems[0].level == "错误"
    assert problems[0].message == (f"{SHEET}!A{row}：（二）分值 8，其下细则合计 7（3 + 2 + 2），"
                                   "请改正这一格写的分值，或核对其下各细则的分值")


def test_problem__wrong_part_sum__at_the_heading_cell():
    rows, _ = _example_rows()
    rows[1][0] = rows[1][0].replace("（14分）", "（15分）")
    _, problems = _parse(rows, {**load_toml(EXAMPLE)["rubric"], "total": None})
    assert _messages(problems) == [f"{SHEET}!A2：" + SUM_PART.format(
        place="一、企业层面", points="15", got="14", terms="7 + 7", level="考评项目")]


def test_problem__unreadable_deduction__at_the_criterion_cell():
    rows, _ = _example_rows()
    row = _row_of(rows, "(3)", 2)
    rows[row - 1][2] = "(3)未组织开展全员安全警示教育的，酌情扣分。"
    data, problems = _parse(rows)
    assert _messages(problems) == [f"{SHEET}!C{row}：（3）：" + NO_DEDUCTION]
    assert problems[0].cell == f"C{row}" and problems[0].level == "错误"
    assert NO_DEDUCTION == "没有读出扣分（应写明如“扣2分”“每发现1家扣1分”“不得分”），请在这一格的条文里写明扣几分"


def test_problem__deduction_over_the_item__at_the_criterion_cell():
    rows, _ = _example_rows()
    row = _row_of(rows, "(8)", 2)
    rows[row - 1][2] = rows[row - 1][2].replace("扣1分；", "扣3分；")
    data, problems = _parse(rows)
    assert _messages(problems) == [
        f"{SHEET}!C{row}：" + ABOVE_ITEM.format(place="（8）", amount="3", points="2", item="考评细则")]
    assert ABOVE_ITEM.endswith("请核对这一格的扣分或该{item}的分值") and DEDUCTION_ABOVE in ABOVE_ITEM


def test_problem__several_at_once__errors_first_then_warnings_in_sheet_order():
    rows, _ = _example_rows()
    row_3, row_5, row_9 = _row_of(rows, "(3)", 2), _row_of(rows, "(5)", 2), _row_of(rows, "(9)", 2)
    rows[row_3 - 1][2] = "(3)未组织开展全员安全警示教育的，视情况扣1-2分。"
    rows[row_5 - 1][2] = "(3)" + rows[row_5 - 1][2][3:]  # a repeated label: both kept, with a warning
    rows[row_9 - 1][2] = rows[row_9 - 1][2].replace("扣1分；", "每起扣1分；", 1)
    item_row = _row_of(rows, "4.", 1)
    rows[item_row - 1][3] = ""
    _, problems = _parse(rows)
    assert _messages(problems) == [
        f"{SHEET}!C{row_3}：（3）：" + RANGE.format(text="扣1-2分"),
        f"{SHEET}!B{item_row}：" + NO_POINTS.format(place="考评细则 4.", column="分值"),
        f"{SHEET}!C{row_9}：（9）：" + UNIT.format(text="未制定本地专项行动工作方案的，每起扣1分", unit="起",
                                                 units="家、次、人、处、个、项"),
        f"{SHEET}!C{row_5}：" + DUPLICATE_LABEL.format(place="（3）", other=f"C{row_3}", first_id="c03", id="c03b"),
    ]
    assert [p.level for p in problems] == ["错误", "错误", "错误", "警告"]


def test_problem__points_in_text_and_column_disagree__at_the_points_cell():
    rows = [["考评项目", "考评细则", "评分标准", "分值"],
            ["（一）台账（3分）", "1.建立隐患台账。（3分）", "(1)未建立台账的，扣2分。", 2]]
    _, problems = _parse(rows, {"id": "t"})
    assert _messages(problems)[0] == f"{SHEET}!D2：" + POINTS_DISAGREE.format(
        place="考评细则 1.", text="3", column="分值", cell="2")


def test_problem__a_cell_with_two_items_beside_their_criteria__cannot_be_split():
    rows = [["考评项目", "考评细则", "评分标准", "分值"],
            ["（一）台账（3分）", "1.建立隐患台账。（2分）\n2.更新隐患台账。（1分）",
             "(1)未建立台账的，扣2分；\n(2)未更新的，扣1分。", ""]]
    _, problems = _parse(rows, {"id": "t"})
    assert _messages(problems)[0] == f"{SHEET}!B2：" + MANY_IN_CELL.format(
        count=2, level="考评细则", labels="1.、2.", child="评分标准")


def test_problem__total_row_and_header_total__checked_against_the_sum():
    rows, _ = _example_rows()
    rows.append(["合计（31分）", "", "", ""])
    _, problems = _parse(rows, {**load_toml(EXAMPLE)["rubric"], "total": 32})
    assert _messages(problems) == [
        f"{SHEET}：总分 32，各考评项目合计 30，请核对总分或各考评项目的分值",
        f"{SHEET}!A{len(rows)}：" + SUM_TABLE.format(points="31", level="考评项目", got="30"),
    ]
    assert [p.cell for p in problems] == ["", f"A{len(rows)}"]


def test_problem__no_header__says_what_the_header_looks_like():
    _, problems = _parse([["一、企业层面"], ["（一）台账（3分）", "1.建立隐患台账。", "(1)未建立台账的，扣2分。"]], {})
    assert _messages(problems) == [f"{SHEET}：" + NO_HEADER]


def test_problem__unknown_column_with_content__warned_and_not_read():
    rows, _ = _example_rows()
    rows = [[*row, "考评方法" if n == 0 else "查阅资料" if row[2] else ""] for n, row in enumerate(rows)]
    data, problems = _parse(rows)
    assert _messages(problems) == [f"{SHEET}!E1：" + UNKNOWN_COLUMN.format(name="考评方法")]
    assert data == load_toml(EXAMPLE)


# --- the words of a deduction ---
@pytest.mark.parametrize("text, deductions, not_applicable", [
    ("查看有关责任体系文件，未明确的，扣2分；", [{"amount": 2}], False),
    ("未按要求配备的，扣0.5分。", [{"amount": Decimal("0.5")}], False),
    ("每发现1家扣1分", [{"amount": 1, "per": "家"}], False),
    ("未按要求带队开展检查的，每缺少一次，扣1分。", [{"amount": 1, "per": "次"}], False),
    ("未定期开展现场督导检查的，每少1人，扣1分；", [{"amount": 1, "per": "人"}], False),
    ("每处扣2分", [{"amount": 2, "per": "处"}], False),
    ("每发现一处扣2分。", [{"amount": 2, "per": "处"}], False),
    ("每缺少一项扣1分。", [{"amount": 1, "per": "项"}], False),
    ("每缺少1个扣1分", [{"amount": 1, "per": "个"}], False),
    ("随机抽查2个不同行业部门，每发现1个部门扣0.5分。", [{"amount": Decimal("0.5"), "per": "个"}], False),
    ("发现一家未开展的，扣0.5分，直至此项分值扣完。", [{"amount": Decimal("0.5"), "per": "家"}], False),
    ("一项未纳入的扣0.5分，直至此项分值扣完。", [{"amount": Decimal("0.5"), "per": "项"}], False),
    ("未落实的，扣1分/次", [{"amount": 1, "per": "次"}], False),
    ("每发现1名无证人员扣1分", [{"amount": 1, "per": "人"}], False),
    ("未建立的扣1分，未落实的扣1分", [{"amount": 1}, {"amount": 1}], False),
    ("未配备的，扣0.5分，未赋予权力的，扣0.5分；（不涉及的不扣分）",
     [{"amount": Decimal("0.5")}, {"amount": Decimal("0.5")}], True),
    ("未开展的，扣1分。（不涉及的不扣分）", [{"amount": 1}], True),
    ("未制定方案的，每有1项扣0.5分，未开展整治的，每有1项扣0.5分，直至此项分值扣完。",
     [{"amount": Decimal("0.5"), "per": "项"}, {"amount": Decimal("0.5"), "per": "项"}], False),
    ("辖区政府未出台方案的扣0.5分。发现一家未完成建设的，扣0.5分，扣完为止。",
     [{"amount": Decimal("0.5")}, {"amount": Decimal("0.5"), "per": "家"}], False),
    ("每月至少1次演练，未开展的扣1分", [{"amount": 1}], False),
    ("未建立台账的，扣２分", [{"amount": 2}], False),
    ("未建立台账的，扣 2 分", [{"amount": 2}], False),
    ("未建立台账的，扣一分", [{"amount": 1}], False),
    ("未建立台账的，不得分", [{"amount": 3}], False),
    ("未落实的，扣除该项分值", [{"amount": 3}], False),
    ("每发现1家扣1分，扣完为止", [{"amount": 1, "per": "家"}], False),
])
def test_deductions__phrasings__read_as_the_rubric_files_write_them(text, deductions, not_applicable):
    assert read_deductions(text, Decimal(3)) == (deductions, not_applicable, [])


@pytest.mark.parametrize("text, problem", [
    ("未落实的，酌情扣分", ("错误", NO_DEDUCTION)),
    ("视情况扣1～2分", ("错误", RANGE.format(text="扣1～2分"))),
    ("每起事故扣1分", ("错误", UNIT.format(text="每起事故扣1分", unit="起", units="家、次、人、处、个、项"))),
    ("每发现1家扣1分，最多扣2分", ("警告", CAP.format(text="最多扣2分", cap="2", points="3"))),
])
def test_deductions__unreadable_or_unsupported__say_why(text, problem):
    assert problem in read_deductions(text, Decimal(3))[2]


def test_scoring_template__the_tools_own_打分表__reads_back_as_its_rubric(templates):
    """The generated scoring sheet is such a table too (info row, 完成情况/扣分/扣分原因/得分, 总得分 row)."""
    path = next(templates.folder.rglob("打分表_*.xlsx"))
    with read_book(path, path.read_bytes()) as book:
        rows = sheet_rows(book.sheet("打分表"))
    shipped = load_toml(XINYANG)
    data, problems = parse_rubric_table(rows, header=shipped["rubric"])
    assert [p.level for p in problems] == ["警告"]  # the two (48)
    assert data == shipped


# --- any rubric, there and back ---
_CN = "一二三四五六七八九"
_WORDS = st.sampled_from(["未建立隐患台账", "未开展全员培训", "未落实安全生产责任制", "检查记录不全",
                          "未按规定配备专职人员", "专项行动方案未印发", "应急演练未开展"])


@st.composite
def _rubric_dicts(draw):
    """A rubric dict as a TOML file parses to: 1–3 parts of 1–3 sections of 1–3 items of 1–3 criteria, each
    criterion one or two clauses, fixed or per finding, some not applicable."""
    counts = {"section": 0, "item": 0, "criterion": 0}
    parts = []
    for p in range(draw(st.integers(1, 3))):
        sections = []
        for _ in range(draw(st.integers(1, 3))):
            counts["section"] += 1
            items = []
            for _ in range(draw(st.integers(1, 3))):
                counts["item"] += 1
                points = draw(st.sampled_from([1, 2, 3, Decimal("1.5")]))
                criteria = []
                for _ in range(draw(st.integers(1, 3))):
                    counts["criterion"] += 1
                    clauses = draw(st.lists(st.tuples(st.sampled_from([Decimal("0.5"), 1]), st.sampled_from(
                        [None, "家", "次", "人", "处", "个", "项"])), min_size=1, max_size=2))
                    text = "，".join(f"{draw(_WORDS)}的，" + (f"每发现1{per}扣{amount}分" if per else f"扣{amount}分")
                                    for amount, per in clauses) + "。"
                    criterion = {"id": f"c{counts['criterion']:02d}", "label": str(counts["criterion"]),
                                 "deductions": [{"amount": a, **({"per": u} if u else {})} for a, u in clauses]}
                    if draw(st.booleans()):
                        text += "（不涉及的不扣分）"
                        criterion["not_applicable"] = True
                    criteria.append({**criterion, "text": text})
                items.append({"id": f"i{counts['item']:02d}", "label": f"{counts['item']}.",
                              "text": draw(_WORDS) + "。", "points": points, "criteria": criteria})
            total = sum(Decimal(i["points"]) for i in items)
            sections.append({"id": f"s{counts['section']:02d}", "label": f"（{_CN[counts['section'] - 1]}）",
                             "title": draw(_WORDS), "points": int(total) if total % 1 == 0 else total, "items": items})
        total = sum(Decimal(s["points"]) for s in sections)
        parts.append({"id": f"p{p + 1}", "label": f"{_CN[p]}、", "title": draw(_WORDS),
                      "points": int(total) if total % 1 == 0 else total, "sections": sections})
    total = sum(Decimal(p["points"]) for p in parts)
    head = {"id": "t", "version": "1", "name": "t", "title": "t", "total": int(total) if total % 1 == 0 else total,
            "labels": {"section": "考评项目", "item": "考评细则", "criterion": "评分标准"}}
    return {"rubric": head, "parts": parts}


@settings(max_examples=60, deadline=None)
@given(_rubric_dicts(), st.sampled_from(["blank below", "repeated"]))
def test_round_trip__any_rubric__same_dict_and_no_problem(data, layout):
    rubric = rubric_from_data(data, "测试")
    rows = rubric_rows(rubric)
    if layout == "repeated":
        rows = _filled(rows, [s for s in rubric_spans(rubric) if s[1] == s[3]])
    parsed, problems = _parse(rows, data["rubric"])
    assert problems == []
    assert parsed == data


_CELLS = st.sampled_from([
    "", "", "", "一、企业层面", "一、", "二、（5分）", "（一）台账（3分）", "（二）", "1.建立台账。", "2、", "1.a\n2.b",
    "(1)未建立的，扣2分。", "(2)", "(3)未落实的扣0.5分", "(1)x\n(2)未更新的扣1分", "扣1-2分", "每起扣1分", "合计",
    "注：见说明", "（0分）", "0", "3", "0.5分", "未落实的，不得分", "1.x（0分）", "\n", "考评细则"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELLS, min_size=3, max_size=4), max_size=8),
       st.sampled_from([["考评项目", "考评细则", "评分标准", "分值"], ["项目", "细则", "分数"]]))
def test_any_table__without_errors__is_a_rubric_rubric_from_data_accepts(rows, header_row):
    header = {"id": "t", "version": "1", "name": "t", "title": "t", "total": None}
    data, problems = parse_rubric_table([(n, row) for n, row in enumerate([header_row, *rows], start=1)],
                                        header=header)
    if not any(p.level == "错误" for p in problems):
        rubric_from_data(data, "测试")
