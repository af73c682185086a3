"""退回修改: after the report, every return with something for its sender to fix or check goes back
marked up, into output/退回修改/: one folder per inspection group ("第01组_浉河区组"), for the forms a
group fills in; one per unit or department for the forms they send themselves (调度表, 隐患整改跟踪表)
and in a campaign without groups; 未能识别/ for a file whose unit nobody can tell.

A return with an error comes back as "（退回修改）" (请修改后重新报送), one with warnings only as
"（请核实）" (已采用，请核实); each is a copy of the original's bytes, re-read from input/ (or from
the .zip it came in) and checked to be the very file that was read, with its cells marked and a
first sheet 修改说明 (writers/marked_copy.py). A return that cannot be marked up gets its
修改说明 as a workbook of its own, "（修改说明）". The originals are only read.

Nothing goes back for a file that could not be identified as a workbook (not a spreadsheet, a .rar,
a scan, too big, a bomb: the report's 说明 sheet lists it, and there is no return to mark or group to
send it to), for a file ignored (a copy, a blank form), or for findings only the office can act on
(a file replaced in the archive, one changed while read, one the program failed on). A workbook
with an open password is the exception: it surely is a return, and removing the password is the
sender's to do; it gets a 修改说明 in 未能识别/.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
import hashlib
import io
import os
from pathlib import Path, PurePosixPath
import traceback
import zipfile
import zlib

from inspection.archive.schema import open_archive
from inspection.spec.campaign import Campaign
from inspection.spec.config import UNSAFE_FILENAME, Config
from inspection.constants import SHEET_CORRECTIONS
from inspection.intake.entries import FileChanged, read_disk
from inspection.errorlog import write_log
from inspection.intake.filenames import display_path, member_name
from inspection.findings import INFO, Code, Finding
from inspection.kinds import BY_KEY
from inspection.model import ACCEPTED, REJECTED, UNPACKED, InputFile, RunResult
from inspection.pool import run_all
from inspection.intake.book import UnreadableFile
from inspection.progressbar import silent_progress
from inspection.intake.limits import Limits
from inspection.paper.common import TEMP_PREFIX, atomic_bytes, chinese_date
from inspection.sendback.marked_copy import CannotMark, Note, marked_copy, note_workbook

FOLDER = "退回修改"
UNKNOWN_FOLDER = "未能识别"  # files whose unit nobody can tell (no _meta, or a unit not in the config)
TO_FIX, TO_CHECK, NOTE_ONLY = "（退回修改）", "（请核实）", "（修改说明）"
SUFFIXES = (TO_FIX, TO_CHECK, NOTE_ONLY)
# Findings about a file that its sender has nothing to change for.
FOR_THE_OFFICE = frozenset({Code.F003, Code.F012, Code.F013, Code.M010, Code.A001})
# F-codes found once the file was open: the sender can act on these.
OPENED = frozenset({Code.F002, Code.F010, Code.F011})
# Marking up takes about 0.15 s a file; below this many, starting worker processes costs more.
POOL_MIN_FILES = 8


@dataclass(frozen=True)
class Job:
    """One return to send back: everything its 修改说明 says, and the original's bytes (None when
    they could not be read again as they were read: `missing` says why)."""

    name: str  # the original's file name
    who: str  # "淮滨县的打分表，第 1 组（浉河区组）", or "" when nobody can tell
    accepted: bool
    findings: tuple[Finding, ...]
    campaign: str
    round: str
    receiver: str
    deadline: date
    made: datetime
    data: bytes | None
    missing: str = ""
    original: tuple[str, str] = ("", "")  # the SHA-256 and the path of the return it is made for


@dataclass
class SentBack:
    """What send_back wrote: paths of the marked-up copies and of the 修改说明 workbooks."""

    folder: Path
    copies: list[Path]
    notes: list[Path]
    problems: list[tuple[str, str]]  # (file, traceback) for the error log
    log: Path | None = None  # where they were written
    written: list[tuple[str, str, str]] = field(default_factory=list)  # (SHA-256, path, the original's SHA-256)

    def problem_text(self) -> str:
        """What could not be made, for the summary line; "" when everything was."""
        if not self.problems:
            return ""
        where = f"，详细记录在 {self.log}，请发给维护人员" if self.log else ""
        return f"有 {len(self.problems)} 处未能生成{where}"


def send_back(result: RunResult, campaign: Campaign, output_dir: Path, *, jobs: int = 1, progress=None,
              error_log: str = "错误记录.txt") -> SentBack:
    """Write output/退回修改/ afresh for this run, after the report. Never raises an Exception: the
    report is written and stands. What goes wrong (for one file, or for all) is written to the
    error log `error_log`, with tracebacks, and the other files go on. `progress` as for run(),
    called with what=… naming this step."""
    sent = SentBack(round_folder(output_dir, campaign.config), [], [], [])
    try:
        _send_back(result, campaign, sent, jobs, progress)
        _remember(result, campaign.config, sent)
    except Exception:
        sent.problems.append(("（全部）", traceback.format_exc()))
    if sent.problems:
        try:
            sent.log = write_log(output_dir, error_log, f"写退回修改的表格时出错 {len(sent.problems)} 处（汇总表已写好）",
                                 [(f"退回修改 {where}", trace) for where, trace in sent.problems])
        except OSError:
            pass
    return sent


def round_folder(output_dir: Path, config: Config) -> Path:
    """退回修改/{round}/: each round's copies apart, so that the next round's run never replaces them."""
    return output_dir / FOLDER / config.round_folder


def _remember(result: RunResult, config: Config, sent: SentBack) -> None:
    """The copies written, in the archive: one dropped back into input/ unchanged is the tool's own."""
    if not sent.written or result.archive_path is None:
        return
    made = datetime.now().astimezone().isoformat(timespec="seconds")
    conn = open_archive(result.archive_path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT OR IGNORE INTO sent_back VALUES (?, ?, ?, ?, ?, ?)",
                         [(config.campaign, sha, config.round, original, path, made)
                          for sha, path, original in sent.written])
        conn.execute("COMMIT")
    finally:
        conn.close()


