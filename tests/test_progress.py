"""调度表 through files: values by label, tolerant reading, and every P finding at its cell."""

from decimal import Decimal

import pytest

from inspection.constants import PROGRESS_FILE
from inspection.findings import Code
from inspection.model import ACCEPTED, REJECTED
from inspection.run import run
from tests.filling import fill_progress

COUNTY = {"企业自查发现的重大事故隐患（个）": 12, "企业自查发现重大事故隐患中已完成整改（个）": "10个",
          "行政处罚（次）": 5, "行政处罚金额（万元）": "12.5万", "公布典型执法案例（个）": 3,
          "其中危险作业罪案例（个）": 1, "是否在各级主流媒体播放安全生产专题栏目": "是"}


@pytest.fixture
def box(tmp_path, config, rubric, templates, campaign):
    class Box:
        input = tmp_path / "input"

        def fill(self, reporter, values, **kwargs):
            template = templates.folder / PROGRESS_FILE.format(reporter=reporter, round="2023-08")
            return fill_progress(template, self.input / f"{reporter}调度.xlsx", values, **kwargs)

        def run(self):
            return run(campaign, self.input, tmp_path / "output")

    return Box()


def test_progress__unit_and_department_values(box):
    box.fill("息县", COUNTY)
    box.fill("市应急局", {"部门检查发现的重大事故隐患（个）": 7, "部门检查发现重大事故隐患中已完成整改的（个）": 7})
    result = box.run()
    assert [f.status for f in result.files] == [ACCEPTED, ACCEPTED]
    county = result.progress["息县"].values
    assert county["self_found"] == 12 and county["self_fixed"] == 10
    assert county["penalty_amount"] == Decimal("12.5") and county["media_column"] == "是"
    assert result.progress["市应急局"].values["dept_fixed"] == 7
    assert not [f for f in result.findings if f.code.name.startswith("P")]


def _cell_of(result, code):
    found = [f for f in result.findings if f.code == code]
    assert found, [(f.code.name, f.message) for f in result.findings]
    return found[0]


@pytest.mark.parametrize("label, value, code", [
    ("部门抽查检查的企业总数（家）", "很多", Code.P001),
    ("部门抽查检查的企业总数（家）", 2.5, Code.P002),
    ("部门抽查检查的企业总数（家）", -3, Code.P003),
    ("企业自查发现重大事故隐患中已完成整改（个）", 13, Code.P004),
    ("其中危险作业罪案例（个）", 4, Code.P004),
    ("是否在各级主流媒体播放安全生产专题栏目", "可能", Code.P005),
])
def test_progress_bad_value__error_rejects(box, label, value, code):
    path = box.fill("息县", {**COUNTY, label: value})
    result = box.run()
    found = _cell_of(result, code)
    assert found.is_error and found.cell.startswith("E") and label in found.message
    assert result.files[0].status == REJECTED and "息县" not in result.progress
    assert path.exists()


def test_progress__amount_decimal_allowed(box):
    box.fill("息县", {**COUNTY, "举报奖励（万元）": 2.5, "其中匿名举报查实奖励（万元）": "0.5"})
    result = box.run()
    assert result.progress["息县"].values["anonymous_rewards"] == Decimal("0.5")


def test_progress__blank_counts_warn_as_zero(box):
    box.fill("息县", COUNTY, default=None)
    result = box.run()
    blanks = [f for f in result.findings if f.code == Code.P006]
    assert blanks and all(not f.is_error for f in blanks)
    assert result.progress["息县"].values["spot_checked"] == 0


def test_progress__label_deleted__P007(box):
    box.fill("息县", COUNTY, edit=lambda ws, header: ws.cell(header + 1, 3, "改掉的项目"))
    assert "企业自查发现的重大事故隐患（个）" in _cell_of(box.run(), Code.P007).message
