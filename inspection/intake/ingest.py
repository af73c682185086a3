"""Walk input/, identify every workbook by its `_meta`, and read each with its kind's reader.

Every file under input/, and every file inside a .zip there, gives exactly one InputFile in order;
each workbook read also gives a Read: what its reader made of it. Whether it is then accepted,
rejected or ignored is decided in one place, decide.settle. Input files are only ever read, once,
into memory.
"""

from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
import hashlib
from pathlib import Path, PurePosixPath
import traceback

from inspection.spec.campaign import Campaign
from inspection.spec.config import Config, normalize_name, parse_round
from inspection.intake.entries import Entry, FileChanged, read_disk, read_problem, unreadable_finding
from inspection.errorlog import short_error
from inspection.findings import Code, Finding, finding
from inspection.intake.discover import discover
from inspection.kinds import BY_KEY, KINDS, Kind, Source
from inspection.model import InputFile
from inspection.pool import run_all, single_worker, submit
from inspection.progressbar import silent_progress
from inspection.intake.active_content import active_content
from inspection.intake.book import Book, UnreadableFile, read_book
from inspection.intake.formulas import formulas_by_column
from inspection.intake.guard import Container, check_container
from inspection.intake.meta import read_meta
from inspection.constants import SHEET_CORRECTIONS, SHEET_META
from inspection.intake.repack import reader_bytes
from inspection.values import cell_text

REQUIRED_META = ("kind", "campaign", "round")
# Below this many files, starting worker processes costs more than reading the files one by one.
POOL_MIN_FILES = 64


@dataclass
class Read:
    """What reading one workbook gave: its reader's payload (None when it cannot be used) and every
    finding about the file; `blank` when it is a form nobody filled in; `crash` the traceback when
    reading failed in a way nobody foresaw."""

    payload: object | None = None
    findings: list[Finding] = field(default_factory=list)
    blank: bool = False
    crash: str = ""
    ours: str = ""  # why the workbook is the tool's own output (a report, a 修改说明), not a return


@dataclass
class Ingested:
    """What reading input/ gave: every file in order, with what its reading said."""

    files: list[InputFile] = field(default_factory=list)
    reads: dict[int, Read] = field(default_factory=dict)  # index in files → what reading it gave
    findings: list[Finding] = field(default_factory=list)  # about files not read (ignored, not a workbook …)


def ingest(input_dir: Path, campaign: Campaign, *, jobs: int = 1, progress=None,
           error_log: str = "错误记录.txt") -> Ingested:
    """Read every file under input_dir. With jobs > 1 the files are read in a pool of processes;
    the result is the same as reading them one by one, in the same order. `progress(total)` is a
    context manager giving update(n), called as files are done. A file whose reading fails in a way
    nobody foresaw gives F013 and keeps its traceback (InputFile.error); the finding asks for the
    log `error_log`, which the caller writes."""
    entries = discover(input_dir, campaign.config.limits)
    to_read = [(n, e) for n, e in enumerate(entries) if e.source is not None]
    with (progress or silent_progress)(len(to_read)) as update:
        reads: dict[int, Read] = {}
        try:
            for (n, _), outcome in zip(to_read, run_all(_read_task, campaign, [e for _, e in to_read], jobs=jobs,
                                                          min_items=POOL_MIN_FILES, update=update)):
                reads[n] = outcome
        except BrokenProcessPool:
            # A file killed its worker (the reader aborted the process). What was read stands;
            # the rest are read again in one process, one at a time, so only the culprit is lost.
            reads.update(_read_rest([(n, e) for n, e in to_read if n not in reads], campaign, update))
    out = Ingested()
    for n, entry in enumerate(entries):
        info, read = reads.get(n, (entry.info, None))
        if read is not None and read.crash:
            info.error = read.crash
        crashed = info.error and [finding(Code.F013, file=info.path, unit=info.unit, error=short_error(info.error),
                                          log=error_log)]
        if read is None:  # decided when found (ignored, not read, unpacked …), or crashed while unpacking
            out.findings += crashed or entry.findings
        else:
            out.reads[n] = Read(findings=crashed) if crashed else read  # the crash is on info.error now
        out.files.append(info)
    return out


