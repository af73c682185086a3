"""The demo's bulletin draft printed by LibreOffice and read back with pdftotext, against the report
it was written with: every ranked unit and score in 附件1, every deduction line in 附件2, in order."""

import openpyxl
import pytest

from inspection.cli import main
from tests.bulletin_text import annex, body, pdf_pages, ranking_rows, squeeze
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    code = main(["demo", "--config", str(ROOT / "config.toml"), "--templates", str(folder / "templates"),
                 "--input", str(folder / "input"), "--output", str(folder / "output"), "--jobs", "1"])
    assert code == 0
    (report,) = (folder / "output").glob("排名汇总_*.xlsx")
    (draft,) = (folder / "output").glob("通报草稿_*.docx")
    assert draft.name == "通报草稿_信阳市安全生产县际异地交叉检查_2023-08.docx"
    return openpyxl.load_workbook(report, read_only=True), pdf_pages(draft, folder)


def test_demo_draft__annex1_every_ranked_unit_and_score(demo):
    wb, pages = demo
    rows = [(str(rank), unit, f"{score:g}") for rank, unit, score, *_ in
            wb["排名"].iter_rows(min_row=2, values_only=True) if isinstance(rank, int)]
    assert len(rows) == 10
    lines = annex(pages, "附件1")
    assert ranking_rows(lines, ("排名", "县区", "得分")) == rows
    assert "注：羊山新区未报送打分表，未参加排名。" in squeeze("".join(lines))


def test_demo_draft__annex2_every_line_in_administrative_order(demo, config):
    wb, pages = demo
    sheet: dict[str, list[str]] = {}
    for (value,) in wb["扣分原因"].iter_rows(min_row=3, max_col=1, values_only=True):
        if value and "得分 " in value and value.endswith(("扣分原因：", "无扣分。")):
            sheet[value.split("得分 ")[0]] = lines = [value]
        elif value:
            lines.append(value)
    expected = ""
    for unit in config.units:
        if unit in sheet:
            *head, last = sheet[unit]
            expected += "".join(head) + (last[:-1] + "。" if last.endswith("；") else last)
    printed = annex(pages, "附件2")
    assert squeeze(printed[0]) == "各县区扣分原因"
    assert squeeze("".join(printed[1:])) == squeeze(expected)


def test_demo_draft__first_page_states_the_facts(demo):
    _, pages = demo
    text = body(pages)
    assert text.startswith("【文号】信阳市安全生产委员会办公室关于2023年8月安全生产县际异地交叉检查情况的通报【主送机关】：")
    assert "本次共对11个县区检查打分，10个县区参加排名，羊山新区未报送打分表，未参加排名。" in text
    for heading in ("一、工作开展情况", "二、存在的主要问题", "三、下步工作要求", "附件：1.", "【成文日期】"):
        assert heading in text


def test_demo_draft__no_heading_last_on_a_page_and_the_issuer_with_body_text(demo, config):
    """A heading ("三、下步工作要求", a unit's "…得分 … 分，扣分原因：") never ends a page; the 落款 (issuer
    and date) never stands on a page of its own (GB/T 9704): its page has the body's last lines."""
    _, pages = demo
    for number, lines in enumerate(pages, start=1):
        last = squeeze(lines[-1]) if lines else ""
        assert not (last.startswith(("一、", "二、", "三、")) or last.endswith("扣分原因：")), (number, last)
    (page,) = [[squeeze(line) for line in lines] for lines in pages if "【成文日期】" in squeeze("".join(lines))]
    assert page.index(config.issuer) > 0 and page[page.index(config.issuer) + 1] == "【成文日期】", page
    assert any(line.startswith("附件：") for line in page), page
    assert not page[0].startswith("附件："), page  # the body's last lines come with it