def _send_back(result: RunResult, campaign: Campaign, sent: SentBack, jobs: int, progress) -> None:
    config, folder = campaign.config, sent.folder
    _clear(folder, sent.problems)
    todo = list(_to_send(result))
    originals = _Originals(result.input_dir, result.files, config.limits)
    made = datetime.now().astimezone()
    work = []
    for info, found in list(todo):
        try:
            work.append(_job(info, found, config, originals, made))
        except Exception:  # unforeseen, for this file alone: logged, and the others are still sent
            sent.problems.append((info.path, traceback.format_exc()))
            todo.remove((info, found))
    taken: set[Path] = set()
    bar = progress(len(work), what="标注退回修改的表格") if progress else silent_progress(len(work))
    with bar as update:
        for (info, _), job, (data, marked, trace) in zip(
                todo, work, run_all(_make, config.limits, work, jobs=jobs, min_items=POOL_MIN_FILES, update=update)):
            _keep(sent, info, job, data, marked, trace, config, taken)


def _keep(sent: SentBack, info: InputFile, job: Job, data: bytes | None, marked: bool, trace: str, config: Config,
          taken: set[Path]) -> None:
    """Write what was made for one return into its folder."""
    if trace:
        sent.problems.append((info.path, trace))
    if data is None:
        return
    suffix = NOTE_ONLY if not marked else TO_CHECK if job.accepted else TO_FIX
    path = _free_name(sent.folder / _folder_name(info, config), _stem(job.name), suffix, taken)
    try:
        atomic_bytes(path, data)
    except OSError:
        sent.problems.append((info.path, traceback.format_exc()))
        return
    (sent.copies if marked else sent.notes).append(path)
    sent.written.append((hashlib.sha256(data).hexdigest(), str(path), info.sha256))


def _to_send(result: RunResult):
    """Each file with its findings for the sender, in the report's order (errors first)."""
    by_file: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.file and f.code not in FOR_THE_OFFICE:
            by_file.setdefault(f.file, []).append(f)
    for info in result.files:
        found = by_file.get(info.path, [])
        if info.status not in (ACCEPTED, REJECTED):
            continue
        if all(f.code.name.startswith("F") and f.code not in OPENED for f in found):
            continue  # never opened as a workbook: listed in the report only
        if all(f.level == INFO for f in found):
            continue  # only notes (a year assumed, "同上" read as the reason above): nothing to fix or check
        yield info, found


