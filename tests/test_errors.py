"""The run always ends with a report or one Chinese line: a bug ends the command with exit 2 and its
traceback in a file, and a console that cannot show Chinese never turns a finished run into a traceback."""

import os
import subprocess
import sys

import pytest

from inspection.cli import main
from inspection.run import report_path
from tests.conftest import ROOT


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
    monkeypatch.chdir(tmp_path)
    assert main(["templates", "--config", str(ROOT / "config.toml"), "--output", str(tmp_path / "t")]) == 2
    assert "程序出错：KeyError" in capsys.readouterr().err
    assert list((tmp_path / "output").glob("错误记录_*.txt")) and not (tmp_path / "t").exists()


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
