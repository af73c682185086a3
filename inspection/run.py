"""Stage 2: read input/, validate, rank, and write the consolidated workbook."""

from datetime import date, datetime
import gc
import glob
from pathlib import Path
import re
import stat
import tempfile
import time
import traceback

from inspection.archive.record import record
from inspection.archive.schema import open_archive
from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.decisions.settle import (
    Unread, check_updates, common_problems, hazard_ids, missing_findings, owed, rank, settle,
)
from inspection.errorlog import log_name, short_error, write_log
from inspection.errors import SetupError
from inspection.findings import sort_key
from inspection.intake.ingest import ingest
from inspection.kinds import BY_KEY, DISPATCH, FOLLOWUP, PROGRESS, SCORING, SELF_CHECK, SELF_SCORING
from inspection.model import RunResult
from inspection.decisions.rounds import ARCHIVE_FILE, Earlier, view
from inspection.decisions.season import Seen
from inspection.decisions.selfcheck import compare
from inspection.sendback.send import send_back
from inspection.paper.common import TEMP_PREFIX, clear_stale_temps
from inspection.report.reminders import messages_path, write_reminder_messages
from inspection.report.workbook import write_report

REPORT_FILE = "排名汇总_{campaign}_{round}.xlsx"


def report_path(config: Config, output_dir: Path, round_: str | None = None) -> Path:
    return output_dir / REPORT_FILE.format(campaign=_safe(config.campaign), round=round_ or config.round)


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", name)


def run(campaign: Campaign, input_dir: Path, output_dir: Path, *, as_of: date | None = None,
        archive: Path | None = None, jobs: int = 1, progress=None) -> RunResult:
    """Everything `process.py run` does, in a straight line: what earlier rounds know is read once,
    the files are read, the decisions are taken, the round is recorded, the report is written.
    Returns the result for the CLI to summarise. `jobs` processes read the files (the result does
    not depend on it); `progress` as for ingest()."""
    config = campaign.config
    if not input_dir.is_dir():
        raise SetupError(f"找不到输入文件夹 {input_dir}：请新建它，把报回的表格放进去后再运行")
    check_output(output_dir, report_path(config, output_dir))
    started = time.perf_counter()
    result = RunResult(started=datetime.now().astimezone(), config_path=config.path, input_dir=input_dir,
                       as_of=as_of or date.today(), archive_path=archive or output_dir / ARCHIVE_FILE)
    result.history_lost = lost_history(output_dir, config, result.archive_path)
    conn = open_archive(result.archive_path)
    try:
        earlier = Earlier.read(conn, config)
        seen = Seen.read(conn, config)
        error_log = log_name(result.started)
        ingested = ingest(input_dir, campaign, jobs=jobs, progress=progress, error_log=error_log)
        result.files = ingested.files
        crashed = [(f"读取 {info.path}", info.error) for info in ingested.files if info.error]
        if crashed:  # now, so that it is there even if something later stops the run
            write_log(output_dir, error_log, f"读取时程序出错的文件 {len(crashed)} 个（已跳过，F013）", crashed)

        accepted, findings = settle(ingested, seen)
        findings += hazard_ids(accepted, campaign, earlier)
        findings += check_updates(accepted, earlier)
        _fill(result, accepted, campaign, findings)
        unread = Unread(ingested.files, config)  # what may be a missing return: for U001/U002 and the 催报清单
        findings += missing_findings(result.ranking, accepted, ingested.files, config, unread)

        findings += record(conn, config, [(info, accepted.of(BY_KEY[kind])[unit])
                                          for kind, files in accepted.files.items() for unit, info in files.items()],
                           [info for info in ingested.files if info.sha256 and info.kind])
    finally:
        conn.close()
    after = earlier.with_run(result.scoring, accepted.of(DISPATCH), accepted.of(FOLLOWUP), accepted.of(SELF_SCORING))
    rounds = view(after, config, result.progress, {name: campaign.form_for(name) for name in result.progress})
    result.tracked, result.previous_round, result.previous, result.trend, result.gaps = (
        rounds.tracked, rounds.previous_round, rounds.previous, rounds.trend, rounds.gaps)
    result.findings = sorted(findings + rounds.findings, key=sort_key)
    result.reminders = owed(result.ranking, accepted, result.files, config, result.tracked, unread)
    result.output_path = report_path(config, output_dir)
    try:
        write_report(result, campaign, result.output_path)
    except OSError as err:
        raise SetupError(f"无法写入汇总表 {result.output_path}：{err.strerror or err}"
                         "（文件是否正在 Excel 中打开？请关闭后重试）") from err
    gc.collect()  # the report's workbook is freed only by the cycle collector: before the draft's tree, not beside it
    try:
        result.reminders_path = write_reminder_messages(result, config, result.output_path)
    except OSError as err:
        raise SetupError(f"汇总表已写好，但无法写入催报消息 {messages_path(result.output_path)}："
                         f"{err.strerror or err}") from err
    try:  # the bulletin draft is extra: nothing that goes wrong with it may cost the report written above
        from inspection.bulletin import write_draft
        result.draft_path = write_draft(result, campaign)
    except OSError as err:
        result.draft_problem = f"无法写入（{err.strerror or err}；文件是否正在 Word 或 WPS 中打开？请关闭后重新运行）"
    except Exception:  # a bug, or python-docx missing: one line here, the traceback in 错误记录_….txt
        trace = traceback.format_exc()
        try:
            log = write_log(output_dir, error_log, "生成通报草稿时程序出错（汇总表已写出）", [("通报草稿", trace)])
            where = f"，详细记录已保存到 {log}，请发给维护人员"
        except OSError:
            where = ""
        result.draft_problem = f"生成时程序出错（{short_error(trace)}）{where}"
    sent = send_back(result, campaign, output_dir, jobs=jobs, progress=progress, error_log=error_log)  # never raises
    result.sendback_problem, result.sendback_folder = sent.problem_text(), sent.folder
    result.seconds = time.perf_counter() - started
    return result


