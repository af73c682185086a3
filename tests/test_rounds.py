"""Rounds over months through files: the archive, rank changes, trends, hazards to closure, corrections."""

from datetime import date
from decimal import Decimal
from pathlib import Path
import sqlite3
import subprocess
import sys
import textwrap

import openpyxl
import pytest

from inspection.constants import DISPATCH_FILE, PROGRESS_FILE, SCORING_FILE
from inspection.archive.record import record
from inspection.archive.schema import SCHEMA_VERSION, open_archive
from inspection.cli import main
from inspection.spec.campaign import campaign_of
from inspection.spec.config import load_config
from inspection.errors import SetupError
from inspection.findings import Code
from inspection.model import InputFile, ScoringReturn
from inspection.run import run
from inspection.templates import generate_templates
from tests.conftest import ROOT
from tests.filling import fill_dispatch, fill_progress, fill_scoring
from tests.test_hazards import HAZARDS

FOUND, FIXED = "企业自查发现的重大事故隐患（个）", "企业自查发现重大事故隐患中已完成整改（个）"


class Rounds:
    """One campaign over several monthly rounds, all sharing one archive, as a clerk runs it."""

    def __init__(self, folder: Path, rubric):
        self.folder, self.rubric = folder, rubric
        self.archive = folder / "archive.sqlite"

    def config(self, round_: str):
        path = self.folder / f"config-{round_}.toml"
        text = (ROOT / "config.toml").read_text(encoding="utf-8").replace('round = "2023-08"', f'round = "{round_}"')
        for key in ("rubrics/", "forms/"):
            text = text.replace(f'"{key}', f'"{(ROOT / key).as_posix()}/')
        path.write_text(text, encoding="utf-8")
        return load_config(path)

    def campaign(self, round_: str):
        return campaign_of(self.config(round_), self.rubric)

    def round(self, round_: str, scoring=None, dispatch=None, progress=None, as_of=date(2023, 12, 31)):
        """scoring: unit → deductions; dispatch: unit → hazard rows; progress: unit → values."""
        config = self.config(round_)
        templates = generate_templates(self.campaign(round_), self.folder / f"templates-{round_}")
        inputs = self.folder / f"input-{round_}"
        for unit, deductions in (scoring or {}).items():
            number = config.group_for_unit(unit).number
            fill_scoring(templates.folder / SCORING_FILE.format(group=number, unit=unit), inputs / f"{unit}打分.xlsx",
                         self.rubric, deductions=deductions)
        for unit, rows in (dispatch or {}).items():
            number = config.group_for_unit(unit).number
            fill_dispatch(templates.folder / DISPATCH_FILE.format(group=number, unit=unit),
                          inputs / f"{unit}交办.xlsx", rows)
        for unit, values in (progress or {}).items():
            fill_progress(templates.folder / PROGRESS_FILE.format(reporter=unit, round=round_),
                          inputs / f"{unit}调度.xlsx", values)
        inputs.mkdir(parents=True, exist_ok=True)
        return self.rerun(round_, as_of=as_of)

    def rerun(self, round_: str, as_of=date(2023, 12, 31)):
        return run(self.campaign(round_), self.folder / f"input-{round_}", self.folder / f"output-{round_}",
                   as_of=as_of, archive=self.archive)

    def dump(self) -> list[str]:
        """The archive's rows, but for the copies sent back: each run writes its own (their 修改说明 say when)."""
        conn = sqlite3.connect(self.archive)
        try:
            return [line for line in conn.iterdump() if not line.startswith('INSERT INTO "sent_back"')]
        finally:
            conn.close()


def loss(points, reason="未落实"):
    return (Decimal(points), reason)


@pytest.fixture
def rounds(tmp_path, rubric):
    return Rounds(tmp_path, rubric)


