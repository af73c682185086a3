"""Walk input/, identify every workbook by its `_meta`, and send each to the reader for its kind.

Every file under input/, and every file inside a .zip there, ends as exactly one InputFile:
accepted, rejected (with findings), ignored or not read (with why), or unpacked (a .zip). Input
files are only ever read, once, into memory.
"""

from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields
from functools import partial
import hashlib
from pathlib import Path, PurePosixPath

from inspection.config import Config, normalize_name
from inspection.constants import KIND_DISPATCH, KIND_FOLLOWUP, KIND_PROGRESS, KIND_SCORING, SHEET_SCORING
from inspection.entries import Entry, FileChanged, crashed, read_disk, read_problem, unreadable_finding
from inspection.errorlog import short_error
from inspection.findings import Code, Finding, finding
from inspection.inputs import discover
from inspection.dispatch_return import read_dispatch_return
from inspection.followup_return import read_followup_return
from inspection.forms import ProgressForm
from inspection.model import (
    ACCEPTED, IGNORED, REJECTED, Hazard, InputFile, ProgressReturn, ScoringReturn, StatusUpdate,
)
from inspection.pool import run_all, single_worker, submit
from inspection.progress import silent_progress
from inspection.progress_return import read_progress_return
from inspection.reading.active_content import active_content
from inspection.reading.book import Book, UnreadableFile, read_book
from inspection.reading.formulas import formulas_by_column
from inspection.reading.guard import Container, check_container
from inspection.reading.meta import read_meta
from inspection.reading.repack import reader_bytes
from inspection.rubric import Rubric
from inspection.scoring_return import read_scoring_return

KIND_NAMES = {KIND_SCORING: "打分表", KIND_DISPATCH: "交办清单", KIND_PROGRESS: "调度表", KIND_FOLLOWUP: "隐患整改跟踪表"}
REQUIRED_META = ("kind", "campaign", "round")
# Below this many files, starting worker processes costs more than reading the files one by one.
POOL_MIN_FILES = 64


