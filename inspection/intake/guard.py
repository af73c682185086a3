"""Resource bounds checked before a returned file reaches the spreadsheet reader.

python-calamine is fast and safe in Python's terms, but it trusts the file: it reserves memory for
whatever sizes and counts the file declares, and a failed reservation ends the whole process, not
just the one file. So every file passes here first, at a cost of about a millisecond for a real
return (mostly inflating it, which the reader does again):

- size on disk (the caller also checks it before reading the bytes: `check_file_size`);
- a zip (.xlsx/.xlsm/.ods): the central directory is walked by hand (no per-part objects, so a
  directory of a million entries costs nothing before the count limit stops it); then every part
  is inflated for real, in 1 MB pieces, never trusting the sizes the directory declares, and
  stopped as soon as the running total, a part's compression ratio or the whole file's ratio
  passes its limit. A 2 GB bomb is refused after inflating about 1 MB. The inflated pieces go
  through scan.PartScan (entity declarations, sheet data areas, declared string counts).
  A zip holding a binary workbook (.xlsb renamed) is refused: the reader would parse it, and
  nothing here checks that format.
- an OLE file (.xls): cfb.check_cfb walks the container's sector chains and the workbook's records;
  the Workbook stream it gathered is kept, for formulas.py to find the formula cells in.
- a .zip of returns (check_archive): the same limits on the zip, then each workbook in it on its own.
"""

from dataclasses import dataclass, field
import struct
import zlib

from inspection.intake.book import CFB_MAGIC, UnreadableFile, has_open_password
from inspection.intake.cfb import check_cfb
from inspection.intake.formulas import sheet_parts
from inspection.intake.limits import MB, FileTooLarge, Limits, SuspectedBomb, TooManyCells, size_text
from inspection.intake.scan import PartScan

KEEP_BYTES = 16 * MB  # parts up to this size are handed on inflated (a real sheet is < 1 MB)
RATIO_FLOOR = 1 * MB  # ratios are judged only past this many inflated bytes: small parts may be dense
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1 * MB
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_STORED, _DEFLATED = 0, 8


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise FileTooLarge(size, limits.max_file_bytes)


@dataclass(frozen=True)
class Container:
    """What the check saw of a zip: every part's name, and the parts inflated (those ≤ KEEP_BYTES).
    `crcs` holds each part's declared CRC-32 when every part was kept whole (inflated to exactly
    the size the directory declares): then `parts` is the whole zip, and repack.stored_zip can hand
    it to the reader without a second inflation. Of an OLE file (.xls): the names of its entries
    and its Workbook stream (`workbook`, b"" for every other format)."""

    names: tuple[str, ...] = ()
    parts: dict[str, bytes] = field(default_factory=dict)
    crcs: dict[str, int] | None = None
    workbook: bytes = b""


def check_container(data: bytes, limits: Limits) -> Container:
    """Raise an UnreadableFile (see limits.py for the kinds) when `data` is over a limit or built to
    make the reader run out of memory or time. Otherwise return what was seen of a zip (empty for
    other formats), so later checks need not inflate the parts again."""
    check_file_size(len(data), limits)
    if data[:8] == CFB_MAGIC:
        if has_open_password(data):  # that one is reported as such and never parsed
            return Container()
        names, workbook = check_cfb(data, limits)
        return Container(names, workbook=workbook)
    members = _central_directory(data, limits)
    if members is None:
        return Container()
    if any(name.lower().endswith("workbook.bin") for name, *_ in members):
        raise UnreadableFile("文件实际是 Excel 二进制工作簿（.xlsb），本工具不读取")
    kept = _inflate_all(data, members, limits)
    whole = (len(kept) == len(members) and all(name.isascii() for name in kept)
             and all(len(kept[name]) == inflated for name, _, _, inflated, _, _ in members))
    return Container(tuple(m[0] for m in members), kept,
                     {name: crc for name, *_, crc in members} if whole else None)