def _fill(result: RunResult, accepted, campaign: Campaign, findings: list) -> None:
    """What the report shows of this round's accepted returns, in the campaign's order."""
    config = campaign.config
    result.scoring = accepted.of(SCORING)
    result.ranking = rank(result.scoring, config, result.files, findings)
    result.common_problems = common_problems(result.scoring, campaign.rubric, config)
    dispatch = accepted.of(DISPATCH)
    result.dispatch_units = [u for u in config.units if u in dispatch]
    result.hazards = [h for u in result.dispatch_units for h in dispatch[u]]
    progress = accepted.of(PROGRESS)
    result.progress = {name: progress[name] for name in (*config.units, *config.departments) if name in progress}
    if config.uses_self_assessment:
        order = {c.id: n for n, c in enumerate(campaign.rubric.criteria)}
        result.comparison = compare(config, result.ranking, result.scoring, accepted.of(SELF_SCORING), dispatch,
                                    accepted.of(SELF_CHECK), order)


def lost_history(output_dir: Path, config: Config, archive: Path) -> str:
    """What is lost when the archive is missing while reports of earlier rounds lie in the output
    folder ("" when nothing is): said, never silently started afresh."""
    if archive.exists():
        return ""
    prefix, _, suffix = report_path(config, output_dir, "\0").name.partition("\0")
    earlier = sorted({p.name[len(prefix):-len(suffix)] for p in output_dir.glob(f"{glob.escape(prefix)}*{suffix}")}
                     - {config.round})
    if not earlier:
        return ""
    return (f"输出文件夹中有 {'、'.join(earlier)} 的汇总表，却找不到归档 {archive}：那些轮次的得分、名次和隐患本次都不知道，"
            "名次变化、趋势和隐患跟踪将从本轮重新开始。如归档被移走了，请放回原处（或用 --archive 指定）后重新运行")


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
