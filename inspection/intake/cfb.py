"""An .xls file checked before the reader walks it: its OLE container (MS-CFB) and its workbook records.

python-calamine follows the container's sector chains as the file says, reserving memory as it
goes: a chain that loops, or names a sector far past the end of the file, makes it reserve
terabytes and the process ends (tested: a 1.5 KB file is enough). It also reserves room for the
data area a sheet's DIMENSIONS record declares. So, before the reader sees the file, every chain
it will walk is walked here with a step limit, and every sector it will touch must exist; then
the Workbook stream's records are read for the declared and the real data area of each sheet and
the declared count of shared strings.
"""

from array import array
import struct
import sys

from inspection.intake.book import UnreadableFile
from inspection.intake.limits import Limits, TooManyCells

_END = 0xFFFFFFFE  # end of a chain
_RESERVED = 0xFFFFFFFA  # this and above are markers, not sectors
_DIFSECT = 0xFFFFFFFC
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096  # smaller streams live in the mini stream

# BIFF records (MS-XLS 2.3) that put a value in a cell; row and column are the first two u16.
_BOF, _EOF, _DIMENSIONS, _SST, _MULRK = 0x0809, 0x000A, 0x0200, 0x00FC, 0x00BD
_XLS_ROWS, _XLS_COLS = 65536, 256
_VALUE_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x0006, 0x027E, 0x00FD, 0x00D6})


def _broken(what: str) -> UnreadableFile:
    return UnreadableFile(f"OLE 结构损坏（{what}）")