def check_archive(data: bytes, limits: Limits) -> tuple[str, ...] | None:
    """check_container for a .zip of files (returns sent together), not a workbook: the same limits
    on size, member count, inflated total and ratios, every member inflated for real; but nothing is
    scanned or kept as a workbook's part would be, since each workbook in the archive passes
    check_container on its own when it is read. Returns the member names, None when not a zip."""
    check_file_size(len(data), limits)
    members = _central_directory(data, limits)
    if members is None:
        return None
    _inflate_all(data, members, limits, workbook=False)
    return tuple(m[0] for m in members)


def _central_directory(data: bytes, limits: Limits) -> list[tuple] | None:
    """(name, method, compressed, inflated, local header offset, CRC-32) per entry; None when not a zip."""
    eocd = data.rfind(_EOCD, max(0, len(data) - 22 - 65535))
    if eocd < 0 or eocd + 22 > len(data):
        if data[:2] == b"PK":
            raise UnreadableFile("压缩结构损坏（找不到目录）")
        return None
    entries, cd_size, cd_offset = struct.unpack_from("<HIIH", data, eocd + 10)[:3]
    end = eocd
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        locator = eocd - 20
        if locator >= 0 and data[locator:locator + 4] == _EOCD64_LOCATOR:
            record = struct.unpack_from("<Q", data, locator + 8)[0]
            end = locator - 56
            if end >= 0 and data[end:end + 4] == _EOCD64:
                entries, cd_size, cd_offset = struct.unpack_from("<QQQ", data, end + 32)
            elif record < len(data) and data[record:record + 4] == _EOCD64:
                end = record
                entries, cd_size, cd_offset = struct.unpack_from("<QQQ", data, end + 32)
    if entries > limits.max_members:
        raise SuspectedBomb(f"压缩包目录声明有 {entries} 个部件", f"{limits.max_members} 个")
    start = end - cd_size
    if start < 0:
        raise UnreadableFile("压缩结构损坏（目录位置不对）")
    shift = start - cd_offset  # bytes in front of the zip (a self-extractor); zipfile allows it too
    members = []
    pos = start
    while pos + 46 <= end and data[pos:pos + 4] == _CENTRAL:
        (flags, method, _, _, crc, compressed, inflated, name_len, extra_len, comment_len, _, _, _,
         offset) = struct.unpack_from("<HHHHIIIHHHHHII", data, pos + 8)
        raw_name = data[pos + 46:pos + 46 + name_len]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        extra = data[pos + 46 + name_len:pos + 46 + name_len + extra_len]
        inflated, compressed, offset = _zip64_sizes(extra, inflated, compressed, offset)
        members.append((name, method, compressed, inflated, offset + shift, crc))
        if len(members) > limits.max_members:
            raise SuspectedBomb(f"压缩包内至少有 {len(members)} 个部件", f"{limits.max_members} 个")
        pos += 46 + name_len + extra_len + comment_len
    return members


def _zip64_sizes(extra: bytes, inflated: int, compressed: int, offset: int) -> tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, pos)
        if kind == 1:
            values = list(struct.unpack_from(f"<{min(size, len(extra) - pos - 4) // 8}Q", extra, pos + 4))
            if inflated == 0xFFFFFFFF and values:
                inflated = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
            break
        pos += 4 + size
    return inflated, compressed, offset


