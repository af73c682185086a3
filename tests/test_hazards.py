"""交办清单 through files: the hazard ledger, stable ids, overdue flags, and every row finding."""

from datetime import date

import pytest

from inspection.constants import DISPATCH_FILE
from inspection.findings import WARNING, Code
from inspection.model import ACCEPTED
from inspection.run import run
from tests.filling import fill_dispatch

HAZARDS = [
    {"企业（单位）名称": "信阳某化工有限公司", "行业领域": "危险化学品", "问题隐患描述": "储罐区可燃气体报警器失效",
     "隐患级别": "重大事故隐患", "整改要求": "立即停用并更换", "整改时限": date(2023, 8, 30),
     "责任单位": "市应急局", "整改状态": "整改中"},
    {"企业（单位）名称": "淮滨某建筑公司", "行业领域": "建筑施工", "问题隐患描述": "脚手架连墙件缺失",
     "隐患级别": "一般隐患", "整改要求": "补设连墙件", "整改时限": "2023年9月30日",
     "责任单位": "县住建局", "整改状态": "已整改"},
    {"企业（单位）名称": "某燃气站", "行业领域": "城镇燃气", "问题隐患描述": "未设置紧急切断装置",
     "隐患级别": "重大隐患", "整改要求": "加装切断阀", "整改时限": "2023/9/1",
     "责任单位": "县住建局", "整改状态": "未整改"},
]


@pytest.fixture
def box(tmp_path, config, rubric, templates, campaign):
    class Box:
        input = tmp_path / "input"

        def template(self, unit):
            return templates.folder / DISPATCH_FILE.format(group=config.group_for_unit(unit).number, unit=unit)

        def fill(self, unit, hazards=HAZARDS, name=None, **kwargs):
            return fill_dispatch(self.template(unit), self.input / (name or f"{unit}交办.xlsx"), hazards, **kwargs)

        def run(self, as_of=date(2023, 9, 15)):
            return run(campaign, self.input, tmp_path / "output", as_of=as_of)

    return Box()


def codes(result):
    return [(f.code, f.cell) for f in result.findings if f.code.name.startswith("H")]


def test_dispatch__rows_become_hazards_with_mapped_values(box):
    box.fill("淮滨县")
    result = box.run()
    assert [f.status for f in result.files] == [ACCEPTED]
    hazards = result.hazards
    assert len(hazards) == 3  # the 47 blank prepared rows are not hazards
    assert [h.level for h in hazards] == ["重大事故隐患", "一般隐患", "重大事故隐患"]
    assert [h.sector for h in hazards] == ["危险化学品", "建筑施工", "燃气"]
    assert hazards[1].deadline == date(2023, 9, 30) and hazards[2].deadline == date(2023, 9, 1)
    assert {(c, cell) for c, cell in codes(result)} == {(Code.H003, "C9"), (Code.H003, "E9")}


def test_dispatch__overdue_as_of(box):
    box.fill("淮滨县")
    before = box.run(as_of=date(2023, 8, 31))
    assert [h.overdue(before.as_of) for h in before.hazards] == [True, False, False]
    later = box.run(as_of=date(2023, 10, 8))
    assert [h.overdue(later.as_of) for h in later.hazards] == [True, False, True]  # 已整改 never overdue


def test_dispatch__stable_ids_across_runs(box):
    box.fill("淮滨县")
    first = [(h.id, h.company, h.cell) for h in box.run().hazards]
    second = [(h.id, h.company, h.cell) for h in box.run().hazards]
    assert first == second
    assert len({h[0] for h in first}) == 3 and first[0][0].endswith("-2023-08-01-001")


@pytest.mark.parametrize("change, code, cell", [
    ({"企业（单位）名称": None}, Code.H001, "B7"),
    ({"问题隐患描述": None}, Code.H002, "D7"),
    ({"隐患级别": "特大"}, Code.H004, "E7"),
    ({"整改时限": "尽快"}, Code.H005, "G7"),
    ({"整改时限": date(2023, 8, 1)}, Code.H006, "G7"),
])
def test_dispatch_row_problem__warning_at_cell_row_kept(box, change, code, cell):
    box.fill("淮滨县", hazards=[{**HAZARDS[0], **change}])
    result = box.run()
    assert (code, cell) in codes(result)
    assert all(f.level == WARNING for f in result.findings if f.code == code)
    assert len(result.hazards) == 1 and result.files[0].status == ACCEPTED


def test_dispatch__unsigned_and_undated__warnings(box):
    box.fill("淮滨县", signed=False, listed_on=None)
    found = [c for c, _ in codes(box.run())]
    assert found.count(Code.H007) == 2 and Code.H008 in found


def test_dispatch__missing_lists_named_once_some_arrived(box):
    box.fill("淮滨县")
    result = box.run()
    missing = {f.unit for f in result.findings if f.code == Code.U002}
    assert "商城县" in missing and "淮滨县" not in missing


def test_odd_text_in_serial_column_does_not_end_the_list(box):
    def edit(ws, header):
        ws[f"A{header + 2}"] = "二"  # typed by hand instead of the printed 2
    box.fill("淮滨县", edit=edit)
    result = box.run()
    assert [h.company for h in result.hazards] == [h["企业（单位）名称"] for h in HAZARDS]
