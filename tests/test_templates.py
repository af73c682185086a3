"""Generated templates, reopened with openpyxl: names, headers, merges, formulas, validation, _meta."""

from decimal import Decimal
import re

import openpyxl
import pytest

from inspection.constants import DISPATCH_HEADERS, DISPATCH_ROWS, META_KEYS, PROGRESS_FILE, PROGRESS_HEADERS
from inspection.spec.progress_form import load_form
from inspection.templates import generate_templates

SCORING_HEADERS = ["考评项目", "考评细则", "评分标准", "分值", "完成情况", "扣分", "扣分原因", "得分"]


def _meta(wb) -> dict:
    ws = wb["_meta"]
    return {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True)}


def _header_row(ws, first_label: str) -> int:
    for row in ws.iter_rows(max_row=20):
        if row[0].value == first_label:
            return row[0].row
    raise AssertionError(f"no header row starting with {first_label}")


def _merged_ranges(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_templates__default_campaign__every_file(templates, config):
    names = sorted(p.name for p in templates.all)
    assert len(templates.scoring) == 11 and len(templates.dispatch) == 11
    assert len(templates.progress_units) == 11 and len(templates.progress_departments) == 9
    assert "打分表_01_淮滨县.xlsx" in names and "交办清单_11_潢川县.xlsx" in names
    assert "调度表_息县_2023-08.xlsx" in names and "调度表_市应急局_2023-08.xlsx" in names
    assert sorted(p.name for p in templates.folder.iterdir()) == names  # no temporary files left


@pytest.fixture(scope="module")
def scoring(templates):
    path = next(p for p in templates.scoring if p.name == "打分表_01_淮滨县.xlsx")
    return openpyxl.load_workbook(path)


def test_scoring__sheets_title_and_header(scoring, rubric):
    assert scoring.sheetnames == ["打分表", "填表说明", "_meta"]
    assert scoring["_meta"].sheet_state == "veryHidden"
    ws = scoring["打分表"]
    assert ws["A1"].value == rubric.title == "市安委办专项行动组安全生产交叉检查打分表"
    assert ws["A2"].value == "（第一专项行动组检查淮滨县）"
    header = _header_row(ws, "考评项目")
    assert [c.value for c in ws[header]] == SCORING_HEADERS
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # Printed at 100 % (never fitted: the page breaks are computed for this scale), in 宋体 ≥ 10 points.
    assert ws.page_setup.scale in (None, 100) and not ws.sheet_properties.pageSetUpPr.fitToPage  # None = 100
    fonts = {(c.font.name, c.font.sz) for row in ws.iter_rows() for c in row if c.value is not None}
    assert {name for name, _ in fonts} == {"宋体"} and min(size for _, size in fonts) >= 10


def test_scoring__page_breaks_only_between_items(scoring, rubric):
    """Every manual page break starts a page with an item (or the part heading above it), never
    inside one; and there are enough of them that no page holds more than fits."""
    ws = scoring["打分表"]
    rows = _criterion_rows(ws, rubric)
    firsts = {rows[item.criteria[0].id] for item in rubric.items}
    breaks = [b.id + 1 for b in ws.row_breaks.brk]  # 1-based rows that begin a page
    assert len(breaks) >= 5
    for row in breaks:
        assert row in firsts or (row + 1 in firsts and ws.cell(row, 1).value.startswith("二、")), row


def test_scoring__meta_identifies_the_workbook(scoring, rubric, config):
    meta = _meta(scoring)
    assert set(META_KEYS) <= set(meta)
    assert meta["kind"] == "scoring" and meta["county"] == "淮滨县" and meta["group"] == "1"
    assert (meta["rubric_id"], meta["rubric_version"]) == (rubric.id, rubric.version)
    assert (meta["campaign"], meta["round"]) == (config.campaign, "2023-08")
    assert re.fullmatch(r"[0-9a-f]{16}", meta["template_id"])


def _criterion_rows(ws, rubric) -> dict[str, int]:
    """Rows whose 评分标准 cell starts with a criterion label, in sheet order."""
    rows = []
    for row in ws.iter_rows(min_col=3, max_col=3):
        cell = row[0]
        if isinstance(cell.value, str) and re.match(r"^\(\d+\)", cell.value):
            rows.append(cell.row)
    assert len(rows) == len(rubric.criteria)
    return {c.id: r for c, r in zip(rubric.criteria, rows)}


def test_scoring__one_row_per_criterion_in_rubric_order(scoring, rubric):
    ws = scoring["打分表"]
    rows = _criterion_rows(ws, rubric)
    for criterion in rubric.criteria:
        assert ws.cell(rows[criterion.id], 3).value.startswith(f"({criterion.label})")
    assert ws.cell(rows["c07"], 3).value.startswith("(7)")


def test_scoring__merges_formulas_and_validation(scoring, rubric):
    ws = scoring["打分表"]
    rows = _criterion_rows(ws, rubric)
    merged = _merged_ranges(ws)
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    score_cells = []
    total_row = max(rows.values()) + 1
    filled = f"$E$5:$G${total_row - 1}"  # every 完成情况, 扣分 and 扣分原因
    for section in rubric.sections:
        first, last = rows[section.items[0].criteria[0].id], rows[section.items[-1].criteria[-1].id]
        # 考评项目 is merged over the section's rows, page by page: the text in the first part.
        parts = [(r.min_row, r.max_row) for r in ws.merged_cells.ranges
                 if r.min_col == r.max_col == 1 and first <= r.min_row <= last]
        assert all(b <= last for _, b in parts)
        assert ws[f"A{first}"].value.startswith(section.label)
        assert all(ws.cell(r, 1).value is None for r in range(first + 1, last + 1))
        for item in section.items:
            a, b = rows[item.criteria[0].id], rows[item.criteria[-1].id]
            for col in "BDEH":
                assert a == b or f"{col}{a}:{col}{b}" in merged, (item.id, col)
            assert Decimal(str(ws[f"D{a}"].value)) == item.points
            assert ws[f"H{a}"].value == f'=IF(COUNTA({filled})=0,"",MAX(0,D{a}-SUM(F{a}:F{b})))'
            score_cells.append(f"H{a}")
            for criterion in item.criteria:
                dv = validations[f"F{rows[criterion.id]}"]
                assert dv.type == "decimal" and dv.operator in (None, "between")  # None = between
                assert Decimal(dv.formula1) == 0 and Decimal(dv.formula2) == item.points
                assert dv.showErrorMessage and "扣分" in dv.error and dv.prompt
    assert ws[f"A{total_row}"].value == "总得分"
    assert ws[f"H{total_row}"].value == f'=IF(COUNTA({filled})=0,"",SUM({",".join(score_cells)}))'


def test_scoring__blank_template_shows_no_scores(templates, rubric):
    """A blank form printed to fill by hand shows nothing in 得分 and 总得分, not full marks that
    contradict what the inspector writes; programs that do not recalculate (phone previews) show
    the cached values, which are empty."""
    wb = openpyxl.load_workbook(templates.scoring[0], data_only=True)
    ws = wb["打分表"]
    rows = _criterion_rows(ws, rubric)
    for item in rubric.items:
        assert ws[f"H{rows[item.criteria[0].id]}"].value in (None, "")
    assert ws[f"H{max(rows.values()) + 1}"].value in (None, "")


def test_scoring__criterion_rows_grow_with_what_is_typed(templates, rubric):
    """Criterion rows keep Excel's automatic height (no customHeight), so a long 扣分原因 makes its
    row taller; the criterion's text ends in as many empty lines as the row has room for the merged
    item text beside it, so that Excel, sizing the row by its own cells, never makes it shorter."""
    import zipfile

    sheet = zipfile.ZipFile(templates.scoring[0]).read("xl/worksheets/sheet1.xml").decode()
    wb = openpyxl.load_workbook(templates.scoring[0])
    rows = _criterion_rows(wb["打分表"], rubric)
    for row in rows.values():
        tag = re.search(rf'<row r="{row}"[^>]*>', sheet).group(0)
        assert 'ht="' in tag and "customHeight" not in tag
    first = rows[rubric.items[0].criteria[0].id]
    assert re.search(rf'<row r="{first - 1}"[^>]*customHeight="1"', sheet)  # the heading's is its own
    padded = [wb["打分表"].cell(r, 3).value for r in rows.values()]
    assert any(text.endswith("\n") for text in padded) and all(not text.startswith("\n") for text in padded)


def test_scoring__only_fill_in_cells_unlocked(scoring, rubric):
    ws = scoring["打分表"]
    assert ws.protection.sheet and not ws.protection.password
    rows = _criterion_rows(ws, rubric)
    first_item = rubric.items[0]
    r = rows[first_item.criteria[0].id]
    unlocked = {c: not ws[f"{c}{r}"].protection.locked for c in "ABCDEFGH"}
    assert unlocked == {"A": False, "B": False, "C": False, "D": False, "E": True, "F": True,
                        "G": True, "H": False}
    header = _header_row(ws, "考评项目")
    info = [c for c in ws[header - 1] if c.value is None and not c.protection.locked]
    labels = [c.value for c in ws[header - 1] if isinstance(c.value, str)]
    assert labels == ["检查日期：", "检查人员："] and len(info) >= 2


def test_scoring__help_sheet_in_chinese(scoring):
    text = "\n".join(str(c.value) for row in scoring["填表说明"].iter_rows() for c in row if c.value)
    assert "扣分原因" in text and "已完成" in text and "浅黄色" in text


def test_dispatch__structured_annex_3(templates, config):
    wb = openpyxl.load_workbook(next(p for p in templates.dispatch if "_01_" in p.name))
    assert wb.sheetnames == ["交办清单", "填表说明", "_meta"]
    ws = wb["交办清单"]
    assert ws["A1"].value == "问题隐患反馈交办清单"
    cells = {c.value for row in ws.iter_rows(max_row=5) for c in row if c.value}
    assert {"专项行动组：", "督导县区：", "日期：", "第一专项行动组（浉河区组）", "淮滨县"} <= cells
    header = _header_row(ws, "序号")
    assert tuple(c.value for c in ws[header]) == DISPATCH_HEADERS
    numbers = [ws.cell(header + n, 1).value for n in range(1, DISPATCH_ROWS + 1)]
    assert numbers == list(range(1, DISPATCH_ROWS + 1))
    assert ws.cell(header + DISPATCH_ROWS + 1, 1).value.startswith("备注：")  # the note under the table
    # Printed: the note last, the signature lines at the foot of every page.
    assert ws.print_area == f"'交办清单'!$A$1:$J${header + DISPATCH_ROWS + 1}"
    assert "专项行动组人员签字" in ws.oddFooter.left.text and "属地县区安委会人员签字" in ws.oddFooter.right.text
    assert ws.merged_cells.ranges and any(str(r) == f"C{header - 2}:D{header - 2}" for r in ws.merged_cells.ranges)
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"重大事故隐患,一般隐患"' in lists and '"未整改,整改中,已整改"' in lists
    assert any("危险化学品" in f and "养老服务机构" in f for f in lists)
    assert any(dv.type == "date" for dv in ws.data_validations.dataValidation)
    texts = [c.value for row in ws.iter_rows(min_row=header + DISPATCH_ROWS) for c in row if c.value]
    assert "专项行动组人员签字：" in texts and "属地县区安委会人员签字：" in texts
    assert any("一式三份" in str(t) for t in texts)
    assert not ws.cell(header + 1, 2).protection.locked and ws.cell(header + 1, 1).protection.locked
    assert _meta(wb)["kind"] == "dispatch"


@pytest.mark.parametrize("reporter, form_attr, form_id", [
    ("息县", "progress_unit_form", "progress_unit"),
    ("市应急局", "progress_department_form", "progress_department"),
])
def test_progress__every_numbered_field_a_fill_in_cell(templates, config, reporter, form_attr, form_id):
    form = load_form(getattr(config, form_attr))
    path = templates.folder / PROGRESS_FILE.format(reporter=reporter, round="2023-08")
    wb = openpyxl.load_workbook(path)
    ws = wb["调度表"]
    header = _header_row(ws, "类别")
    assert tuple(c.value for c in ws[header]) == PROGRESS_HEADERS
    rows = {ws.cell(r, 3).value: r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 3).value}
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for cell in form.cells:
        r = rows[cell.label]
        assert not ws.cell(r, 5).protection.locked and ws.cell(r, 4).value == cell.unit
        dv = validations[f"E{r}"]
        expected = {"count": "whole", "amount": "decimal", "yesno": "list"}[cell.type]
        assert dv.type == expected, cell.key
    meta = _meta(wb)
    assert meta["kind"] == "progress" and meta["form"] == form_id and meta["reporter"] == reporter
    if form_id == "progress_unit":
        assert meta["county"] == reporter
        assert rows["行政处罚（次）"] + 1 == rows["行政处罚金额（万元）"]
        assert any(str(c.value).startswith("4. 表中企业包含") for row in ws.iter_rows() for c in row)


def test_templates__leftovers_of_a_killed_run__cleared_and_nothing_else(tmp_path, config, rubric, campaign):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / ".~tmp-abc.xlsx").write_bytes(b"half a workbook")  # what a killed run leaves
    (folder / "说明.docx").write_bytes(b"the clerk's own file")
    generate_templates(campaign, folder)
    assert not list(folder.glob(".~tmp-*")) and (folder / "说明.docx").read_bytes() == b"the clerk's own file"
