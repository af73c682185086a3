"""Returned files saved by a real spreadsheet application as .xlsx, .xls and .ods are read alike."""

from decimal import Decimal

import pytest

from inspection.run import run
from tests.filling import fill_scoring
from tests.libreoffice import convert

DEDUCTIONS = {"c07": (2, "未建立重大事故隐患台账"), "c36": (0.5, "未提请关闭"), "c64": (0.8, "未建立数据库")}


@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods"])
def test_saved_by_libreoffice__read_and_scored(tmp_path, config, rubric, templates, ext, campaign):
    filled = fill_scoring(templates.scoring[0], tmp_path / "filled.xlsx", rubric, deductions=DEDUCTIONS)
    saved = convert(filled, ext, tmp_path / "input", tmp_path / "profile")
    filled.unlink()
    result = run(campaign, tmp_path / "input", tmp_path / "output")
    assert [f.status for f in result.files] == ["已采用"], [f.message for f in result.findings]
    assert result.files[0].path == saved.name == f"filled.{ext}"
    ret = result.scoring["淮滨县"]
    assert ret.total == Decimal("96.7")
    assert [(d.label, d.amount) for d in ret.deductions] == [("7", 2), ("36", Decimal("0.5")), ("64", Decimal("0.8"))]
    # LibreOffice recalculated the formulas, so cached scores exist and agree: no D010.
    assert not [f for f in result.findings if f.code.name == "D010"]


def test_wps_et_that_is_an_ole_workbook__read_as_xls(tmp_path, config, rubric, templates, campaign):
    """WPS writes .et much like .xls (an OLE file): such a file is read, not refused for its name."""
    filled = fill_scoring(templates.scoring[0], tmp_path / "filled.xlsx", rubric, deductions=DEDUCTIONS)
    saved = convert(filled, "xls", tmp_path / "converted", tmp_path / "profile")
    (tmp_path / "input").mkdir()
    saved.rename(tmp_path / "input" / "淮滨县.et")
    result = run(campaign, tmp_path / "input", tmp_path / "output")
    assert [(f.path, f.status) for f in result.files] == [("淮滨县.et", "已采用")]
    assert result.scoring["淮滨县"].total == Decimal("96.7")
