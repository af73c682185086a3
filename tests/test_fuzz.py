"""Fuzzing: mutated templates and returns must each end accepted or rejected, never as an exception.

The hypothesis tests run a few hundred cases (derandomized, so CI is reproducible); bench/fuzz.py
runs 10,000. Every escape found became a concrete case below, named after what broke.
"""

from decimal import Decimal

from hypothesis import HealthCheck, given, note, settings, strategies as st
import pytest

from inspection.findings import Code
from inspection.model import ACCEPTED, IGNORED, REJECTED
from tests.filling import fill_dispatch, fill_scoring
from tests.fuzzing import (
    MUTATIONS, SEED_DEDUCTIONS, TEXTS, build_seeds, check_one, check_run, check_shape, load_fuzz_campaign,
    replace_in_member, shape,
)

FUZZ = settings(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SEED_NAMES = ["scoring_template", "scoring_filled", "dispatch_template", "dispatch_filled", "progress_template",
              "progress_filled", "department_filled", "followup_template", "followup_filled"]


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    """(seeds by name, the campaign to read them with, an empty input folder)."""
    campaign = load_fuzz_campaign()
    seeds = build_seeds(campaign, tmp_path_factory.mktemp("seeds"))
    assert [s.name for s in seeds] == SEED_NAMES
    return {s.name: s for s in seeds}, campaign, tmp_path_factory.mktemp("input")


def test_seeds__unmutated__filled_accepted_blank_ignored(fuzz):
    seeds, campaign, folder = fuzz
    assert {name: check_one(seed.data, folder, campaign)[0] for name, seed in seeds.items()} == \
        {name: IGNORED if name.endswith("_template") else ACCEPTED for name in seeds}


def _mutation_test(kind: str, examples: int):
    """A test that runs `examples` files of every seed, mutated by MUTATIONS[kind], through the reader:
    each must end accepted or rejected (check_one fails on anything else). The budgets differ because
    a mutated file of bytes mostly fails early and teaches less than a mutated cell."""

    @settings(FUZZ, max_examples=examples)
    @given(name=st.sampled_from(SEED_NAMES), rng=st.randoms(use_true_random=False))
    def test(fuzz, name, rng):
        seeds, campaign, folder = fuzz
        check_one(MUTATIONS[kind](seeds[name], rng), folder, campaign)
    return test


test_fuzz__hostile_cells__accepted_or_rejected = _mutation_test("cells", 130)


@settings(FUZZ, max_examples=80)
@given(rng=st.randoms(use_true_random=False))
def test_fuzz__deduction_misplaced_or_retyped__held_or_counted_never_silent(fuzz, rng, rubric):
    """Sheets copied, rows inserted, cells moved between columns, text in number cells: a deduction
    that is not read where it went holds the file; one that is still readable counts."""
    seeds, campaign, folder = fuzz
    seed = seeds["scoring_filled"]
    data, expect, what = shape(seed, rubric, rng)
    note(what)
    check_shape(data, expect, folder, campaign, seed_total=Decimal(100) - sum(SEED_DEDUCTIONS.values()))
test_fuzz__mutated_zip_member__accepted_or_rejected = _mutation_test("member", 100)
test_fuzz__mutated_file_bytes__accepted_or_rejected = _mutation_test("bytes", 40)


@settings(FUZZ, max_examples=8)
@given(rng=st.randoms(use_true_random=False))
def test_fuzz__hostile_text_in_accepted_returns__report_written(fuzz, tmp_path_factory, rng, rubric):
    """Hostile reasons, 完成情况, inspectors and hazard text reach the writers through accepted files."""
    seeds, campaign, _ = fuzz
    folder = tmp_path_factory.mktemp("run")
    text = lambda: rng.choice(TEXTS)  # noqa: E731
    scoring = fill_scoring(_template(folder, seeds["scoring_template"]), folder / "scoring.xlsx", rubric,
                           deductions={cid: (1, text()) for cid in ("c05", "c07", "c16")},
                           status={"i01": text()}, inspectors=text())
    dispatch = fill_dispatch(_template(folder, seeds["dispatch_template"]), folder / "dispatch.xlsx",
                             [{"企业（单位）名称": text(), "问题隐患描述": text(), "备注": text()}])
    report = check_run(scoring.read_bytes(), folder / "a", campaign, [seeds["progress_filled"]])
    assert report.exists()
    check_run(MUTATIONS["cells"](seeds["scoring_filled"], rng), folder / "b", campaign,
              [seeds["followup_filled"], seeds["dispatch_filled"]])
    check_run(dispatch.read_bytes(), folder / "c", campaign, [])


def _template(folder, seed):
    path = folder / f"{seed.name}.xlsx"
    path.write_bytes(seed.data)
    return path


# --- escapes the fuzzer found, kept as concrete cases -------------------------------------------

def _one(data, fuzz):
    _, campaign, folder = fuzz
    return check_one(data, folder, campaign)


def test_dispatch__superscript_digit_in_serial_column__ends_the_table_not_raises(fuzz, tmp_path):
    # "²".isdigit() is True but int("²") raises: dispatch_return._number crashed the run.
    seeds = fuzz[0]
    path = fill_dispatch(_template(tmp_path, seeds["dispatch_template"]), tmp_path / "d.xlsx",
                         [{"企业（单位）名称": "某公司", "问题隐患描述": "描述"}],
                         edit=lambda ws, header: ws.cell(header + 1, 1, "²"))
    status, findings = _one(path.read_bytes(), fuzz)
    assert status == ACCEPTED and not [f for f in findings if f.is_error]


def test_dispatch__5000_digit_serial__read_not_raises(fuzz, tmp_path):
    # int() refuses strings of more than 4,300 digits.
    seeds = fuzz[0]
    path = fill_dispatch(_template(tmp_path, seeds["dispatch_template"]), tmp_path / "d.xlsx",
                         [{"企业（单位）名称": "某公司", "问题隐患描述": "描述"}],
                         edit=lambda ws, header: ws.cell(header + 1, 1, "9" * 5000))
    status, findings = _one(path.read_bytes(), fuzz)
    assert status == ACCEPTED and not [f for f in findings if f.is_error]


def test_scoring__score_typed_1e308__D013_not_raises(fuzz, tmp_path, rubric):
    # Decimal(1e308).quantize(Decimal("0.001")) raised InvalidOperation in the cached-score check.
    seeds = fuzz[0]
    path = fill_scoring(_template(tmp_path, seeds["scoring_template"]), tmp_path / "s.xlsx", rubric,
                        edit=lambda ws, rows: ws.cell(rows["c01"], 8, 1e308))
    status, findings = _one(path.read_bytes(), fuzz)
    assert status == REJECTED and [(f.code, f.cell[0]) for f in findings] == [(Code.D013, "H")]


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_scoring__unknown_xml_encoding_in_workbook_part__read_not_raises(fuzz, member):
    # defusedxml raised LookupError (not caught) reading these parts for the formula scan (formulas.py).
    data = fuzz[0]["scoring_template"].data
    broken = replace_in_member(data, member, b'encoding="UTF-8"', b'encoding="UTF-899999999999"')
    assert broken != data
    status, _ = _one(broken, fuzz)
    assert status in (ACCEPTED, REJECTED, IGNORED)


def test_dispatch__date_cell_holding_minus_1e30__rejected_F001_not_panic(fuzz, tmp_path):
    # calamine panics (pyo3 PanicException, a BaseException) converting the date; read_book catches it.
    seeds = fuzz[0]
    path = fill_dispatch(_template(tmp_path, seeds["dispatch_template"]), tmp_path / "d.xlsx",
                         [{"企业（单位）名称": "某公司", "问题隐患描述": "描述", "整改时限": -(10**30)}])
    status, findings = _one(path.read_bytes(), fuzz)
    assert status == REJECTED and [f.code for f in findings] == [Code.F001]
