"""Both cores give the same result as one; the progress bar shows on a terminal and only there."""

from datetime import date
import io
import os

import python_calamine as calamine
import pytest

from inspection.constants import DISPATCH_FILE, PROGRESS_FILE, SCORING_FILE, SHEET_CORRECTIONS
from inspection import pool as pool_module
from inspection.intake import ingest as ingest_module
from inspection.cli import main
from inspection.progressbar import file_progress
from inspection.run import run
from inspection.sendback.send import FOLDER
from inspection.templates import generate_templates
from tests.conftest import ROOT
from tests.filling import fill_dispatch, fill_progress, fill_scoring
from tests.test_hazards import HAZARDS
from tests.test_run_faults import report_content


@pytest.fixture(scope="module")
def mixed_input(tmp_path_factory, config, rubric, templates):
    """Returns of every kind, with warnings, errors, a duplicate and an ignored file (read, never changed)."""
    folder = tmp_path_factory.mktemp("mixed") / "input"
    for n, unit in enumerate(config.units[:8]):
        group = config.group_for_unit(unit).number
        deductions = {"c01": (n % 3, "未明确第一责任人")} if n % 3 else {}
        if n == 2:
            deductions["c07"] = ("两三分", "原因")  # rejected: D001
        fill_scoring(templates.folder / SCORING_FILE.format(group=group, unit=unit),
                     folder / f"组{group}" / f"{unit}.xlsx",
                     rubric, deductions=deductions, inspection_date=date(2023, 8, 10 + n))
        fill_dispatch(templates.folder / DISPATCH_FILE.format(group=group, unit=unit),
                      folder / f"{unit}交办.xlsx", HAZARDS)
        fill_progress(templates.folder / PROGRESS_FILE.format(reporter=unit, round=config.round),
                      folder / f"{unit}调度.xlsx", {})
    (folder / "坏的.xlsx").write_bytes(b"broken")
    (folder / "~$锁.xlsx").write_bytes(b"lock")
    first = config.units[0]
    copy = folder / f"组{config.group_for_unit(first).number}" / f"{first}.xlsx"
    (folder / "副本.xlsx").write_bytes(copy.read_bytes())
    return folder


def test_two_processes_give_the_same_result_as_one(mixed_input, tmp_path, config, rubric, monkeypatch, campaign):
    monkeypatch.setattr("inspection.intake.ingest.POOL_MIN_FILES", 2)  # the pool, even for these few files
    pools = []
    real_pool = pool_module.ProcessPoolExecutor
    monkeypatch.setattr(pool_module, "ProcessPoolExecutor", lambda **kw: pools.append(kw) or real_pool(**kw))
    one = run(campaign, mixed_input, tmp_path / "one", jobs=1)
    assert pools == []
    two = run(campaign, mixed_input, tmp_path / "two", jobs=2)
    assert [kw["max_workers"] for kw in pools][:1] == [2]  # reading; marking up what goes back may take one too
    assert len(one.files) == 27
    assert [(f.path, f.status, f.reason, f.sha256, f.kind, f.unit) for f in one.files] == \
           [(f.path, f.status, f.reason, f.sha256, f.kind, f.unit) for f in two.files]
    assert one.findings == two.findings and one.ranking == two.ranking and one.hazards == two.hazards
    assert report_content(one.output_path) == report_content(two.output_path)
    assert sent_back(tmp_path / "one") == sent_back(tmp_path / "two") and sent_back(tmp_path / "one")


def sent_back(output) -> dict[str, list]:
    """退回修改/: each file with its 修改说明 findings table (the lines above it name the time)."""
    out = {}
    for path in sorted((output / FOLDER).rglob("*.xlsx")):
        rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_CORRECTIONS).to_python()
        out[path.relative_to(output).as_posix()] = [row for row in rows if isinstance(row[0], (int, float))]
    return out


