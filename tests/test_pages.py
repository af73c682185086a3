"""The printed pages: every kind of template (blank and filled) and every sheet of the report,
rendered by LibreOffice and checked as bench/pages.py checks them (one soffice call, ~15 s).

Page counts within their bounds, no 打分表 item and no unit's 扣分原因 split across pages, no text
smaller than 9 points as printed, none within 5 mm of the paper's edge, no cell's text cut, and only
fonts of the widths the workbooks name (宋体 → Noto Sans Mono CJK SC, Calibri → Carlito)."""

import os
import shutil
import sys

import pytest

from tests.conftest import ROOT
from tests.libreoffice import soffice

sys.path.insert(0, str(ROOT / "bench"))
import pages  # noqa: E402


def _tools():
    soffice()
    missing = [tool for tool in ("pdftotext", "pdfinfo", "pdffonts", "fc-match") if shutil.which(tool) is None]
    missing += pages.font_problems() if not missing else []
    if missing:
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail(f"the page check needs: {missing}")
        pytest.skip(f"the page check needs: {missing}")


@pytest.fixture(scope="module")
def checked(tmp_path_factory, campaign):
    _tools()
    results = pages.run(tmp_path_factory.mktemp("pages"))
    return {r.document.name: r for r in results}


@pytest.mark.parametrize("name", [d.name for d in pages.DOCUMENTS])
def test_pages__every_document_reads_as_printed(checked, name):
    result = checked[name]
    assert result.problems == [], "\n".join(result.problems)
    assert 0 < result.pages <= result.document.pages and result.smallest >= pages.MIN_POINTS - 0.05


def test_pages__report_has_every_sheet_on_paper(checked):
    report = checked["排名汇总"]
    assert set(report.sheet_pages) == set(pages.REPORT_SHEETS)


def test_pages__check_sees_a_clipped_reason_and_a_split_item(tmp_path, campaign, templates):
    """The check itself: a 扣分原因 longer than its row (the row not made taller) is reported as not
    printed in full, and an item pushed across a page break as split."""
    _tools()
    import openpyxl

    from tests.filling import criterion_rows

    path = tmp_path / "clipped.xlsx"
    wb = openpyxl.load_workbook(templates.scoring[0])
    ws = wb["打分表"]
    rows = criterion_rows(ws, campaign.rubric)
    ws.cell(rows["c07"], 7).value = "抽查某某化工有限公司、某某建材有限公司、某某木业有限公司" * 3
    first = rows["c01"]  # a break after item 1's first criterion splits the item
    ws.row_breaks.brk = [b for b in ws.row_breaks.brk] + [type(ws.row_breaks.brk[0])(id=first)]
    wb.save(path)
    pdf = pages.render([path], tmp_path / "pdf")[path]
    document = pages.Document("打分表（测试）", "", 99, scoring=True)
    problems = pages.check(document, path, pdf, campaign).problems
    assert any("G" in p and "没有印全" in p for p in problems), problems
    assert any("考评细则 1 " in p for p in problems), problems
