"""Faults of the run as a whole: where it writes, what a kill leaves, what text from inputs can do,
and that the same inputs give the same report whatever order the file system lists them in."""

import os
from pathlib import Path
import signal
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest

from inspection.constants import SCORING_FILE
from inspection.cli import main
from inspection.errors import SetupError
from inspection.run import report_path, run
from tests.conftest import ROOT
from tests.corpus import UNIT
from tests.filling import fill_scoring

HOSTILE = ["=HYPERLINK(\"http://example.com\",\"点我\")", "+1+1", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1",
           "=cmd|' /C calc'!A0"]


def test_output_folder_not_writable__setup_error_before_reading(ctx, tmp_path, config, rubric, capsys, campaign):
    ctx.scoring()
    blocked = tmp_path / "output"
    blocked.write_text("一个同名文件占住了输出文件夹的位置")
    with pytest.raises(SetupError, match="无法写入输出文件夹"):
        run(campaign, ctx.input, blocked)
    assert main(["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input),
                 "--output", str(blocked)]) == 2
    assert "无法写入输出文件夹" in capsys.readouterr().err
    assert blocked.read_text() == "一个同名文件占住了输出文件夹的位置"


def test_read_only_report_from_earlier_run__kept_and_explained(ctx, tmp_path, config, rubric, campaign):
    ctx.scoring()
    output = tmp_path / "output"
    first = run(campaign, ctx.input, output)
    before = first.output_path.read_bytes()
    first.output_path.chmod(0o444)
    with pytest.raises(SetupError, match="只读"):
        run(campaign, ctx.input, output)
    assert first.output_path.read_bytes() == before


def test_missing_input_folder__setup_error(tmp_path, config, rubric, campaign):
    with pytest.raises(SetupError, match="找不到输入文件夹"):
        run(campaign, tmp_path / "nowhere", tmp_path / "output")


def test_text_from_inputs_never_becomes_a_formula(ctx, tmp_path, config, rubric, campaign):
    deductions = {cid: (1, text) for cid, text in zip(("c01", "c07", "c09", "c16", "c20", "c22", "c24"), HOSTILE)}
    ctx.scoring(deductions=deductions)
    result = run(campaign, ctx.input, tmp_path / "output")
    assert result.scoring[UNIT].total == 93
    with zipfile.ZipFile(result.output_path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in sheets)
    wb = openpyxl.load_workbook(result.output_path)
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(any(h.strip() in t for t in texts) for h in HOSTILE)  # kept, as text
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)


def report_content(path: Path) -> dict:
    """Every value of every sheet, except the run's own time stamp (说明: 生成时间)."""
    wb = openpyxl.load_workbook(path)
    content = {}
    for ws in wb:
        for row in ws.iter_rows():
            if row[0].value == "生成时间":
                continue
            content.update({(ws.title, c.coordinate): c.value for c in row if c.value is not None})
    return content


def test_same_inputs_same_report_whatever_the_listing_order(ctx, tmp_path, config, rubric, monkeypatch, campaign):
    for unit, points in (("淮滨县", 1), ("商城县", 2), ("息县", 0.5)):
        group = config.group_for_unit(unit).number
        fill_scoring(ctx.templates / SCORING_FILE.format(group=group, unit=unit),
                     ctx.input / f"sub{points}" / f"{unit}.xlsx",
                     rubric, deductions={"c01": (points, "原因")})
    (ctx.input / "坏文件.xlsx").write_bytes(b"not a workbook")
    (ctx.input / "~$淮滨县.xlsx").write_bytes(b"lock")
    first = report_content(run(campaign, ctx.input, tmp_path / "a").output_path)
    again = report_content(run(campaign, ctx.input, tmp_path / "a").output_path)

    real_walk = os.walk

    def reversed_walk(top, **kwargs):  # a file system that lists everything the other way round
        for dirpath, dirnames, filenames in real_walk(top, **kwargs):
            dirnames.reverse()
            filenames.reverse()
            yield dirpath, dirnames, filenames
    monkeypatch.setattr("inspection.intake.discover.os.walk", reversed_walk)
    reordered = report_content(run(campaign, ctx.input, tmp_path / "b").output_path)
    assert first == again
    assert first == reordered


KILLER = """
import sys
from pathlib import Path
from inspection.spec.campaign import load_campaign
from inspection.run import run
campaign = load_campaign(Path(sys.argv[1]))
print("ready", flush=True)
run(campaign, Path(sys.argv[2]), Path(sys.argv[3]))
print("done", flush=True)
"""


def test_killed_run_leaves_previous_report_whole_or_new_one_whole(ctx, tmp_path, config, rubric, campaign):
    output = tmp_path / "output"
    ctx.scoring()
    old = run(campaign, ctx.input, output).output_path.read_bytes()
    for unit in config.units[1:]:
        group = config.group_for_unit(unit).number
        fill_scoring(ctx.templates / SCORING_FILE.format(group=group, unit=unit), ctx.input / f"{unit}.xlsx", rubric)
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    interrupted = []  # what a kill that landed before the run was done left: "old" or "new"
    for delay in (0.05, 0.15, 0.3, 0.5, 0.8):
        proc = subprocess.Popen([sys.executable, str(script), str(ROOT / "config.toml"), str(ctx.input), str(output)],
                                stdout=subprocess.PIPE, cwd=ROOT)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        finished = b"done" in proc.stdout.read()
        proc.wait()
        report = report_path(config, output)
        data = report.read_bytes()
        if data != old:
            wb = openpyxl.load_workbook(report)  # whole: it opens, and every unit is ranked
            assert len([r for r in wb["排名"].iter_rows(min_row=3, values_only=True) if r[0]]) == len(config.units)
        if not finished:
            interrupted.append("old" if data == old else "new")
        old = data
    # The next run clears what a killed one left behind and succeeds.
    result = run(campaign, ctx.input, output)
    assert result.output_path.exists() and not list(output.glob(".~tmp-*"))
    assert "old" in interrupted  # at least one kill landed mid-run, and the report before it was left whole
