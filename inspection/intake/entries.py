"""One thing to list in the report: a file under input/ or inside a .zip there, and how it is read.

inputs.discover walks input/ into Entries, unzip.unpack adds the files of each .zip, and ingest
reads every Entry that has a `source`; an Entry without one already says how it ends.
"""

from dataclasses import dataclass, field
from pathlib import Path
import stat
import traceback

from inspection.intake.filekinds import Outcome
from inspection.findings import Code, Finding, finding
from inspection.model import REJECTED, InputFile
from inspection.intake.book import UnreadableFile
from inspection.intake.guard import check_file_size
from inspection.intake.limits import FileTooLarge, Limits, SuspectedBomb, TooManyCells, XmlDeclaration


@dataclass
class Entry:
    info: InputFile
    source: Path | bytes | None = None  # a file on disk, or the bytes of a file taken out of a .zip
    findings: list[Finding] = field(default_factory=list)  # when there is no source: why it is not read


def decided(info: InputFile, outcome: Outcome) -> Entry:
    """A file that is not read, ending as `outcome` says."""
    info.status, info.reason = outcome.status, outcome.reason
    return Entry(info, None, [finding(outcome.code, file=info.path, **outcome.values)])


def rejected(info: InputFile, problem: Finding) -> Entry:
    info.status, info.reason = REJECTED, problem.code.title
    return Entry(info, None, [problem])


def crashed(info: InputFile) -> None:
    """Called in an `except` block: what went wrong nobody foresaw, so the file is rejected alone and
    its traceback kept for the error log (F013, made by ingest, which knows the log's name)."""
    info.status, info.reason, info.error = REJECTED, Code.F013.title, traceback.format_exc()


class FileChanged(Exception):
    """The file's size or modification time changed while it was read (being saved, or synced)."""


def read_disk(path: Path, limits: Limits) -> bytes:
    """The bytes of the file at `path`, read once, checked for size before a byte is read.
    Raises UnreadableFile (not a regular file, over the size limit), FileChanged or OSError."""
    before = path.stat()
    if not stat.S_ISREG(before.st_mode):  # a pipe or device would block or never end
        raise UnreadableFile("不是普通文件")
    check_file_size(before.st_size, limits)
    with path.open("rb") as f:
        data = f.read(limits.max_file_bytes + 1)  # a file growing meanwhile is caught below
    after = path.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise FileChanged
    return data


def read_problem(err: Exception, file: str) -> Finding:
    """The finding for what read_disk or the guard raised."""
    if isinstance(err, FileChanged):
        return finding(Code.F012, file=file)
    if isinstance(err, UnreadableFile):
        return unreadable_finding(err, file)
    return finding(Code.F001, file=file, detail=getattr(err, "strerror", None) or "无法读取")


_LIMIT_CODES = {FileTooLarge: Code.F005, SuspectedBomb: Code.F006, XmlDeclaration: Code.F007, TooManyCells: Code.F008}


def unreadable_finding(err: UnreadableFile, file: str) -> Finding:
    code = _LIMIT_CODES.get(type(err))
    if code is not None:
        return finding(code, file=file, **err.values)
    return finding(Code.F002 if err.password else Code.F001, file=file, detail=err.detail)


def is_over_limit(err: UnreadableFile) -> bool:
    return type(err) in _LIMIT_CODES