def _inflate_all(data: bytes, members: list[tuple], limits: Limits, *, workbook: bool = True) -> dict[str, bytes]:
    # What the directory declares, checked first: cheap, and names the culprit.
    declared = sum(m[3] for m in members)
    if declared > limits.max_inflated_bytes:
        raise SuspectedBomb(f"压缩包声明解压后共 {size_text(declared)}", size_text(limits.max_inflated_bytes))
    for name, _, compressed, inflated, _, _ in members:
        if inflated > RATIO_FLOOR and inflated > limits.max_ratio * max(compressed, 1):
            raise SuspectedBomb(f"部件 {name} 的压缩比为 {inflated // max(compressed, 1)} 倍",
                                f"{limits.max_ratio} 倍")
    # What the parts really inflate to: the declared sizes may lie.
    total = 0
    view = memoryview(data)
    kept: dict[str, bytes] = {}
    too_big: tuple[str, TooManyCells] | None = None  # the first part with too large a data area
    for name, method, compressed, declared_size, offset, _ in members:
        start = _data_start(data, offset)
        if start is None:
            continue  # the reader cannot open this part either
        if method == _STORED:
            pieces = _stored(view, start, start + min(compressed, len(data) - start))
        elif method == _DEFLATED:
            pieces = _inflate(view, start)
        elif compressed or declared_size:
            raise UnreadableFile(f"部件 {name} 使用了不支持的压缩方式（{method}）")
        else:
            pieces = iter(())
        scan = PartScan(name, limits) if workbook else _NOT_SCANNED
        part = 0
        keep: list[bytes] | None = [] if workbook else None
        for piece, used in pieces:
            part += len(piece)
            total += len(piece)
            _check_running(name, part, used, total, len(data), limits)
            scan.feed(piece)
            keep = _kept(keep, piece, part)
        try:
            scan.finish(part)
        except TooManyCells as err:  # raised once the rest is inflated, so the sheet can be named
            too_big = too_big or (name, err)
        if keep is not None:
            kept[name] = b"".join(keep)
    if too_big:
        part, err = too_big
        sheet = next((s for s, p in sheet_parts(kept).items() if p == part), None)
        raise err.in_sheet(sheet) if sheet else err
    return kept


class _NotScanned:
    """An archive's member is a file, not a workbook's part: nothing in it to scan."""

    def feed(self, piece: bytes) -> None:
        pass

    def finish(self, size: int) -> None:
        pass


_NOT_SCANNED = _NotScanned()


def _kept(keep: list[bytes] | None, piece: bytes, part: int) -> list[bytes] | None:
    """Collect a part's pieces while it stays small enough to be worth keeping."""
    if keep is None or part > KEEP_BYTES:
        return None
    keep.append(piece)
    return keep


def _check_running(name: str, part: int, used: int, total: int, size: int, limits: Limits) -> None:
    if total > limits.max_inflated_bytes:
        raise SuspectedBomb(f"文件解压到 {size_text(total)} 仍未结束", size_text(limits.max_inflated_bytes))
    if part > RATIO_FLOOR and part > limits.max_ratio * max(used, 1):
        raise SuspectedBomb(f"部件 {name} 的压缩比达到 {part // max(used, 1)} 倍", f"{limits.max_ratio} 倍")
    if total > RATIO_FLOOR and total > limits.max_ratio * size:
        raise SuspectedBomb(f"文件解压后是原文件的 {total // size} 倍", f"{limits.max_ratio} 倍")


def _data_start(data: bytes, offset: int) -> int | None:
    if offset < 0 or offset + 30 > len(data) or data[offset:offset + 4] != _LOCAL:
        return None
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    return offset + 30 + name_len + extra_len


def _stored(view: memoryview, start: int, end: int):
    """Yield (piece, bytes used so far) for a part stored without compression, as _inflate does."""
    for at in range(start, end, _OUT_CHUNK):
        piece = bytes(view[at:min(at + _OUT_CHUNK, end)])
        yield piece, at + len(piece) - start


def _inflate(view: memoryview, start: int):
    """Yield (inflated piece, compressed bytes used so far) for the deflate stream at `start`.

    Reads on to the stream's own end, not to the compressed size the directory declares (a reader
    that ignores a lying size must still be covered); stops quietly on corrupt data, which inflates
    no further for the reader either.
    """
    inflater = zlib.decompressobj(-15)
    pos = start
    pending = b""
    while not inflater.eof:
        if not pending:
            if pos >= len(view):
                return
            pending = view[pos:pos + _IN_CHUNK]
            pos += len(pending)
        try:
            piece = inflater.decompress(pending, _OUT_CHUNK)
        except zlib.error:
            return
        left = inflater.unconsumed_tail
        if not piece and left and len(left) == len(pending):
            return  # no progress: nothing more will come out
        pending = left
        if piece:
            yield piece, pos - start - len(pending)
