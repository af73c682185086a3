"""The bad-input corpus through the real run: each fault ends as it must, nothing lost, nothing changed."""

import hashlib
from pathlib import Path

import openpyxl
import pytest

from inspection.intake.filenames import display_path
from inspection.findings import Code
from inspection.model import ACCEPTED, REJECTED, UNPACKED
from inspection.run import run
from tests.corpus import FAULTS, NAME, UNIT


def hashes(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_is_big_enough():
    assert len(FAULTS) >= 40 and len({f.kind for f in FAULTS}) == len(FAULTS)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.kind for f in FAULTS])
def test_fault(fault, tmp_path, config, rubric, ctx, campaign):
    name = fault.build(ctx)
    before = hashes(ctx.input)

    result = run(campaign, ctx.input, tmp_path / "output")

    assert hashes(ctx.input) == before  # input files are never changed
    listed = {f.path for f in result.files}
    on_disk = {display_path(p.relative_to(ctx.input).as_posix()) for p in ctx.input.rglob("*") if not p.is_dir()}
    assert on_disk <= listed  # every file is in the report; the others are files inside a .zip
    archives = tuple(f.path + "/" for f in result.files if f.status == UNPACKED)
    assert all(path in on_disk or path.startswith(archives) for path in listed)
    info = next(f for f in result.files if f.path == name)
    mine = [f for f in result.findings if f.file == name]
    assert info.status == fault.status, [(f.code.name, f.message) for f in mine]
    if info.status != ACCEPTED:
        assert info.reason  # rejected or ignored always says why
    if fault.code:
        found = [f for f in mine if f.code == fault.code]
        assert found, (fault.code, [(f.code.name, f.message) for f in mine])
        if fault.cell:
            assert found[0].cell == fault.cell.format(**ctx.rows())  # "F{c07}": 扣分 of criterion c07
    else:
        assert not [f for f in mine if f.is_error]
    if fault.total is not None:
        assert result.scoring[UNIT].total == fault.total
    assert result.output_path.exists()
    wb = openpyxl.load_workbook(result.output_path, read_only=True)
    assert "校验报告" in wb.sheetnames


def test_file_changed_while_read__F012_rejected_and_listed(tmp_path, config, rubric, ctx, monkeypatch, campaign):
    ctx.scoring()
    real_open = Path.open

    class SavedWhileRead:
        """A file someone saves again while the run reads it."""

        def __init__(self, path, handle):
            self.path, self.handle = path, handle

        def read(self, *args):
            data = self.handle.read(*args)
            with real_open(self.path, "ab") as other:
                other.write(b"\0")
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def opening(self, mode="r", *args, **kwargs):
        handle = real_open(self, mode, *args, **kwargs)
        return SavedWhileRead(self, handle) if self.name == NAME and "r" in mode else handle

    monkeypatch.setattr(Path, "open", opening)
    result = run(campaign, ctx.input, tmp_path / "output")
    info = next(f for f in result.files if f.path == NAME)
    assert info.status == REJECTED and [f.code for f in result.findings if f.file == NAME] == [Code.F012]