def _job(info: InputFile, found: list[Finding], config: Config, originals: "_Originals", made: datetime) -> Job:
    data, missing = originals.read(info)
    kind = BY_KEY.get(info.kind)
    who = ""
    if kind and info.unit and (config.is_unit(info.unit) or config.is_department(info.unit)):
        group = config.group_for_unit(info.unit) if kind.grouped else None
        who = f"{info.unit}的{kind.name}" + (f"，{group.label}" if group else "")
    return Job(PurePosixPath(info.path).name, who, info.status == ACCEPTED, tuple(found), config.campaign,
               config.shown_round, config.receiver, config.deadline, made, data, missing, (info.sha256, info.path))


def _make(limits: Limits, job: Job) -> tuple[bytes | None, bool, str]:
    """(the workbook, whether it is the marked-up copy, a traceback when something unforeseen
    happened): the copy when the original can be marked up, else the 修改说明 alone."""
    reason, trace = job.missing, ""
    if job.data is not None:
        try:
            return marked_copy(job.data, correction_note(job), limits, job.original), True, ""
        except CannotMark as err:
            reason = err.reason
        except Exception:  # a case nobody foresaw: the 修改说明 still goes, and the log says why
            reason, trace = "本工具在原表上标注时出错", traceback.format_exc()
    try:
        return note_workbook(correction_note(job, reason)), False, trace
    except Exception:
        return None, False, trace + traceback.format_exc()


def correction_note(job: Job, not_marked: str | None = None) -> Note:
    """The 修改说明 of a return: for the marked-up copy, or (`not_marked` saying why there is none)
    to go with the original."""
    errors = sum(1 for f in job.findings if f.is_error)
    warnings = len(job.findings) - errors
    counts = "、".join(t for t in (errors and f"{errors} 处错误", warnings and f"{warnings} 处警告") if t)
    due = chinese_date(job.deadline)
    lines = [f"文件：{job.name}，{job.who or '未能识别是哪个单位的哪张表'}",
             f"检查活动：{job.campaign}（{job.round}）。本说明由汇总工具于 {job.made:%Y-%m-%d %H:%M} 生成。"]
    if job.accepted:
        lines.append(f"结论：已采用，请核实（如有误请更正后重新报送）。共 {counts}。")
    else:
        lines.append(f"结论：未采用，请修改后重新报送。共 {counts}，错误改正后才能采用。")
    if not_marked is None:
        lines.append("怎么改：下表逐条列出问题，错误在前。表中标浅红色的单元格有错误、浅橙色的有警告，"
                     "鼠标指向单元格可以看到批注（代码、问题和改法）；没有单元格的问题只列在下表。"
                     "请直接在这个文件中修改并保存为 .xlsx，不要改动其他工作表的名称和隐藏的识别信息；本工作表可以保留。")
    else:
        lines.append(f"怎么改：{not_marked}。请打开原表 {job.name}，按下表的工作表和单元格逐条修改，保存为 .xlsx。")
    if job.accepted:
        lines.append(f"报送：核实无误的不必重报；如有更正，请于 {due} 前把更正后的表格重新报送{job.receiver}。")
    else:
        lines.append(f"报送：请修改后于 {due} 前重新报送{job.receiver}。")
    return Note(SHEET_CORRECTIONS, lines, list(job.findings), job.receiver)


class _Originals:
    """The bytes of a file as `run` read them: from input/, or from the .zip in input/ it was in."""

    def __init__(self, input_dir: Path, files: list[InputFile], limits: Limits):
        self.input_dir, self.limits = input_dir, limits
        self.archives = sorted((f.path for f in files if f.status == UNPACKED), key=len, reverse=True)
        self._disk: dict[str, Path] | None = None
        self._zips: dict[str, dict[str, bytes] | None] = {}

    def read(self, info: InputFile) -> tuple[bytes | None, str]:
        """The bytes, or None and why not (moved, or changed since the run read it)."""
        try:
            data = self._read(info.path)
        except (UnreadableFile, FileChanged, OSError, ValueError, zipfile.BadZipFile, zlib.error, EOFError,
                NotImplementedError):  # as unzip reads them: any of these leaves this file alone unmarked
            data = None
        if data is None:
            return None, "原表在汇总之后被移走或无法再次读取，所以没有在原表上标注"
        if info.sha256 and hashlib.sha256(data).hexdigest() != info.sha256:
            return None, "原表在汇总之后被改动过，所以没有在原表上标注"
        return data, ""

    def _read(self, path: str) -> bytes | None:
        archive = next((a for a in self.archives if path.startswith(a + "/")), None)
        if archive is None:
            disk = self.disk().get(path)
            return read_disk(disk, self.limits) if disk else None
        if archive not in self._zips:
            self._zips[archive] = self._members(archive)
        return (self._zips[archive] or {}).get(path[len(archive) + 1:])

    def _members(self, archive: str) -> dict[str, bytes] | None:
        disk = self.disk().get(archive)
        if disk is None:
            return None
        with zipfile.ZipFile(io.BytesIO(read_disk(disk, self.limits))) as z:
            out = {}
            for m in z.infolist():
                if not m.is_dir() and m.file_size <= self.limits.max_file_bytes:
                    with z.open(m) as f:
                        out[member_name(m)] = f.read(self.limits.max_file_bytes + 1)
            return out

    def disk(self) -> dict[str, Path]:
        """Shown path (as in the report) → the path on disk, as inputs.discover names them."""
        if self._disk is None:
            self._disk = {}
            for dirpath, _, filenames in os.walk(self.input_dir, followlinks=False):
                for name in filenames:
                    path = Path(dirpath) / name
                    self._disk[display_path(path.relative_to(self.input_dir).as_posix())] = path
        return self._disk


