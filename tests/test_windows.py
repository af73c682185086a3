"""What the clerk's Windows PC does differently, done here: worker processes started by `spawn` (Windows
has no fork), folders with spaces and Chinese in their names, a report kept open in Excel (it cannot be
replaced), and a console that cannot show Chinese.

Elsewhere: `run` on a GBK, cp1252 or ASCII console (test_errors.py), a read-only report from an earlier
run (test_run_faults.py), two processes by fork give the result of one (test_scale.py)."""

import multiprocessing
import os
from pathlib import Path
import runpy
import shutil
import subprocess
import sys

import pytest

from inspection import pool as pool_module
from inspection.cli import main
from inspection.run import run
from inspection.templates import generate_templates
from tests.conftest import ROOT
from tests.test_run_faults import report_content
from tests.test_scale import mixed_input, sheet_values  # noqa: F401  (mixed_input is a fixture)


@pytest.fixture
def spawned_pools(monkeypatch):
    """Every process pool started by `spawn`, as on Windows; the list of the pools' keyword arguments."""
    made = []
    real = pool_module.ProcessPoolExecutor

    def spawn_pool(**kw):
        made.append(kw)
        return real(mp_context=multiprocessing.get_context("spawn"), **kw)
    monkeypatch.setattr(pool_module, "ProcessPoolExecutor", spawn_pool)
    return made


def test_spawned_workers_give_the_same_run_as_one_process(mixed_input, tmp_path, campaign, monkeypatch,  # noqa: F811
                                                         spawned_pools):
    monkeypatch.setattr("inspection.intake.ingest.POOL_MIN_FILES", 2)
    one = run(campaign, mixed_input, tmp_path / "one", jobs=1)
    assert spawned_pools == []
    two = run(campaign, mixed_input, tmp_path / "two", jobs=2)
    # reading, and marking up the returns sent back (退回修改), each in its own pool of two
    assert spawned_pools and all(kw["max_workers"] == 2 for kw in spawned_pools)
    assert [(f.path, f.status, f.reason, f.sha256, f.kind, f.unit) for f in one.files] == \
           [(f.path, f.status, f.reason, f.sha256, f.kind, f.unit) for f in two.files]
    assert one.findings == two.findings and one.ranking == two.ranking and one.hazards == two.hazards
    assert report_content(one.output_path) == report_content(two.output_path)


def test_spawned_workers_write_the_same_templates(tmp_path, campaign, monkeypatch, spawned_pools):
    monkeypatch.setattr("inspection.templates.POOL_MIN_TASKS", 2)
    one = generate_templates(campaign, tmp_path / "one", jobs=1)
    two = generate_templates(campaign, tmp_path / "two", jobs=2)
    assert len(spawned_pools) == 1
    assert [p.name for p in one.all] == [p.name for p in two.all]
    for a, b in zip(one.all, two.all):
        assert sheet_values(a) == sheet_values(b), a.name


SPAWN_MAIN = """
import multiprocessing
import sys

from inspection.intake import ingest
from inspection.cli import main

if __name__ == "__main__":  # what process.py does, with worker processes started as on Windows
    multiprocessing.set_start_method("spawn")
    ingest.POOL_MIN_FILES = 2
    sys.exit(main())
"""