def sheet_values(path):
    wb = calamine.CalamineWorkbook.from_path(str(path))
    values = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
    values["_meta"] = [row for row in values["_meta"] if row[0] != "generated_at"]
    return values


def test_templates_in_two_processes_are_the_same(tmp_path, config, rubric, monkeypatch, campaign):
    monkeypatch.setattr("inspection.templates.POOL_MIN_TASKS", 2)
    one = generate_templates(campaign, tmp_path / "one", jobs=1)
    two = generate_templates(campaign, tmp_path / "two", jobs=2)
    assert [p.name for p in one.all] == [p.name for p in two.all] and len(one.all) == 64
    for a, b in zip(one.all, two.all):
        assert sheet_values(a) == sheet_values(b), a.name


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_only():
    screen = Terminal()
    with file_progress(30, quiet=False, stream=screen, delay=0) as update:
        update(30)
    assert "读取报回文件" in screen.getvalue() and "/30" in screen.getvalue() and "个/s" in screen.getvalue()

    for stream, quiet in ((Terminal(), True), (io.StringIO(), False)):
        with file_progress(30, quiet=quiet, stream=stream, delay=0) as update:
            update(30)
        assert stream.getvalue() == ""


def test_cli_quiet_prints_one_line_with_the_time(mixed_input, tmp_path, capsys):
    code = main(["run", "--config", str(ROOT / "config.toml"), "--input", str(mixed_input),
                 "--output", str(tmp_path / "out"), "--quiet", "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert len(out.strip().splitlines()) == 1 and "用时" in out and "排名汇总表" in out

    main(["run", "--config", str(ROOT / "config.toml"), "--input", str(mixed_input), "--output", str(tmp_path / "o2")])
    out, err = capsys.readouterr()
    assert "收到 27 个文件" in out and out.strip().splitlines()[-1].startswith("用时") and "读取报回文件" not in err


def test_a_file_that_kills_its_worker_is_rejected_and_the_run_goes_on(mixed_input, tmp_path, config, rubric,
                                                                       monkeypatch, campaign):
    monkeypatch.setattr("inspection.intake.ingest.POOL_MIN_FILES", 2)
    real_read = ingest_module._read_bytes

    killers = {"坏的.xlsx", f"{config.units[5]}调度.xlsx"}  # the second is met after the first broke the pool

    def read_or_die(data, info, campaign):  # stands in for a reader that aborts the process
        if info.path in killers:
            os._exit(3)
        return real_read(data, info, campaign)

    monkeypatch.setattr(ingest_module, "_read_bytes", read_or_die)  # the forked workers inherit it
    result = run(campaign, mixed_input, tmp_path / "out", jobs=2)
    assert len(result.files) == 27
    for bad in (f for f in result.files if f.path in killers):
        assert bad.status == "未采用" and any("异常退出" in f.message for f in result.findings if f.file == bad.path)
    monkeypatch.setattr(ingest_module, "_read_bytes", real_read)
    plain = run(campaign, mixed_input, tmp_path / "plain", jobs=1)
    assert [(f.path, f.status) for f in result.files if f.path not in killers] == \
        [(f.path, f.status) for f in plain.files if f.path not in killers]
    assert result.ranking == plain.ranking


@pytest.mark.parametrize("value", ["0", "²", "两个", "-1"])
def test_jobs_not_a_positive_whole_number__chinese_error_exit_2(capsys, value):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--jobs", value])
    assert exit_.value.code == 2 and f"进程数应为正整数，如 --jobs 2，现为“{value}”" in capsys.readouterr().err


def test_templates_quiet__one_line_with_the_time(tmp_path, capsys):
    assert main(["templates", "--config", str(ROOT / "config.toml"), "--output", str(tmp_path / "t"), "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("已生成 64 个空白表格") and "用时" in out[0]


@pytest.mark.parametrize("argv", [["history", "--jobs", "2"], ["history", "--quiet"], ["demo", "--quiet"]])
def test_options_a_command_would_ignore__refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err
