"""Property tests: exact arithmetic and consistent ranks for any deductions within the rules."""

from decimal import Decimal
import math
import unicodedata

from hypothesis import HealthCheck, given, settings, strategies as st

from inspection.spec.config import load_config
from inspection.decisions.settle import rank
from inspection.model import ScoringReturn
from inspection.spec.rubric import load_rubric
from inspection.values import parse_points
from inspection.paper.page import CELL_PADDING_PT, column_pt, lines_needed, text_pt
from tests.conftest import ROOT

CONFIG = load_config(ROOT / "config.toml")
RUBRIC = load_rubric(CONFIG.rubric_path)
TENTHS = st.integers(min_value=0, max_value=50).map(lambda n: Decimal(n) / 10)


@st.composite
def deductions(draw):
    """Per item, amounts in tenths whose sum stays within the item's points."""
    out = {}
    for item in RUBRIC.items:
        left = item.points
        for criterion in item.criteria:
            amount = min(draw(TENTHS), left)
            out[criterion.id] = amount
            left -= amount
    return out


@given(st.lists(st.integers(min_value=600, max_value=1000), min_size=len(CONFIG.units),
                max_size=len(CONFIG.units)))
def test_ranks__consistent_with_scores_ties_shared(tenths):
    returns = {unit: ScoringReturn(file=f"{unit}.xlsx", unit=unit, group=1, total=Decimal(t) / 10)
               for unit, t in zip(CONFIG.units, tenths)}
    rows = rank(returns, CONFIG, [])
    scores = [r.score for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        assert row.rank == 1 + sum(1 for other in rows if other.score > row.score)
    order = {u: n for n, u in enumerate(CONFIG.units)}
    for a, b in zip(rows, rows[1:]):
        if a.score == b.score:
            assert a.rank == b.rank and order[a.unit] < order[b.unit]


@given(st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False))
def test_parse_points__typed_forms_round_trip(value):
    for typed in (str(value), f"{value}分", f"扣{value}分", f"{value} 分", float(value)):
        amount, ok = parse_points(typed)
        assert ok and amount == value


@given(deductions())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
def test_total_through_files__rubric_total_minus_deductions_exactly(tmp_path, templates, campaign, amounts):
    """Any deductions within the rules, typed into a real template and read back by the tool's own
    reader: the total is the rubric's minus their sum, exactly (never 80.09999)."""
    from inspection.kinds import SCORING, Source
    from inspection.intake.book import read_book
    from tests.filling import fill_scoring

    chosen = {cid: (float(a), "抽查发现问题") for cid, a in amounts.items() if a}
    path = fill_scoring(templates.scoring[0], tmp_path / "p.xlsx", RUBRIC, deductions=chosen)
    with read_book(path, path.read_bytes()) as book:
        ret, findings = SCORING.read(book, campaign, Source("p.xlsx", "淮滨县", 1, lambda col: {}))
    assert not [f for f in findings if f.is_error], [f.message for f in findings]
    assert ret.total == RUBRIC.total - sum(amounts.values())
    assert len(format(ret.total, "f").partition(".")[2]) <= 1


@given(st.text(max_size=60), st.sampled_from([9, 10, 10.5, 16]))
def test_text_pt__same_as_counting_each_character(text, size):
    # text_pt counts wide characters with str.translate; this is the definition it must keep:
    # a wide (or ambiguous, as in Chinese fonts) character one em, any other half an em.
    expected = sum(size if unicodedata.east_asian_width(ch) in "WFA" else size / 2 for ch in text)
    assert math.isclose(text_pt(text, size), expected)


@given(st.text(alphabet=st.sampled_from("ab1.中文，（）\n "), max_size=80), st.sampled_from([6, 12, 40, 75]))
def test_lines_needed__at_least_a_line_a_paragraph_and_as_the_width_takes(text, width):
    usable = column_pt(width) - CELL_PADDING_PT
    lines = lines_needed(text, width)
    assert lines >= sum(max(1, math.ceil(text_pt(part, 10) / usable - 1e-9)) for part in text.split("\n"))
    if "\n" not in text and text_pt(text, 10) <= usable:
        assert lines == 1


@given(st.text(alphabet=st.sampled_from("ab1.中文，（）\n "), max_size=80), st.sampled_from([6, 12, 40]))
def test_lines_needed__a_wider_column_never_needs_more_lines(text, width):
    assert lines_needed(text, width * 2) <= lines_needed(text, width)