def test_demo_and_run_from_the_command_line_with_spawn(tmp_path):
    """The demo's templates are written by a pool (they are more than POOL_MIN_TASKS), and `run` reads
    in one (POOL_MIN_FILES lowered), its workers started by spawn."""
    script = tmp_path / "spawn_process.py"
    script.write_text(SPAWN_MAIN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    demo = ["demo", "--jobs", "2", "--templates", str(tmp_path / "t"), "--input", str(tmp_path / "in"),
            "--output", str(tmp_path / "demo")]
    again = ["run", "--jobs", "2", "--quiet", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out")]
    for args, code in ((demo, 0), (again, 1)):
        done = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == code and "Traceback" not in done.stderr, done.stderr
    assert list((tmp_path / "out").glob("排名汇总_*.xlsx"))


def test_process_py_runs_nothing_when_a_spawned_worker_imports_it(monkeypatch):
    """A spawned worker imports the main script as __mp_main__: process.py must then not start a run."""
    def started(*args):
        raise AssertionError("main() ran in a worker")
    monkeypatch.setattr("inspection.cli.main", started)
    runpy.run_path(str(ROOT / "process.py"), run_name="__mp_main__")


def test_folders_with_spaces_and_chinese(tmp_path, capsys, templates):
    home = tmp_path / "D 盘" / "安全 检查（2023）"
    config = home / "本次 配置" / "config.toml"
    config.parent.mkdir(parents=True)
    shutil.copy(ROOT / "config.toml", config)
    for folder in ("rubrics", "forms"):
        shutil.copytree(ROOT / folder, config.parent / folder)
    returns, output = home / "报回 表格", home / "汇总 结果"
    assert main(["demo", "--config", str(config), "--templates", str(home / "空白 表格"), "--input", str(returns),
                 "--output", str(home / "演示 结果"), "--jobs", "2"]) == 0
    assert main(["run", "--config", str(config), "--input", str(returns), "--output", str(output)]) == 1
    out = capsys.readouterr().out
    (report,) = output.glob("排名汇总_*.xlsx")
    assert f"排名汇总表：{report}" in out
    assert len(list((home / "空白 表格").glob("*.xlsx"))) == len(templates.all)


@pytest.mark.filterwarnings("error:Calling close")  # the workbook is closed once, also when the rename fails
def test_report_open_in_excel__chinese_message_and_the_old_report_kept(ctx, tmp_path, monkeypatch, capsys):
    """Excel keeps the workbook it shows open: replacing it fails (PermissionError, WinError 5 or 32)."""
    ctx.scoring()
    output = tmp_path / "output"
    args = ["run", "--config", str(ROOT / "config.toml"), "--input", str(ctx.input), "--output", str(output)]
    assert main(args) == 1
    (report,) = output.glob("排名汇总_*.xlsx")
    before = report.read_bytes()
    real_replace = os.replace

    def replace(source, target, *rest, **kw):
        if Path(target) == report:
            raise PermissionError(13, "Permission denied", str(target))
        return real_replace(source, target, *rest, **kw)
    monkeypatch.setattr(os, "replace", replace)
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == (f"无法运行：无法写入汇总表 {report}：Permission denied（文件是否正在 Excel 中打开？请关闭后重试）\n")
    assert report.read_bytes() == before
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".~")) == []  # no half-written file left


@pytest.mark.parametrize("encoding", ["gbk", "cp1252"])
def test_demo_on_a_console_that_cannot_show_every_character(tmp_path, encoding):
    """A Chinese Windows console redirected to a file writes GBK, an English one cp1252: no traceback,
    what cannot be shown is "?". (`run` on such consoles: test_errors.py.)"""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    done = subprocess.run([sys.executable, "process.py", "demo", "--templates", str(tmp_path / "t"),
                           "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    assert b"Traceback" not in done.stderr
    shown = done.stdout.decode(encoding)
    assert list((tmp_path / "out").glob("排名汇总_*.xlsx"))
    if encoding == "gbk":
        assert "演示完成" in shown and "?" not in shown.replace("？", "")
    else:
        assert "?" in shown


def test_ctrl_c__one_chinese_line_no_traceback(monkeypatch, capsys):
    """Ctrl+C in the .bat window stops with one line, not a traceback."""
    from inspection import cli

    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "cmd_history", interrupted)  # build_parser looks the handler up when main runs
    assert cli.main(["history"]) == cli.EXIT_SETUP
    err = capsys.readouterr().err
    assert err.startswith("已中断（Ctrl+C）") and "Traceback" not in err


def test_pool_never_asks_windows_for_more_than_61_workers(monkeypatch):
    import importlib

    import inspection.pool as pool

    monkeypatch.setattr("os.name", "nt")
    try:
        assert importlib.reload(pool).MAX_WORKERS == 61
    finally:
        monkeypatch.undo()
        importlib.reload(pool)
    seen = []

    class Recorder:
        def __init__(self, max_workers, **kw):
            seen.append(max_workers)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, fn, items, chunksize):
            return [fn(i) for i in items]
    monkeypatch.setattr(pool, "ProcessPoolExecutor", Recorder)
    monkeypatch.setattr(pool, "MAX_WORKERS", 61)
    out = list(pool.run_all(lambda state, item: item * 2, None, [1, 2, 3], jobs=100, min_items=1, update=lambda n: None))
    assert out == [2, 4, 6] and seen == [61]
