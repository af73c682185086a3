"""Stage 2: read input/, validate, rank, and write the consolidated workbook."""

from datetime import date, datetime
from pathlib import Path
import re
import stat
import tempfile
import time

from inspection.archive.record import carry_ids, record
from inspection.archive.schema import open_archive
from inspection.config import Config
from inspection.consolidate import common_problems, missing_findings, rank, resolve_duplicates
from inspection.errorlog import log_name, write_log
from inspection.errors import SetupError
from inspection.findings import sort_key
from inspection.forms import load_form
from inspection.ingest import Campaign, ingest
from inspection.model import ACCEPTED, RunResult
from inspection.archive.query import hazard_units
from inspection.rounds import ARCHIVE_FILE, follow
from inspection.rubric import Rubric
from inspection.writers.common import TEMP_PREFIX, clear_stale_temps
from inspection.writers.report import write_report

REPORT_FILE = "排名汇总_{campaign}_{round}.xlsx"


def report_path(config: Config, output_dir: Path) -> Path:
    campaign = re.sub(r'[\\/:*?"<>|\s]+', "", config.campaign)
    return output_dir / REPORT_FILE.format(campaign=campaign, round=config.round)


def run(config: Config, rubric: Rubric, input_dir: Path, output_dir: Path, *,
        as_of: date | None = None, archive: Path | None = None, jobs: int = 1, progress=None) -> RunResult:
    """Everything `process.py run` does; returns the result for the CLI to summarise.
    `jobs` processes read the files (the result does not depend on it); `progress` as for ingest()."""
    if not input_dir.is_dir():
        raise SetupError(f"找不到输入文件夹 {input_dir}：请新建它，把报回的表格放进去后再运行")
    check_output(output_dir, report_path(config, output_dir))
    started = time.perf_counter()
    result = RunResult(started=datetime.now().astimezone(), config_path=config.path, input_dir=input_dir)
    result.archive_path = archive or output_dir / ARCHIVE_FILE
    conn = open_archive(result.archive_path)
    try:
        _run(result, config, rubric, input_dir, output_dir, as_of, conn, jobs, progress)
    finally:
        conn.close()
    result.seconds = time.perf_counter() - started
    return result


def check_output(output_dir: Path, report: Path) -> None:
    """Fail before reading anything when the report could not be written; clear what a killed run left."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=output_dir, prefix=TEMP_PREFIX)
        probe.close()
    except OSError as err:
        raise SetupError(f"无法写入输出文件夹 {output_dir}（{err.strerror or err}）：请换一个文件夹（--output）") from err
    if report.exists() and not report.stat().st_mode & stat.S_IWUSR:
        raise SetupError(f"汇总表 {report} 是只读文件，本次没有覆盖它。请去掉它的只读属性，或用 --output 换一个文件夹")
    clear_stale_temps(output_dir)


def _run(result: RunResult, config: Config, rubric: Rubric, input_dir: Path, output_dir: Path,
         as_of: date | None, conn, jobs: int, progress) -> None:
    unit_form, department_form = load_form(config.progress_unit_form), load_form(config.progress_department_form)
    campaign = Campaign(config, rubric, unit_form, department_form,
                        hazard_units(conn, config.campaign, config.round))
    error_log = log_name(result.started)
    ingested = ingest(input_dir, campaign, jobs=jobs, progress=progress, error_log=error_log)
    result.files = ingested.files
    crashed = [(f"读取 {info.path}", info.error) for info in ingested.files if info.error]
    if crashed:  # now, so that it is there even if something later stops the run
        write_log(output_dir, error_log, f"读取时程序出错的文件 {len(crashed)} 个（已跳过，F013）", crashed)
    accepted, duplicate_findings = resolve_duplicates(ingested)
    result.scoring = accepted.scoring
    result.ranking = rank(accepted.scoring, config, ingested.files, ingested.findings)
    result.common_problems = common_problems(accepted.scoring, rubric, config)
    result.as_of = as_of or date.today()
    result.dispatch_units = [u for u in config.units if u in accepted.dispatch]
    result.hazards = [h for u in result.dispatch_units for h in accepted.dispatch[u]]
    result.progress = {name: accepted.progress[name] for name in (*config.units, *config.departments)
                       if name in accepted.progress}
    findings = (ingested.findings + duplicate_findings
                + missing_findings(result.ranking, accepted, ingested.files, config))

    # The archive: carry hazard ids over from earlier rounds, record this run in one transaction,
    # then read back what earlier rounds add.
    carry_ids(conn, config, result.hazards)
    submissions = [(info, payload) for info, payload in (*ingested.scoring, *ingested.dispatch, *ingested.progress, *ingested.followup)
                   if info.status == ACCEPTED]
    findings += record(conn, config, submissions)
    forms = {name: unit_form if config.is_unit(name) else department_form for name in result.progress}
    findings += follow(conn, config, result, forms)

    result.findings = sorted(findings, key=sort_key)
    result.output_path = report_path(config, output_dir)
    try:
        write_report(result, config, rubric, result.output_path)
    except OSError as err:
        raise SetupError(f"无法写入汇总表 {result.output_path}：{err.strerror or err}"
                         "（文件是否正在 Excel 中打开？请关闭后重试）") from err