def _folder_name(info: InputFile, config: Config) -> str:
    """The folder a return goes to: its inspection group's ("第01组_浉河区组"), for the forms a group
    fills in; else the unit's or department's that sends it; else 未能识别."""
    kind = BY_KEY.get(info.kind)
    known = info.unit and (config.is_unit(info.unit) or config.is_department(info.unit))
    if not kind or not known:
        return UNKNOWN_FOLDER
    group = config.group_for_unit(info.unit) if kind.grouped else None
    name = f"第{group.number:02d}组_{group.name}" if group else info.unit
    return UNSAFE_FILENAME.sub("_", name).strip(" .") or UNKNOWN_FOLDER


def _stem(name: str) -> str:
    """The original's name without its spreadsheet extension (a name without one stays whole), and
    without the suffix of an earlier run: a copy sent back again is not "…（退回修改）（退回修改）"."""
    path = PurePosixPath(name)
    stem = path.stem if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".et") else name
    while stem.endswith(SUFFIXES) and len(stem) > max(map(len, SUFFIXES)):
        stem = stem[:-len(next(s for s in SUFFIXES if stem.endswith(s)))]
    return UNSAFE_FILENAME.sub("_", stem).strip(" .") or "表格"


def _free_name(folder: Path, stem: str, suffix: str, taken: set[Path]) -> Path:
    """folder/{stem}{suffix}.xlsx, or {stem}（2）{suffix}.xlsx … when two returns of a folder share a name."""
    path, n = folder / f"{stem}{suffix}.xlsx", 1
    while path in taken:
        n += 1
        path = folder / f"{stem}（{n}）{suffix}.xlsx"
    taken.add(path)
    return path


def _clear(folder: Path, problems: list) -> None:
    """Remove what an earlier run wrote here (its copies, notes and temporary files, then the
    folders left empty); anything else a person put here stays."""
    if not folder.is_dir():
        return
    for sub in [folder, *(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())]:
        for path in sub.iterdir():
            ours = path.name.startswith(TEMP_PREFIX) or path.name.endswith(tuple(s + ".xlsx" for s in SUFFIXES))
            if ours and path.is_file():
                try:
                    path.unlink()
                except OSError:
                    problems.append((str(path), traceback.format_exc()))
        if sub != folder and not any(sub.iterdir()):
            try:
                sub.rmdir()
            except OSError:
                problems.append((str(sub), traceback.format_exc()))


def summary_line(folder: Path, problem: str = "") -> str:
    """What this round's 退回修改/ folder holds after a run, for the command's summary; `problem` is
    what could not be made."""
    files = [p for p in folder.rglob("*.xlsx") if p.name.endswith(tuple(s + ".xlsx" for s in SUFFIXES))] \
        if folder.is_dir() else []
    if problem:
        return f"标注了问题的表格：{len(files)} 份在 {folder}；{problem}。"
    if not files:
        return "没有需要退回修改或核实的表格。"
    count = {s: sum(1 for p in files if p.name.endswith(s + ".xlsx")) for s in SUFFIXES}
    parts = [f"{count[TO_FIX]} 份退回修改", f"{count[TO_CHECK]} 份请核实"]
    if count[NOTE_ONLY]:
        parts.append(f"{count[NOTE_ONLY]} 份不能在原表上标注的另附修改说明")
    return f"标注了问题的表格：{'、'.join(parts)}，在 {folder}（按检查组或报送单位分文件夹）。"
