"""A .zip in input/: checked against bombs like a workbook, then every file in it listed and read.

Groups send their returns packed in a .zip as often as not. The archive passes the guard first
(guard.check_archive: size, member count, real inflated size and ratios, the same [limits] as a
workbook); then each file in it is an Entry of its own, named like `打分表.zip/第一组/打分表_01_淮滨县.xlsx`,
and a workbook goes through exactly the reading a file on disk does (size limit, hash, guard,
reader, _meta). Archives inside the archive are listed, not opened: one level only.
"""

import hashlib
import io
from pathlib import Path
import stat
import zipfile
import zlib

from inspection.intake.filekinds import DECIDED, SNIFF, ignored, looks_like_workbook, not_unzipped, spaced, triage
from inspection.intake.filenames import member_name
from inspection.findings import Code, finding
from inspection.intake.entries import (
    Entry, FileChanged, decided, is_over_limit, read_disk, read_problem, rejected, unreadable_finding,
)
from inspection.model import UNPACKED, InputFile
from inspection.intake.book import UnreadableFile
from inspection.intake.guard import check_archive, check_file_size
from inspection.intake.limits import Limits

RESEND = "请让报送单位重新压缩后再发送，或直接发送其中的表格文件。"
_ENCRYPTED = 0x1
# What a file named .zip may really be (the first bytes of the other formats).
_OTHER_FORMATS = ((b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"))
# A workbook saved or renamed with ".zip": its parts are not files anyone sent.
_WORKBOOK_MARKS = ("[Content_Types].xml", "mimetype")


def unpack(path: Path, info: InputFile, limits: Limits) -> list[Entry]:
    """The archive's Entry (已解压, with how many files it held, or why it was not unpacked) and,
    after it, one Entry per file in it, in order of name."""
    try:
        data = read_disk(path, limits)
    except (UnreadableFile, FileChanged, OSError) as err:
        return [rejected(info, read_problem(err, info.path))]
    info.size, info.sha256 = len(data), hashlib.sha256(data).hexdigest()
    return unpack_bytes(data, info, limits)


def unpack_bytes(data: bytes, info: InputFile, limits: Limits) -> list[Entry]:
    if not data:
        return [rejected(info, finding(Code.F004, file=info.path))]
    try:
        names = check_archive(data, limits)
    except UnreadableFile as err:
        if is_over_limit(err):  # a bomb is refused as it would be in a workbook (F005, F006)
            return [rejected(info, unreadable_finding(err, info.path))]
        return [decided(info, not_unzipped(f"压缩包无法解压：{err.detail}", RESEND, "压缩包无法解压"))]
    if names is None:
        other = next((what for magic, what in _OTHER_FORMATS if data.startswith(magic)), None)
        if other:
            return [decided(info, not_unzipped(f"这其实是{spaced(other)}（扩展名是 .zip），本工具只能解压 .zip 压缩包",
                                               reason=f"{other}，没有解压"))]
        return [decided(info, not_unzipped("压缩包已损坏或不是 zip 格式", RESEND, "压缩包无法解压"))]
    if any(name in _WORKBOOK_MARKS for name in names):
        return [Entry(info, data)]  # read as the workbook it is
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as err:
        return [decided(info, not_unzipped(f"压缩包已损坏（{_why(err)}）", RESEND, "压缩包无法解压"))]
    if not members:
        return [decided(info, not_unzipped("压缩包里没有文件", RESEND, "压缩包里没有文件"))]
    with archive:
        entries = sorted((_member(archive, m, info.path, limits) for m in members), key=lambda e: e.info.path)
    info.status = UNPACKED
    info.reason = f"压缩包，已解压：内含 {len(entries)} 个文件，逐个列在下面（以“{info.path}/”开头）"
    return [Entry(info), *entries]


def _member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, folder: str, limits: Limits) -> Entry:
    name = member_name(member)
    info = InputFile(path=f"{folder}/{name}", size=member.file_size)
    how = triage(name, in_archive=True)
    if how.action == DECIDED:
        return decided(info, how.then)
    if stat.S_ISLNK(member.external_attr >> 16):
        return decided(info, ignored("压缩包中的链接，不跟随"))
    if member.flag_bits & _ENCRYPTED:
        return decided(info, not_unzipped("这个文件在压缩包中设有密码，无法解压", reason="压缩包设有密码"))
    try:
        check_file_size(member.file_size, limits)  # as declared; the real size is bounded below
        with archive.open(member) as f:
            body = f.read(limits.max_file_bytes + 1)
        check_file_size(len(body), limits)
    except UnreadableFile as err:
        return rejected(info, unreadable_finding(err, info.path))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError) as err:
        return decided(info, not_unzipped(f"压缩包中的这个文件无法解压（{_why(err)}）", RESEND, "无法解压"))
    info.size = len(body)
    if how.action == SNIFF and not looks_like_workbook(body[:8]):
        return decided(info, how.then)
    return Entry(info, body)


def _why(err: Exception) -> str:
    """The library's words, for support: "Bad CRC-32 for file …"."""
    return (str(err).strip().splitlines() or [type(err).__name__])[0][:120]
