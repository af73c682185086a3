"""Walk input/: every file in it, subfolders included, and every file inside each .zip there, in a
stable order, each as an Entry that is either to be read or says already how it ends.

A file's name says what it is (filekinds.triage); a name that says nothing is looked at (its first
bytes); a .zip is unpacked (unzip.unpack). Names are shown decoded (filenames.display_path), while
the file is read at its real path.
"""

import os
from pathlib import Path
import stat

from inspection.intake.entries import Entry, crashed, decided, rejected
from inspection.intake.filekinds import DECIDED, LINK_NOT_FILE, LINK_OUTSIDE, SNIFF, UNZIP, ignored, looks_like_workbook, triage
from inspection.intake.filenames import display_path
from inspection.findings import Code, finding
from inspection.model import IGNORED, InputFile
from inspection.intake.limits import Limits
from inspection.intake.unzip import unpack


def discover(input_dir: Path, limits: Limits) -> list[Entry]:
    """Every file under input_dir, subfolders included, in a stable order (by the name shown), each
    .zip followed by the files in it; each Entry either to be read or saying already how it ends."""
    found: list[tuple[str, str, Path | OSError, InputFile]] = []  # name shown, path on disk, where, info
    unlisted: list[OSError] = []  # folders os.walk could not list: their files would vanish unseen
    for dirpath, dirnames, filenames in os.walk(input_dir, onerror=unlisted.append, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            path = Path(dirpath) / name
            try:
                size = path.lstat().st_size
            except OSError:
                size = 0
            info = InputFile(path=display_path(path.relative_to(input_dir).as_posix()), size=size)
            found.append((info.path, str(path), path, info))
    for err in unlisted:
        rel = Path(err.filename).relative_to(input_dir).as_posix() if err.filename else "."
        info = InputFile(path=display_path(rel) + "/", size=0)
        found.append((info.path, "", err, info))
    found.sort(key=lambda item: item[:2])
    root = input_dir.resolve()
    entries = []
    for _, _, where, info in found:
        if isinstance(where, OSError):
            entries.append(rejected(info, finding(Code.F017, file=info.path, detail=_folder_problem(where))))
            continue
        try:
            entries.extend(_entries(where, info, root, limits))
        except Exception:  # unpacking a .zip met a case nobody foresaw: this file alone is skipped
            crashed(info)
            entries.append(Entry(info))
    return entries


def _folder_problem(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "没有访问权限"
    if isinstance(err, FileNotFoundError):
        return "运行中被移走或删除"
    return err.strerror or "无法列出其中的文件"


def _entries(path: Path, info: InputFile, root: Path, limits: Limits) -> list[Entry]:
    """What becomes of one file on disk: read, unpacked, or listed with why not."""
    how = triage(info.path)
    if how.action == DECIDED and how.then.status == IGNORED:  # lock files, hidden files: never looked at
        return [decided(info, how.then)]
    reason = _ignore_reason(path, root)
    if reason:
        return [decided(info, ignored(reason))]
    if how.action == DECIDED:
        return [decided(info, how.then)]
    if how.action == UNZIP:
        return unpack(path, info, limits)
    if how.action == SNIFF and not _workbook_like(path):
        return [decided(info, how.then)]
    return [Entry(info, path)]


def _ignore_reason(path: Path, root: Path) -> str:
    """A link is followed only to a file inside input/."""
    if not path.is_symlink():
        return ""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return LINK_NOT_FILE
    if not target.is_relative_to(root):
        return LINK_OUTSIDE
    if not target.is_file():
        return LINK_NOT_FILE
    return ""


def _workbook_like(path: Path) -> bool:
    """Whether a file of no known kind starts as a workbook does; a file that cannot be looked at
    is read, and the reading says why it failed."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return True
        with path.open("rb") as f:
            return looks_like_workbook(f.read(8))
    except OSError:
        return True
