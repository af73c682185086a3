"""Walk input/, identify every workbook by its `_meta`, and send each to the reader for its kind.

Every file under input/ ends as exactly one InputFile: accepted, rejected (with findings) or
ignored (with why). Input files are only ever read, once, into memory.
"""

from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields
from functools import partial
import hashlib
import os
from pathlib import Path, PurePosixPath
import stat

from inspection.config import Config, normalize_name
from inspection.constants import KIND_DISPATCH, KIND_FOLLOWUP, KIND_PROGRESS, KIND_SCORING, SHEET_SCORING
from inspection.findings import Code, Finding, finding
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
from inspection.reading.book import SPREADSHEET_SUFFIXES, Book, UnreadableFile, read_book
from inspection.reading.coverage import named_units
from inspection.reading.formulas import formulas_by_column
from inspection.reading.guard import Container, check_container, check_file_size
from inspection.reading.limits import FileTooLarge, SuspectedBomb, TooManyCells, XmlDeclaration
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


def discover(input_dir: Path) -> list[tuple[Path, InputFile]]:
    """Every file under input_dir in a stable order (by relative path), subfolders included."""
    found = []
    root = input_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(input_dir, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(input_dir).as_posix()
            try:
                size = path.lstat().st_size
            except OSError:
                size = 0
            found.append((path, InputFile(path=rel, size=size)))
    found.sort(key=lambda pf: pf[1].path)
    for path, info in found:
        info.reason = _ignore_reason(path, info.path, root)
        if info.reason:
            info.status = IGNORED
    return found


def _ignore_reason(path: Path, rel: str, root: Path) -> str:
    name = path.name
    if name.startswith("~$"):
        return "Office 临时锁定文件（有人正打开这个表格）"
    if any(part.startswith(".") for part in rel.split("/")):
        return "隐藏文件或隐藏文件夹中的文件"
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return "指向输入文件夹以外的链接，不读取"
        if not target.is_file():
            return "链接指向的不是文件"
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return f"不是表格文件（{path.suffix or '无扩展名'}）"
    return ""


def ingest(input_dir: Path, campaign: Campaign, *, jobs: int = 1, progress=None) -> Ingested:
    """Read every file under input_dir. With jobs > 1 the files are read in a pool of processes;
    the result is the same as reading them one by one, in the same order. `progress(total)` is a
    context manager giving update(n), called as files are done."""
    found = discover(input_dir)
    to_read = [(path, info) for path, info in found if info.status != IGNORED]
    with (progress or silent_progress)(len(to_read)) as update:
        read = {}
        try:
            for (_, info), outcome in zip(to_read, run_all(_read_task, campaign, to_read, jobs=jobs,
                                                             min_items=POOL_MIN_FILES, update=update)):
                read[info.path] = outcome
        except BrokenProcessPool:
            # A file killed its worker (the reader aborted the process). What was read stands;
            # the rest are read again in one process, one at a time, so only the culprit is lost.
            read.update(_read_rest([(p, i) for p, i in to_read if i.path not in read], campaign, update))
    out = Ingested()
    for path, info in found:
        if info.path not in read:  # ignored before reading (a lock file, not a spreadsheet …)
            out.files.append(info)
            out.findings.append(finding(Code.F003, file=info.path, detail=info.reason))
            continue
        done, one = read[info.path]
        out.files.append(done)
        for name in _READ_LISTS:
            getattr(out, name).extend(getattr(one, name))
    return out


def _read_rest(items: list[tuple[Path, InputFile]], campaign: Campaign, update) -> dict:
    """Read `items` in order in a single worker process, waiting for each before sending the next,
    so that when the process dies the file it died on is known: that one is rejected (F001) and a
    new process takes the rest."""
    read = {}
    pending = list(reversed(items))
    while pending:
        try:
            with single_worker(campaign) as alone:
                while pending:
                    read[pending[-1][1].path] = submit(alone, _read_task, pending[-1]).result()
                    pending.pop()
                    update(1)
        except BrokenProcessPool:
            _, info = pending.pop()
            info.status, info.reason = REJECTED, Code.F001.title
            read[info.path] = info, Ingested(findings=[finding(
                Code.F001, file=info.path, detail="读取这个文件时读取程序异常退出，文件可能损坏或被恶意构造")])
            update(1)
    return read


def _read_task(campaign: Campaign, item: tuple[Path, InputFile]) -> tuple[InputFile, Ingested]:
    """One file read on its own: its InputFile (status filled in) and what it adds to the run."""
    path, info = item
    one = Ingested()
    _read_one(path, info, campaign, one)
    return info, one


def _read_one(path: Path, info: InputFile, campaign: Campaign, out: Ingested) -> None:
    limits = campaign.config.limits
    reject = partial(_reject, info, out)
    try:
        before = path.stat()
        if not stat.S_ISREG(before.st_mode):  # a pipe or device would block or never end
            return reject(finding(Code.F001, file=info.path, detail="不是普通文件"))
        check_file_size(before.st_size, limits)  # before a byte is read into memory
        with path.open("rb") as f:
            data = f.read(limits.max_file_bytes + 1)  # a file growing meanwhile is caught below (F012)
        after = path.stat()
    except UnreadableFile as err:
        return reject(_unreadable(err, info.path))
    except OSError as err:
        return reject(finding(Code.F001, file=info.path, detail=err.strerror or "无法读取"))
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        return reject(finding(Code.F012, file=info.path))
    info.size = len(data)
    info.sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        return reject(finding(Code.F004, file=info.path))
    try:
        container = check_container(data, limits)  # sizes, bombs, entity declarations: before the reader
        book = read_book(path, reader_bytes(data, container))
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


_LIMIT_CODES = {FileTooLarge: Code.F005, SuspectedBomb: Code.F006, XmlDeclaration: Code.F007, TooManyCells: Code.F008}


def _unreadable(err: UnreadableFile, file: str) -> Finding:
    code = _LIMIT_CODES.get(type(err))
    if code is not None:
        return finding(code, file=file, **err.values)
    return finding(Code.F002 if err.password else Code.F001, file=file, detail=err.detail)


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
    ignore = [g.name for g in config.groups] + ([group.name.removesuffix("组")] if group else [])
    names = (*config.units, *config.departments)
    named = named_units(PurePosixPath(info.path).stem, names, ignore)
    if named and info.unit not in named:
        return [finding(Code.M012, file=info.path, unit=info.unit, page=named[0], meta=info.unit,
                        kind=KIND_NAMES[info.kind], about=named[0])]
    return []