def test_three_rounds__rank_changes_and_trend(rounds):
    rounds.round("2023-08", scoring={"淮滨县": {"c01": loss(2)}, "商城县": {"c01": loss(1)}, "息县": {"c01": loss(2)}})
    middle = rounds.round("2023-09", scoring={"淮滨县": {}, "商城县": {"c01": loss(2)}, "新县": {"c01": loss(1)}})
    result = rounds.round("2023-10", scoring={"淮滨县": {"c16": loss(1)}, "商城县": {"c16": loss(1)}})
    assert result.previous_round == "2023-09"
    wb = openpyxl.load_workbook(result.output_path)
    ws = wb["排名"]
    assert [c.value for c in ws[2]][5:8] == ["上期得分（2023-09）", "上期排名", "名次变化"]
    table = {r[1]: r for r in ([c.value for c in row] for row in ws.iter_rows(min_row=3)) if r[1]}
    assert table["淮滨县"][:3] == [1, "淮滨县", 99] and table["淮滨县"][5:8] == [100, 1, "持平"]
    assert table["商城县"][:3] == [1, "商城县", 99] and table["商城县"][5:8] == [98, 3, "↑2"]

    second = openpyxl.load_workbook(middle.output_path)["排名"]
    rows = {r[1]: r for r in ([c.value for c in row] for row in second.iter_rows(min_row=3)) if r[1]}
    assert rows["新县"][7] == "新增" and rows["商城县"][7] == "↓2" and rows["淮滨县"][7] == "↑1"

    trend = wb["趋势"]
    assert [c.value for c in trend[2]][:4] == ["县区", "2023-08", "2023-09", "2023-10"]
    # the scores' table (the 自评 − 复核 table under it has the same units)
    lines = {r[0]: r[1:4] for r in ([c.value for c in row] for row in trend.iter_rows(min_row=3, max_row=13)) if r[0]}
    assert lines["淮滨县"] == [98, 100, 99] and lines["息县"] == [98, "—", "—"] and lines["新县"] == ["—", 99, "—"]
    assert len(trend._charts) == 1


def test_hazard_keeps_id_and_is_closed_then_not_reopened(rounds):
    first = rounds.round("2023-08", dispatch={"淮滨县": HAZARDS})
    ids = [h.id for h in first.hazards]
    fixed = {**HAZARDS[0], "整改状态": "已整改"}
    new = {**HAZARDS[1], "企业（单位）名称": "淮滨某木业公司", "整改状态": "未整改"}
    second = rounds.round("2023-09", dispatch={"淮滨县": [fixed, new]}, as_of=date(2023, 9, 20))
    assert second.hazards[0].id == ids[0]  # the same company and description: the same hazard
    assert second.hazards[1].id not in ids and "2023-09" in second.hazards[1].id
    tracked = {t.hazard.id: t for t in second.tracked}
    assert len(tracked) == 4
    closed = tracked[ids[0]]
    assert (closed.first_round, closed.status, closed.closed_round) == ("2023-08", "已整改", "2023-09")
    assert closed.first_listed_on == date(2023, 8, 15) and closed.days_used(date(2023, 9, 20)) == 0
    ledger = openpyxl.load_workbook(second.output_path)["问题隐患台账"]
    row = next([c.value for c in r] for r in ledger.iter_rows(min_row=3) if r[0].value == ids[0])
    assert row[10].startswith("2023-08") and row[11] == "已整改" and row[15] == "已销号 2023-08-15"

    reopened = {**HAZARDS[0], "整改状态": "整改中"}
    third = rounds.round("2023-10", dispatch={"淮滨县": [reopened]})
    warning = next(f for f in third.findings if f.code == Code.A002)
    assert ids[0] in warning.message and (warning.sheet, warning.cell) == ("交办清单", "A7")
    assert warning.level == "警告"
    assert {t.hazard.id: t for t in third.tracked}[ids[0]].status == "已整改"


