"""The run always ends with a report or one Chinese line: a bug met while reading one file costs that
file alone (F013), a bug anywhere else ends the command with exit 2 and its traceback in a file, and
a console that cannot show Chinese never turns a finished run into a traceback."""

import os
import subprocess
import sys

import pytest

import inspection.intake.ingest as ingest_module
from inspection.constants import SCORING_FILE
from inspection.cli import main
from inspection.findings import Code
from inspection.model import ACCEPTED, REJECTED
from inspection.run import report_path, run
from tests.conftest import ROOT
from tests.filling import fill_scoring

OTHERS = ("商城县", "息县", "新县")


def _returns(ctx) -> str:
    """淮滨县's return, the one that will meet the bug, beside three good ones; returns its name."""
    ctx.scoring(name="淮滨县.xlsx")
    for unit in OTHERS:
        group = ctx.config.group_for_unit(unit).number
        fill_scoring(ctx.templates / SCORING_FILE.format(group=group, unit=unit),
                     ctx.input / f"{unit}.xlsx", ctx.rubric,
                     deductions={"c01": (1, "原因")})
    return "淮滨县.xlsx"


def _reader_with_a_bug(monkeypatch, victim: str):
    """read_book raises for one file, as a reader would on a value nobody thought of."""
    real = ingest_module.read_book

    def read_book(path, data):
        if path.name == victim:
            raise ValueError("无法处理的单元格值 1e999")
        return real(path, data)
    monkeypatch.setattr(ingest_module, "read_book", read_book)  # forked workers inherit it


@pytest.mark.parametrize("jobs", [1, 2])
def test_bug_while_reading_one_file__that_file_rejected_F013_the_rest_ranked(ctx, tmp_path, monkeypatch, jobs):
    victim = _returns(ctx)
    _reader_with_a_bug(monkeypatch, victim)
    monkeypatch.setattr("inspection.intake.ingest.POOL_MIN_FILES", 2)  # jobs=2 reads in the process pool
    result = run(ctx.campaign, ctx.input, tmp_path / "output", jobs=jobs)

    status = {f.path: f.status for f in result.files}
    assert status == {victim: REJECTED, **{f"{u}.xlsx": ACCEPTED for u in OTHERS}}
    assert sorted(result.scoring) == sorted(OTHERS) and all(result.scoring[u].total == 99 for u in OTHERS)
    (found,) = [f for f in result.findings if f.file == victim]
    logs = list((tmp_path / "output").glob("错误记录_*.txt"))
    assert found.code == Code.F013 and len(logs) == 1
    assert logs[0].name in found.message and "ValueError: 无法处理的单元格值 1e999" in found.message
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and f"读取 {victim}" in text and "无法处理的单元格值" in text
    assert result.output_path.exists()


def test_bug_while_reading__cli_exit_1_and_no_traceback_on_screen(ctx, tmp_path, monkeypatch, capsys):
    victim = _returns(ctx)
    _reader_with_a_bug(monkeypatch, victim)
    code = main(["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input),
                 "--output", str(tmp_path / "out"), "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert f"  未采用 {victim}：读取时程序出错" in out


def test_bug_elsewhere__one_chinese_line_exit_2_traceback_in_a_file(ctx, tmp_path, monkeypatch, capsys):
    ctx.scoring()

    def write_report(*args):
        raise RuntimeError("图表写不下去了")
    monkeypatch.setattr("inspection.run.write_report", write_report)
    argv = ["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input), "--output", str(tmp_path / "out")]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    (log,) = (tmp_path / "out").glob("错误记录_*.txt")
    assert err.count("\n") == 1 and err.startswith("程序出错：RuntimeError: 图表写不下去了，详细记录已保存到 ")
    assert str(log) in err and "Traceback" not in err
    assert "Traceback" in log.read_text(encoding="utf-8") and "图表写不下去了" in log.read_text(encoding="utf-8")

    assert main([*argv, "--verbose"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.splitlines()[-1].startswith("程序出错：RuntimeError")


def test_bug_in_templates__log_goes_to_output_not_to_the_templates_sent_out(tmp_path, monkeypatch, capsys):
    def generate(*args, **kwargs):
        raise KeyError("组号")
    monkeypatch.setattr("inspection.cli.generate_templates", generate)
    campaign = tmp_path / "活动"
    assert main(["new", str(campaign)]) == 0
    assert main(["templates", "--config", str(campaign / "config.toml"), "--output", str(tmp_path / "t")]) == 2
    assert "程序出错：KeyError" in capsys.readouterr().err  # the log in the campaign folder's output/
    assert list((campaign / "output").glob("错误记录_*.txt")) and not (tmp_path / "t").exists()


@pytest.mark.parametrize("encoding", ["cp1252", "gbk", "ascii"])
def test_console_that_cannot_show_chinese__run_ends_normally(ctx, tmp_path, encoding):
    ctx.scoring()
    ctx.write("坏表格😀.xlsx", b"not a workbook")  # listed on the console; not even GBK has 😀
    output = tmp_path / "output"
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    done = subprocess.run([sys.executable, "process.py", "run", "--config", str(ROOT / "config.toml"),
                           "--input", str(ctx.input), "--output", str(output)],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr.decode(encoding, "replace")  # units missing, as without the console
    assert b"Traceback" not in done.stderr
    assert report_path(ctx.config, output).exists()
    shown = done.stdout.decode(encoding)
    assert "?" in shown
    if encoding == "gbk":
        assert "排名汇总表：" in shown and "坏表格?.xlsx" in shown


def test_bug_while_unpacking_a_zip__that_zip_rejected_F013(ctx, tmp_path, monkeypatch):
    ctx.scoring()
    ctx.write("第一组.zip", b"PK\x05\x06" + bytes(18))

    def unpack(*args):
        raise IndexError("list index out of range")
    monkeypatch.setattr("inspection.intake.discover.unpack", unpack)
    result = run(ctx.campaign, ctx.input, tmp_path / "output")
    assert {f.path: f.status for f in result.files} == {"第一组.zip": REJECTED, "淮滨县.xlsx": ACCEPTED}
    assert [f.code for f in result.findings if f.file == "第一组.zip"] == [Code.F013]
    (log,) = (tmp_path / "output").glob("错误记录_*.txt")
    assert "IndexError" in log.read_text(encoding="utf-8")