@dataclass
class Ingested:
    """What reading input/ gave, before duplicates are resolved and scores ranked."""

    files: list[InputFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scoring: list[tuple[InputFile, ScoringReturn]] = field(default_factory=list)
    dispatch: list[tuple[InputFile, list[Hazard]]] = field(default_factory=list)
    progress: list[tuple[InputFile, ProgressReturn]] = field(default_factory=list)
    followup: list[tuple[InputFile, list[StatusUpdate]]] = field(default_factory=list)


# What one file's reading adds to the run's (every list of Ingested but `files`, which is kept in order).
_READ_LISTS = tuple(f.name for f in fields(Ingested) if f.name != "files")


@dataclass(frozen=True)
class Campaign:
    """What reading needs to know: the config, its rubric, the two progress forms and, for
    隐患整改跟踪表, the hazards the archive knows (id → unit)."""

    config: Config
    rubric: Rubric
    unit_form: ProgressForm
    department_form: ProgressForm
    known_hazards: dict[str, str] = field(default_factory=dict)


def ingest(input_dir: Path, campaign: Campaign, *, jobs: int = 1, progress=None,
           error_log: str = "错误记录.txt") -> Ingested:
    """Read every file under input_dir. With jobs > 1 the files are read in a pool of processes;
    the result is the same as reading them one by one, in the same order. `progress(total)` is a
    context manager giving update(n), called as files are done. A file whose reading fails in a way
    nobody foresaw is rejected alone (F013) and keeps its traceback (InputFile.error); the finding
    asks for the log `error_log`, which the caller writes."""
    entries = discover(input_dir, campaign.config.limits)
    to_read = [(n, e) for n, e in enumerate(entries) if e.source is not None]
    with (progress or silent_progress)(len(to_read)) as update:
        read = {}
        try:
            for (n, _), outcome in zip(to_read, run_all(_read_task, campaign, [e for _, e in to_read], jobs=jobs,
                                                          min_items=POOL_MIN_FILES, update=update)):
                read[n] = outcome
        except BrokenProcessPool:
            # A file killed its worker (the reader aborted the process). What was read stands;
            # the rest are read again in one process, one at a time, so only the culprit is lost.
            read.update(_read_rest([(n, e) for n, e in to_read if n not in read], campaign, update))
    out = Ingested()
    for n, entry in enumerate(entries):
        done, one = read[n] if n in read else (entry.info, Ingested(findings=entry.findings))
        if done.error:
            one = Ingested(findings=[finding(Code.F013, file=done.path, unit=done.unit,
                                             error=short_error(done.error), log=error_log)])
        out.files.append(done)
        for name in _READ_LISTS:
            getattr(out, name).extend(getattr(one, name))
    return out


def _read_rest(items: list[tuple[int, Entry]], campaign: Campaign, update) -> dict:
    """Read `items` in order in a single worker process, waiting for each before sending the next,
    so that when the process dies the file it died on is known: that one is rejected (F001) and a
    new process takes the rest."""
    read = {}
    pending = list(reversed(items))
    while pending:
        try:
            with single_worker(campaign) as alone:
                while pending:
                    n, entry = pending[-1]
                    read[n] = submit(alone, _read_task, entry).result()
                    pending.pop()
                    update(1)
        except BrokenProcessPool:
            n, entry = pending.pop()
            info = entry.info
            info.status, info.reason = REJECTED, Code.F001.title
            read[n] = info, Ingested(findings=[finding(
                Code.F001, file=info.path, detail="读取这个文件时读取程序异常退出，文件可能损坏或被恶意构造")])
            update(1)
    return read


def _read_task(campaign: Campaign, entry: Entry) -> tuple[InputFile, Ingested]:
    """One file read on its own: its InputFile (status filled in) and what it adds to the run.
    Whatever goes wrong inside is this file's alone: it is rejected with its traceback kept, and
    the run goes on with the others (in a worker process as in this one)."""
    info = entry.info
    one = Ingested()
    try:
        if isinstance(entry.source, Path):
            _read_one(entry.source, info, campaign, one)
        else:
            _read_bytes(entry.source, info, campaign, one)
    except BaseException as err:  # a Rust panic in the reader is a BaseException too
        if isinstance(err, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        crashed(info)
        one = Ingested()
    return info, one


def _read_one(path: Path, info: InputFile, campaign: Campaign, out: Ingested) -> None:
    try:
        data = read_disk(path, campaign.config.limits)
    except (UnreadableFile, FileChanged, OSError) as err:
        return _reject(info, out, read_problem(err, info.path))
    _read_bytes(data, info, campaign, out)


def _read_bytes(data: bytes, info: InputFile, campaign: Campaign, out: Ingested) -> None:
    """A workbook's bytes, from disk or from a .zip, through the guard and the reader."""
    reject = partial(_reject, info, out)
    info.size = len(data)
    info.sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        return reject(finding(Code.F004, file=info.path))
    try:
        container = check_container(data, campaign.config.limits)  # sizes, bombs, entities: before the reader
        book = read_book(Path(info.path), reader_bytes(data, container))
    except UnreadableFile as err:
        return reject(_unreadable(err, info.path))
    try:
        with book:
            _read_content(book, data, container, info, campaign, out)
    except UnreadableFile as err:  # a sheet the reader needed could not be read
        return reject(_unreadable(err, info.path))


def _reject(info: InputFile, out: Ingested, *problems: Finding) -> None:
    info.status = REJECTED
    errors = [p for p in problems if p.is_error]
    info.reason = errors[0].code.title if errors else "未通过校验"
    out.findings.extend(problems)


def _read_content(book: Book, data: bytes, container: Container, info: InputFile, campaign: Campaign,
                  out: Ingested) -> None:
    """Identify the open workbook by its _meta and read it as its kind."""
    config, rubric = campaign.config, campaign.rubric
    reject = partial(_reject, info, out)
    macros, links = active_content(data, container.names)
    if macros:
        out.findings.append(finding(Code.F010, file=info.path))
    if links:
        out.findings.append(finding(Code.F011, file=info.path))

    meta = read_meta(book)
    info.meta = dict(meta or {})
    problems = _identify(meta, info, config, rubric)
    if any(p.is_error for p in problems):
        return reject(*problems)
    out.findings.extend(problems)

    if info.kind == KIND_SCORING:
        ret, found = read_scoring_return(book, rubric, config, info.path, info.unit, int(meta["group"]),
                                         formulas_by_column(container, SHEET_SCORING))
        bucket = out.scoring
    elif info.kind == KIND_DISPATCH:
        ret, found = read_dispatch_return(book, config, info.path, info.unit, int(meta["group"]))
        bucket = out.dispatch
    elif info.kind == KIND_FOLLOWUP:
        ret, found = read_followup_return(book, config, info.path, info.unit, campaign.known_hazards)
        bucket = out.followup
    else:
        form = campaign.unit_form if config.is_unit(info.unit) else campaign.department_form
        ret, found = read_progress_return(book, form, config, info.path, info.unit)
        bucket = out.progress
    if ret is None and found and all(f.code == Code.S008 for f in found):  # the blank form, sent back
        info.status, info.reason = IGNORED, Code.S008.title
        out.findings.extend(found)
        return None
    if ret is None or any(f.is_error for f in found):
        return reject(*found)
    out.findings.extend(found)
    info.status = ACCEPTED
    bucket.append((info, ret))


def _unreadable(err: UnreadableFile, file: str) -> Finding:
    return unreadable_finding(err, file)


def _identify(meta: dict | None, info: InputFile, config: Config, rubric: Rubric) -> list[Finding]:
    """Check `_meta` against the campaign; fills info.kind and info.unit."""
    file = info.path
    if meta is None:
        return [finding(Code.M001, file=file)]
    for key in REQUIRED_META:
        if not meta.get(key):
            return [finding(Code.M002, file=file, key=key)]
    kind = meta["kind"]
    if kind not in KIND_NAMES:
        return [finding(Code.M003, file=file, value=kind[:40])]
    info.kind = kind
    unit = normalize_name(meta.get("reporter") or meta.get("county") or "")
    info.unit = unit
    if meta["campaign"] != config.campaign:
        return [finding(Code.M004, file=file, unit=unit, value=meta["campaign"][:60], expected=config.campaign)]
    if meta["round"] != config.round:
        return [finding(Code.M008, file=file, unit=unit, value=meta["round"][:20], expected=config.round)]
    if kind == KIND_PROGRESS:
        if not config.is_unit(unit) and not config.is_department(unit):
            return [finding(Code.M006, file=file, unit=unit, value=unit[:40])]
        return _named_in_file_name(info, config)
    if not config.is_unit(unit):
        return [finding(Code.M006, file=file, unit=unit, value=unit[:40])]
    group = config.group_for_unit(unit)
    if str(group.number) != meta.get("group", "").strip():
        return [finding(Code.M007, file=file, unit=unit, group=meta.get("group", "?")[:10], name=unit,
                        expected=f"第 {group.number} 组")]
    if kind == KIND_SCORING and (meta.get("rubric_id"), meta.get("rubric_version")) != (rubric.id, rubric.version):
        return [finding(Code.M005, file=file, unit=unit,
                        value=f"{meta.get('rubric_id', '')[:60]} 第 {meta.get('rubric_version', '')[:10]} 版",
                        expected=f"{rubric.id} 第 {rubric.version} 版")]
    return _named_in_file_name(info, config)


def _named_in_file_name(info: InputFile, config: Config) -> list[Finding]:
    """A file named after another unit, and not after the group that sent it, is held (M012): the
    name may be the only sign that one unit's template was filled in for another. Group names
    ("浉河区组", after the group's home county) are not unit names here."""
    group = config.group_for_unit(info.unit)
    named = config.reporter_names.find(PurePosixPath(info.path).stem,
                                       also_ignore=[group.name, group.name.removesuffix("组")] if group else ())
    if named and info.unit not in named:
        return [finding(Code.M012, file=info.path, unit=info.unit, page=named[0], meta=info.unit,
                        kind=KIND_NAMES[info.kind], about=named[0])]
    return []