def test_cumulative_figure_that_falls__P008_names_both(rounds):
    rounds.round("2023-08", progress={"息县": {FOUND: 12, FIXED: 9}})
    result = rounds.round("2023-09", progress={"息县": {FOUND: 10, FIXED: 9}})
    fallen = [f for f in result.findings if f.code == Code.P008]
    assert len(fallen) == 1 and fallen[0].cell.startswith("E") and fallen[0].sheet == "调度表"
    assert "本期 10" in fallen[0].message and "2023-08" in fallen[0].message and "12" in fallen[0].message


def test_corrected_resubmission_replaces_and_says_so(rounds):
    rounds.round("2023-08", scoring={"淮滨县": {"c01": loss(2)}})
    inputs = rounds.folder / "input-2023-08"
    template = rounds.folder / "templates-2023-08" / "打分表_01_淮滨县.xlsx"
    fill_scoring(template, inputs / "淮滨县打分.xlsx", rounds.rubric, deductions={"c01": loss(1)})
    result = rounds.rerun("2023-08")
    assert result.scoring["淮滨县"].total == Decimal(99)
    corrected = [f for f in result.findings if f.code == Code.A001]
    assert len(corrected) == 1 and "淮滨县打分.xlsx" in corrected[0].message
    conn = open_archive(rounds.archive)
    totals = conn.execute("SELECT c.total, s.replaced_at IS NULL FROM scores c JOIN submissions s "
                          "ON s.id = c.submission_id ORDER BY s.id").fetchall()
    conn.close()
    assert totals == [("98", 0), ("99", 1)]  # the earlier one is kept, marked replaced


def test_same_inputs_twice_change_nothing(rounds):
    rounds.round("2023-08", scoring={"淮滨县": {"c01": loss(2)}}, dispatch={"淮滨县": HAZARDS},
                   progress={"息县": {FOUND: 3}})
    before = rounds.dump()
    again = rounds.rerun("2023-08")
    assert rounds.dump() == before
    assert not [f for f in again.findings if f.code == Code.A001]


def test_history_command_lists_rounds_units_files(rounds, capsys):
    rounds.round("2023-08", scoring={"淮滨县": {}}, progress={"息县": {FOUND: 3}})
    rounds.round("2023-09", scoring={"淮滨县": {}, "商城县": {}})
    assert main(["history", "--archive", str(rounds.archive)]) == 0
    out = capsys.readouterr().out
    assert "共 2 轮（2023-08、2023-09）" in out
    assert "2023-08：打分表 1 份、调度表 1 份" in out and "2023-09：打分表 2 份" in out
    assert "淮滨县打分.xlsx" in out and "商城县\t商城县打分.xlsx" in out


def test_one_archive_location__run_output_then_history_output(ctx, tmp_path, capsys, monkeypatch):
    """run --output X keeps the archive in X, and history --output X reads that one."""
    ctx.scoring()
    elsewhere = tmp_path / "另一个输出"
    config = str(ROOT / "config.toml")
    assert main(["run", "--config", config, "--input", str(ctx.input), "--output", str(elsewhere), "--quiet"]) == 1
    assert (elsewhere / "归档.sqlite").exists()
    capsys.readouterr()
    assert main(["history", "--config", config, "--output", str(elsewhere)]) == 0
    out = capsys.readouterr().out
    assert f"归档：{elsewhere / '归档.sqlite'}" in out and "淮滨县\t淮滨县.xlsx" in out
    campaign = tmp_path / "新的活动"  # a campaign folder with no run yet: history finds no archive there, and says so
    assert main(["new", str(campaign)]) == 0
    capsys.readouterr()
    assert main(["history", "--config", str(campaign / "config.toml")]) == 0
    assert f"找不到归档 {campaign / 'output' / '归档.sqlite'}" in capsys.readouterr().out


def test_archive_newer_or_foreign__setup_error(tmp_path):
    newer = tmp_path / "newer.sqlite"
    conn = open_archive(newer)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.close()
    with pytest.raises(SetupError, match="结构版本"):
        open_archive(newer)
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"not a database at all" * 100)
    with pytest.raises(SetupError, match="无法打开"):
        open_archive(foreign)