def _read_rest(items: list[tuple[int, Entry]], campaign: Campaign, update) -> dict:
    """Read `items` in order in a single worker process, waiting for each before sending the next,
    so that when the process dies the file it died on is known: that one is rejected (F001) and a
    new process takes the rest."""
    reads = {}
    pending = list(reversed(items))
    while pending:
        try:
            with single_worker(campaign) as alone:
                while pending:
                    n, entry = pending[-1]
                    reads[n] = submit(alone, _read_task, entry).result()
                    pending.pop()
                    update(1)
        except BrokenProcessPool:
            n, entry = pending.pop()
            reads[n] = entry.info, Read(findings=[finding(
                Code.F001, file=entry.info.path, detail="读取这个文件时读取程序异常退出，文件可能损坏或被恶意构造")])
            update(1)
    return reads


def _read_task(campaign: Campaign, entry: Entry) -> tuple[InputFile, Read]:
    """One file read on its own: its InputFile (kind, unit, size, hash filled in) and its Read.
    Whatever goes wrong inside is this file's alone: its traceback is kept (F013) and the run goes on
    with the others (in a worker process as in this one)."""
    info = entry.info
    try:
        if isinstance(entry.source, Path):
            try:
                data = read_disk(entry.source, campaign.config.limits)
            except (UnreadableFile, FileChanged, OSError) as err:
                return info, Read(findings=[read_problem(err, info.path)])
        else:
            data = entry.source
        return info, _read_bytes(data, info, campaign)
    except BaseException as err:  # a Rust panic in the reader is a BaseException too
        if isinstance(err, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return info, Read(crash=traceback.format_exc())


def _read_bytes(data: bytes, info: InputFile, campaign: Campaign) -> Read:
    """A workbook's bytes, from disk or from a .zip, through the guard and the reader."""
    info.size = len(data)
    info.sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        return Read(findings=[finding(Code.F004, file=info.path)])
    try:
        container = check_container(data, campaign.config.limits)  # sizes, bombs, entities: before the reader
        book = read_book(Path(info.path), reader_bytes(data, container))
    except UnreadableFile as err:
        return Read(findings=[unreadable_finding(err, info.path)])
    try:
        with book:
            return _read_content(book, data, container, info, campaign)
    except UnreadableFile as err:  # a sheet the reader needed could not be read
        return Read(findings=[unreadable_finding(err, info.path)])


def _read_content(book: Book, data: bytes, container: Container, info: InputFile, campaign: Campaign) -> Read:
    """Identify the open workbook by its _meta and read it as its kind."""
    findings = []
    macros, links = active_content(data, container.names)
    if macros:
        findings.append(finding(Code.F010, file=info.path))
    if links:
        findings.append(finding(Code.F011, file=info.path))
    ours = _written_by_us(book)
    if ours:  # a report or a 修改说明 the tool wrote, dropped into input/
        return Read(findings=[finding(Code.F003, file=info.path, detail=ours)], ours=ours)
    meta = read_meta(book)
    if meta is None:  # the hidden sheet lost (the form copied into a new workbook): what the form shows
        meta, note = _meta_from_content(book, info, campaign)
        findings += note
    info.meta = dict(meta or {})
    findings += _identify(meta, info, campaign)
    if any(f.is_error for f in findings):
        return Read(findings=findings)
    kind = BY_KEY[info.kind]
    group = campaign.config.group_for_unit(info.unit)  # _meta's is the same (_identify checked)
    source = Source(info.path, info.unit, group.number if group and kind.grouped else None,
                    formulas_by_column(container, kind.sheet))
    payload, found = kind.read(book, campaign, source)
    if payload is None and found and all(f.code == Code.S008 for f in found):  # the blank form, sent back
        return Read(findings=findings + found, blank=True)
    return Read(payload, findings + found)


TITLE_ROWS = 6  # the rows above a form's table that name its unit (title, subtitle, labels)
# Sheets only the tool's own workbooks have together: the 排名汇总 report, a 修改说明 sent on its own.
REPORT_SHEETS = {"排名", "校验报告", "说明"}


def _written_by_us(book: Book) -> str:
    """Why a workbook is the tool's own output and no return ("" when it is not)."""
    names = set(book.sheet_names)
    if REPORT_SHEETS <= names and SHEET_META not in names:
        return "本工具生成的排名汇总表，不是报回的表格"
    if names == {SHEET_CORRECTIONS}:
        return "本工具生成的修改说明，不是报回的表格"
    return ""


def _meta_from_content(book: Book, info: InputFile, campaign: Campaign) -> tuple[dict | None, list[Finding]]:
    """A return whose `_meta` is gone, identified by what a person sees on it: its kind by its sheet
    (打分表, 交办清单 …), its unit by the one unit its title rows name (else its file name), this
    round of this campaign. M014 says what was assumed; (None, []) when the form does not tell."""
    config = campaign.config
    kinds = [k for k in KINDS if k.sheet in book.sheet_names]
    if len(kinds) != 1:
        return None, []
    kind = kinds[0]
    sheet = book.sheet(kind.sheet)
    title = " ".join(cell_text(v) for row in sheet.rows[:TITLE_ROWS] for v in row if v != "")
    names = sorted(set(config.reporter_names.find(title)))
    if len(names) != 1:
        names = sorted(set(config.reporter_names.find(PurePosixPath(info.path).stem)))
    if len(names) != 1:
        return None, []
    unit = names[0]
    group = config.group_for_unit(unit)
    meta = {"kind": kind.key, "campaign": config.campaign, "round": config.round, "county": unit,
            "group": str(group.number) if group and kind.grouped else "",
            "rubric_id": campaign.rubric.id, "rubric_version": campaign.rubric.version}
    return meta, [finding(Code.M014, file=info.path, unit=unit, sheet=kind.sheet, name=unit, form=kind.sheet,
                          kind=kind.name, round=config.shown_round)]


def _identify(meta: dict | None, info: InputFile, campaign: Campaign) -> list[Finding]:
    """Check `_meta` against the campaign; fills info.kind and info.unit."""
    config, rubric, file = campaign.config, campaign.rubric, info.path
    if meta is None:
        return [finding(Code.M001, file=file)]
    for key in REQUIRED_META:
        if not meta.get(key):
            return [finding(Code.M002, file=file, key=key)]
    kind = BY_KEY.get(meta["kind"])
    if kind is None:
        return [finding(Code.M003, file=file, value=meta["kind"][:40])]
    info.kind = kind.key
    unit = normalize_name(meta.get("reporter") or meta.get("county") or "")
    info.unit = unit
    if meta["campaign"] != config.campaign:
        return [finding(Code.M004, file=file, unit=unit, value=meta["campaign"][:60], expected=config.campaign)]
    if meta["round"] != config.round:
        if parse_round(meta["round"]) == meta["round"] and meta["round"] < config.round:  # last month's, kept
            return [finding(Code.M016, file=file, unit=unit, value=meta["round"], expected=config.round)]
        fix = ("请在汇总那一轮时再放进输入文件夹；如填的是本轮的情况，请用本轮下发的模板重新填写。"
               if parse_round(meta["round"]) == meta["round"] else "请用本轮下发的模板。")
        return [finding(Code.M008, file=file, unit=unit, value=meta["round"][:20], expected=config.round, fix=fix)]
    if not kind.used(config) or (kind.by_departments and campaign.form_for(unit) is None
                                 and (config.is_unit(unit) or config.is_department(unit))):
        return [finding(Code.M013, file=file, unit=unit, kind=kind.name, campaign=config.campaign)]
    if not config.is_unit(unit) and not (kind.by_departments and config.is_department(unit)):
        return [finding(Code.M006, file=file, unit=unit, value=unit[:40])]
    group = config.group_for_unit(unit)
    expected = str(group.number) if group else ""
    if kind.grouped and expected != meta.get("group", "").strip():
        return [finding(Code.M007, file=file, unit=unit, group=meta.get("group", "") [:10] or "（无）", name=unit,
                        expected=f"第 {group.number} 组" if group else "不分组的考评")]
    if kind.rubric and meta.get("rubric_id") != rubric.id:
        return [finding(Code.M005, file=file, unit=unit,
                        value=f"{meta.get('rubric_id', '')[:60]} 第 {meta.get('rubric_version', '')[:10]} 版",
                        expected=f"{rubric.id} 第 {rubric.version} 版")]
    revised = []
    if kind.rubric and meta.get("rubric_version") != rubric.version:  # the office revised it after sending
        revised = [finding(Code.M015, file=file, unit=unit, value=meta.get("rubric_version", "")[:10] or "（无）",
                           expected=rubric.version)]
    return revised + _named_in_file_name(info, config, kind)


def _named_in_file_name(info: InputFile, config: Config, kind: Kind) -> list[Finding]:
    """A file named after another unit, and not after the group that sent it, is held (M012): the
    name may be the only sign that one unit's template was filled in for another. Group names
    ("浉河区组", after the group's home county) are not unit names here."""
    group = config.group_for_unit(info.unit)
    named = config.reporter_names.find(PurePosixPath(info.path).stem,
                                       also_ignore=[group.name, group.name.removesuffix("组")] if group else ())
    if named and info.unit not in named:
        return [finding(Code.M012, file=info.path, unit=info.unit, page=named[0], meta=info.unit,
                        kind=kind.name, about=named[0])]
    return []
