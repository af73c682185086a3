"""The rubric files: the facts checked by hand against the seeds, and the loader's own checks."""

from decimal import Decimal
from pathlib import Path

import pytest

from inspection.errors import RubricError
from inspection.spec.rubric import DEDUCTION_ABOVE, DUPLICATE_ID, SECTION_SUM, TOTAL_SUM, load_rubric
from tests.conftest import XINYANG, XUCHANG

# ../shared/seeds/README.md, "Facts about Annex 2 of 000".
SECTION_POINTS = [7, 10, 10, 8, 6, 6, 3, 4, 6, 5, 4, 6, 4, 4, 5, 4, 3, 3, 2]
SECTION_ITEMS = [(1, 2), (3, 6), (7, 9), (10, 13), (14, 15), (16, 17), (18, 19), (20, 22), (23, 24),
                 (25, 27), (28, 29), (30, 33), (34, 35), (36, 38), (39, 40), (41, 42), (43, 45),
                 (46, 47), (48, 48)]
ITEM_POINTS = ("1:3 2:4 3:2 4:5 5:1 6:2 7:4 8:4 9:2 10:1 11:2 12:2 13:3 14:4 15:2 16:4 17:2 18:2 19:1 "
               "20:1 21:2 22:1 23:4 24:2 25:2 26:2 27:1 28:2 29:2 30:2 31:2 32:1 33:1 34:2 35:2 36:2 "
               "37:1 38:1 39:1 40:4 41:2 42:2 43:1 44:1 45:1 46:2 47:1 48:2")
CRITERIA_OF_ITEM = {
    1: "1 2", 2: "3 4", 3: "5 6", 4: "7 8", 5: "9", 6: "10", 7: "11 12", 8: "13 14", 9: "15", 10: "16",
    11: "17 18", 12: "19 20", 13: "21 22", 14: "23 24", 15: "25", 16: "26 27", 17: "28", 18: "29",
    19: "30", 20: "31", 21: "32", 22: "33", 23: "34 35 36 37 38", 24: "39 40", 25: "41", 26: "42",
    27: "43", 28: "44", 29: "45", 30: "46", 31: "47", 32: "48", 33: "48", 34: "49", 35: "50", 36: "51",
    37: "52", 38: "53", 39: "54", 40: "55 56 57 58", 41: "59", 42: "60", 43: "61", 44: "62", 45: "63",
    46: "64", 47: "65", 48: "66",
}


@pytest.fixture(scope="module")
def xinyang():
    return load_rubric(XINYANG)


def test_xinyang__structure__matches_annex_2(xinyang):
    assert (len(xinyang.sections), len(xinyang.items), len(xinyang.criteria)) == (19, 48, 67)
    assert xinyang.total == Decimal(100)
    assert [s.points for s in xinyang.sections] == [Decimal(p) for p in SECTION_POINTS]
    assert [(p.label, p.points) for p in xinyang.parts] == [("一、", Decimal(79)), ("二、", Decimal(21))]
    assert [len(p.sections) for p in xinyang.parts] == [13, 6]


def test_xinyang__items__numbered_and_pointed_as_annex_2(xinyang):
    expected = {int(k): Decimal(v) for k, v in (pair.split(":") for pair in ITEM_POINTS.split())}
    assert [i.label for i in xinyang.items] == [f"{n}." for n in range(1, 49)]
    assert {n: i.points for n, i in enumerate(xinyang.items, start=1)} == expected
    for section, (first, last) in zip(xinyang.sections, SECTION_ITEMS):
        assert [i.label for i in section.items] == [f"{n}." for n in range(first, last + 1)]
        assert sum(i.points for i in section.items) == section.points


def test_xinyang__criteria__belong_to_the_right_items(xinyang):
    for n, item in enumerate(xinyang.items, start=1):
        assert [c.label for c in item.criteria] == CRITERIA_OF_ITEM[n].split(), f"item {n}"


def test_xinyang__doubled_label_48__two_distinct_criteria(xinyang):
    doubled = [c for c in xinyang.criteria if c.label == "48"]
    assert len(doubled) == 2
    assert doubled[0].id != doubled[1].id
    assert "危险化学品" in doubled[0].text and "非煤矿山" in doubled[1].text
    assert doubled[1].not_applicable and not doubled[0].not_applicable
    labels = [c.label for c in xinyang.criteria]
    assert labels == [str(n) for n in range(1, 49)] + [str(n) for n in range(48, 67)]


def test_xinyang__deduction_rules__fixed_and_per_finding(xinyang):
    by_label = {c.label: c for c in xinyang.criteria}
    assert [(d.amount, d.per) for d in by_label["1"].deductions] == [(Decimal(2), None)]
    assert [(d.amount, d.per) for d in by_label["10"].deductions] == [(Decimal(1), "次")]
    assert [(d.amount, d.per) for d in by_label["57"].deductions] == [(Decimal(1), "人")]
    assert [(d.amount, d.per) for d in by_label["15"].deductions] == [(Decimal(2), "处")]
    assert [(d.amount, d.per) for d in by_label["36"].deductions] == [(Decimal("0.5"), None)]
    assert by_label["14"].not_applicable
    assert by_label["4"].per_finding_step == Decimal(1)
    assert by_label["7"].per_finding_step is None
    for criterion in xinyang.criteria:
        assert criterion.text and criterion.deductions


def test_xuchang__shape__40_points_each_item_its_own_criterion():
    rubric = load_rubric(XUCHANG)
    assert rubric.total == Decimal(40)
    assert [p.points for p in rubric.parts] == [Decimal(n) for n in (11, 3, 10, 13, 3)]
    assert all(len(i.criteria) == 1 for i in rubric.items)
    assert len(rubric.items) == 43
    assert {i.points for i in rubric.items} <= {Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2)}
    assert rubric.labels == {"section": "类别", "item": "考评内容及要求", "criterion": "考评标准"}


# --- broken rubric files: each gives an error naming the file and the key ---

def _broken(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = XINYANG.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, expected", [
    ('id = "s01"', 'id = "s02"', "一、企业层面（二）：" + DUPLICATE_ID.format(id="s02", other="一、企业层面（一）")),
    ('total = 100', 'total = 99', "[rubric]的 total：" + TOTAL_SUM.format(points=99, level="考评项目", got=100)),
    ('points = 7\n', 'points = 8\n', "一、企业层面（一）：" + SECTION_SUM.format(points=8, got=7)),
    ('label = "1"\n', 'label = ""\n', "（一）1. 评分标准 c01 的 label：不能为空"),
    ('per = "家"', 'per = "只"', "（一）2. 第 (4) 条的 per："),
    ('title = "市安委办专项行动组安全生产交叉检查打分表"', '', "[rubric]的 title：缺少此项"),
])
def test_broken_rubric__error_names_the_file_and_the_place_by_its_labels(tmp_path, old, new, expected):
    with pytest.raises(RubricError) as err:
        load_rubric(_broken(tmp_path, old, new))
    assert "broken.toml" in str(err.value)
    assert expected in str(err.value)


def test_broken_rubric__deduction_above_item_points(tmp_path):
    with pytest.raises(RubricError) as err:
        load_rubric(_broken(tmp_path, "deductions = [{ amount = 2 }]", "deductions = [{ amount = 9 }]"))
    assert err.value.problems == ("（一）1. 第 (1) 条：" + DEDUCTION_ABOVE.format(amount=9, points=3),)


def test_broken_rubric__not_toml(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[rubric\nid = 1", encoding="utf-8")
    with pytest.raises(RubricError, match="bad.toml"):
        load_rubric(path)