KILLER = textwrap.dedent("""
    import dataclasses, sys, time
    from pathlib import Path
    from inspection.spec.campaign import load_campaign
    from inspection.kinds import BY_KEY
    from inspection.run import run

    scoring = BY_KEY["scoring"]
    def slow(conn, batch):
        scoring.archive(conn, batch)
        Path(sys.argv[4]).write_text("inside")   # the transaction is open and has written rows
        time.sleep(60)
    BY_KEY["scoring"] = dataclasses.replace(scoring, archive=slow)
    run(load_campaign(Path(sys.argv[1])), Path(sys.argv[2]), Path(sys.argv[3]), archive=Path(sys.argv[5]))
""")


def test_killed_during_archive_transaction__archive_as_before(rounds):
    rounds.round("2023-08", scoring={"淮滨县": {"c01": loss(2)}})
    before = rounds.dump()
    template = rounds.folder / "templates-2023-08" / "打分表_02_商城县.xlsx"
    inputs = rounds.folder / "input-2023-08"
    fill_scoring(template, inputs / "商城县打分.xlsx", rounds.rubric, deductions={"c01": loss(1)})
    marker = rounds.folder / "inside"
    script = rounds.folder / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(rounds.folder / "config-2023-08.toml"), str(inputs),
                             str(rounds.folder / "out-killed"), str(marker), str(rounds.archive)], cwd=ROOT)
    try:
        for _ in range(600):
            if marker.exists() or proc.poll() is not None:
                break
            subprocess.run(["sleep", "0.05"])
        assert marker.exists(), "the run never reached the archive transaction"
    finally:
        proc.kill()
        proc.wait()
    assert rounds.dump() == before  # nothing of the killed run's transaction
    conn = open_archive(rounds.archive)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    after = rounds.rerun("2023-08")  # and the next run works and records it
    assert set(after.scoring) == {"淮滨县", "商城县"} and rounds.dump() != before


def test_archive_of_schema_1_is_migrated_and_keeps_its_rounds(rounds):
    rounds.round("2023-08", scoring={"淮滨县": {"c01": loss(2)}}, dispatch={"淮滨县": HAZARDS})
    conn = sqlite3.connect(rounds.archive)  # make it an archive as the first release left it
    for index in ("hazard_rows_by_submission", "status_updates_by_submission", "deductions_by_submission"):
        conn.execute(f"DROP INDEX {index}")
    for table in ("received", "sent_back"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE schema_version SET version = 1")
    conn.commit()
    conn.close()

    result = rounds.round("2023-09", scoring={"淮滨县": {}})
    assert result.previous_round == "2023-08" and len(result.tracked) == len(HAZARDS)
    conn = sqlite3.connect(rounds.archive)
    indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert conn.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,) == (3,)
    assert {"hazard_rows_by_submission", "deductions_by_submission"} <= indexes
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"received", "sent_back"} <= tables
    conn.close()


def test_record__two_files_of_one_unit_in_one_batch__the_later_is_current(rounds):
    # run() never passes two (resolve_duplicates rejects both, M009); record() keeps the archive
    # consistent anyway: one current row, the earlier one marked replaced by it.
    config = rounds.config("2023-08")
    conn = open_archive(rounds.folder / "batch.sqlite")
    files = [InputFile(path=f"{n}.xlsx", size=1, sha256=n * 64, kind="scoring", unit="淮滨县") for n in "ab"]
    found = record(conn, config, [(f, ScoringReturn(file=f.path, unit="淮滨县", group=1, total=Decimal(90)))
                                  for f in files])
    rows = conn.execute("SELECT id, file, replaced_at IS NOT NULL, replaced_by FROM submissions ORDER BY id").fetchall()
    assert rows == [(1, "a.xlsx", 1, 2), (2, "b.xlsx", 0, None)]
    assert [f.code for f in found] == [Code.A001]
    assert conn.execute("SELECT COUNT(*) FROM scores").fetchone() == (2,)