def _u32s(raw: bytes) -> array:
    table = array("I")
    table.frombytes(raw[:len(raw) // 4 * 4])
    if sys.byteorder == "big":
        table.byteswap()
    return table


class _Container:
    """Sector access as the reader does it: sector n starts one sector-size past the header."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise _broken("文件头不完整")
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise _broken("扇区大小无效")
        self.data = data
        self.size = 1 << shift
        self.count = max(0, (len(data) - self.size + self.size - 1) // self.size)
        (self.dir_sectors, _, self.dir_start, _, _, self.minifat_start, self.minifat_sectors,
         self.difat_start, _) = struct.unpack_from("<9I", data, 40)

    def sector(self, n: int) -> bytes:
        at = self.size + n * self.size
        return self.data[at:at + self.size]


class _Chains:
    """The chains of one allocation table (FAT or mini FAT) over `available` sectors.

    length(start) is the number of sectors from `start` to the end of its chain, or -1 when the
    chain leaves the table, names a sector that does not exist or loops. Each sector is followed
    once, however many directory entries start on the same chain.
    """

    def __init__(self, table: array, available: int):
        self.table = table
        self.available = min(available, len(table))
        self.lengths: dict[int, int] = {}

    def length(self, start: int) -> int:
        path, n = [], start
        while True:
            if n == _END:
                tail = 0
                break
            if n >= self.available:
                tail = -1
                break
            if n in self.lengths:
                tail = self.lengths[n]
                break
            self.lengths[n] = -1  # on the current path: meeting it again is a loop
            path.append(n)
            n = self.table[n]
        for n in reversed(path):
            tail = tail + 1 if tail >= 0 else -1
            self.lengths[n] = tail
        return tail

    def sectors(self, start: int, what: str) -> list[int]:
        if self.length(start) < 0:
            raise _broken(what)
        found, n = [], start
        while n != _END:
            found.append(n)
            n = self.table[n]
        return found


def check_cfb(data: bytes, limits: Limits) -> tuple[tuple[str, ...], bytes]:
    """Raise UnreadableFile when the container or its workbook is broken or over a limit; otherwise
    return the names of its entries (streams and storages) and the Workbook stream (b"" if none)."""
    box = _Container(data)
    fat = _Chains(_fat(box), box.count)
    if box.dir_sectors * box.size > len(data):
        raise _broken("目录大小无效")
    directory = b"".join(box.sector(n) for n in fat.sectors(box.dir_start, "目录链"))
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise _broken("没有根目录")
    mini, ministream = _Chains(array("I"), 0), b""
    if box.minifat_sectors:
        if box.minifat_sectors * box.size > len(data):
            raise _broken("小扇区表大小无效")
        root_start, root_len = _start_and_length(entries[0], box.size)
        if root_len > len(data):
            raise _broken("小流大小无效")
        ministream = b"".join(box.sector(n) for n in fat.sectors(root_start, "小流链"))
        ministream = ministream[:root_len] if root_len else ministream
        minifat = _u32s(b"".join(box.sector(n) for n in fat.sectors(box.minifat_start, "小扇区表链")))
        mini = _Chains(minifat, (len(ministream) + _MINI_SECTOR - 1) // _MINI_SECTOR)
    book = None
    names = []
    for entry in entries[1:]:
        name = entry[:64].decode("utf-16-le", "replace").split("\0", 1)[0]
        names.append(name)
        start, length = _start_and_length(entry, box.size)
        if not name or (entry[66] == 1 and start == 0 and length == 0):
            continue  # an empty slot, or a storage (folder), which holds no data of its own
        if length > len(data):
            raise _broken(f"流“{name[:20]}”大小无效")
        chains = mini if length < _MINI_CUTOFF else fat
        if chains is mini and not ministream and length == 0:
            continue  # an empty stream in a file without small streams: nothing to read
        if chains.length(start) < 0:
            raise _broken(f"流“{name[:20]}”的链")
        if book is None and name in ("Workbook", "Book"):
            if chains is mini:
                raw = b"".join(ministream[n * _MINI_SECTOR:(n + 1) * _MINI_SECTOR] for n in mini.sectors(start, ""))
            else:
                raw = b"".join(box.sector(n) for n in fat.sectors(start, ""))
            book = raw[:length]
    if book:
        _check_records(book, limits)
    return tuple(n for n in names if n), book or b""


def _fat(box: _Container) -> array:
    """The sector allocation table, gathered as the reader does, through the DIFAT chain."""
    difat = list(_u32s(box.data[76:512]))
    n, seen = box.difat_start, 0
    while n < _RESERVED:
        if n >= box.count or seen >= box.count:
            raise _broken("DIFAT 链")
        seen += 1
        difat.extend(_u32s(box.sector(n)))
        n = difat.pop()
    fat_sectors = [n for n in difat if n < _DIFSECT]
    if any(n >= box.count for n in fat_sectors) or len(fat_sectors) > box.count:
        raise _broken("扇区分配表")
    return _u32s(b"".join(box.sector(n) for n in fat_sectors))


def _start_and_length(entry: bytes, sector_size: int) -> tuple[int, int]:
    start = struct.unpack_from("<I", entry, 116)[0]
    length = struct.unpack_from("<Q" if sector_size == 4096 else "<I", entry, 120)[0]
    return start, length


def _check_records(stream: bytes, limits: Limits) -> None:
    """Each sheet's declared (DIMENSIONS) and real (value cells) data area, and the SST count."""
    unpack, size = struct.unpack_from, len(stream)
    pos, height, width = 0, 0, 0  # the last row and column holding a value, counted from 1
    sheet = 0  # which worksheet: the first BOF opens the workbook's globals, each later one a sheet
    while pos + 4 <= size:
        kind, length = unpack("<HH", stream, pos)
        at, pos = pos + 4, pos + 4 + length
        if pos > size:
            break
        if kind in _VALUE_CELLS and length >= 4:
            row, col = unpack("<HH", stream, at)
            height, width = max(height, row + 1), max(width, col + 1)
        elif kind == _MULRK and length >= 6:
            row, last = unpack("<H", stream, at)[0], unpack("<H", stream, pos - 2)[0]
            height, width = max(height, row + 1), max(width, last + 1)
        elif kind == _BOF:
            height = width = 0
            sheet += 1
        elif kind == _EOF:
            if height * width > limits.max_cells:
                raise TooManyCells(f"第 {sheet - 1} 个工作表的数据区域为 {height} 行 × {width} 列（共 {height * width} 格）",
                                   f"{limits.max_cells} 格")
            height = width = 0
        elif kind == _DIMENSIONS and length >= 10:
            rows, cols = unpack("<4xI2xH" if length >= 14 else "<2xH2xH", stream, at)
            if rows > _XLS_ROWS or cols > _XLS_COLS:  # sizes memory the reader reserves
                raise TooManyCells(f"第 {sheet - 1} 个工作表声明的数据区域为 {rows} 行 × {cols} 列",
                                   f".xls 格式的 {_XLS_ROWS} 行 × {_XLS_COLS} 列")
        elif kind == _SST and length >= 8:
            unique = unpack("<I", stream, at + 4)[0]
            if unique > limits.max_cells and unique * 3 > size:
                raise TooManyCells(f"共享字符串表声明有 {unique} 条字符串（工作簿只有 {size} 字节）",
                                   f"{limits.max_cells} 条")
