"""Hostile files built in memory, for tests/test_guard.py and bench/bombs.py.

Zips are written byte by byte here (zipfile would compress, and would not lie about sizes). The
deflate stream of a 2 GB bomb is built in a millisecond: one 1 MB run of zeros is compressed and
byte-aligned with a full flush, which resets the compressor, so every further megabyte is the
same bytes again. 2 GB of zeros is then 2,048 copies of about 1 KB.
"""

import io
import struct
import zipfile
import zlib

MB = 1 << 20


def deflated_zeros(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MB of zero bytes."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflater.compress(bytes(MB)) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(bytes(MB)) + deflater.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # the full flush made the compressor forget the first megabyte
    return block * megabytes + deflater.flush(zlib.Z_FINISH)


def zip_of(parts: list[tuple], *, comment: bytes = b"") -> bytes:
    """A zip from (name, stored bytes, method, declared inflated size, declared compressed size or
    None, crc) per part; several names may share one local entry by giving its index as `bytes`.
    Sizes over 4 GB are not needed here, so no zip64."""
    out = io.BytesIO()
    central = []
    offsets = []
    for name, body, method, inflated, compressed, crc in parts:
        raw = name.encode()
        if isinstance(body, int):  # an earlier entry's data, shared (the overlapping-parts bomb)
            offsets.append(offsets[body])
            central.append((raw, method, crc, compressed if compressed is not None else len(parts[body][1]),
                            inflated, offsets[body]))
            continue
        offsets.append(out.tell())
        size = compressed if compressed is not None else len(body)
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, method, 0, 0x21, crc, size, inflated,
                              len(raw), 0))
        out.write(raw)
        out.write(body)
        central.append((raw, method, crc, size, inflated, offsets[-1]))
    start = out.tell()
    for raw, method, crc, size, inflated, offset in central:
        out.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, method, 0, 0x21, crc, size,
                              inflated, len(raw), 0, 0, 0, 0, 0, offset))
        out.write(raw)
    end = out.tell()
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, min(len(central), 0xFFFF), min(len(central), 0xFFFF),
                          end - start, start, len(comment)))
    out.write(comment)
    return out.getvalue()


def parts_of(data: bytes) -> list[tuple]:
    """The parts of a real .xlsx as zip_of takes them, deflated again."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            body = zf.read(info.filename)
            deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = deflater.compress(body) + deflater.flush()
            parts.append((info.filename, packed, 8, len(body), None, zlib.crc32(body)))
    return parts


def replace_part(data: bytes, name: str, body: bytes) -> bytes:
    """A real .xlsx with one part's content replaced (stored deflated, sizes true)."""
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = deflater.compress(body) + deflater.flush()
    new = (name, packed, 8, len(body), None, zlib.crc32(body))
    parts = parts_of(data)
    if name not in [part[0] for part in parts]:
        raise KeyError(name)
    return zip_of([new if part[0] == name else part for part in parts])


def zip_bomb(good: bytes, gigabytes: int = 2, *, lie: bool = False) -> bytes:
    """A real return whose first sheet inflates to `gigabytes` GB of zeros. With `lie`, the central
    directory declares the sheet's real size of a template (40 KB) and a compressed size to match."""
    stream = deflated_zeros(gigabytes * 1024)
    parts = []
    for name, packed, method, inflated, compressed, crc in parts_of(good):
        if name == "xl/worksheets/sheet1.xml":
            declared = 40_000 if lie else gigabytes * 1024 * MB
            parts.append((name, stream, 8, declared & 0xFFFFFFFF, 4_000 if lie else None, 0))
        else:
            parts.append((name, packed, method, inflated, compressed, crc))
    return zip_of(parts)


def dense_bomb(good: bytes, megabytes: int = 600) -> bytes:
    """A real return whose first sheet inflates to `megabytes` MB at about 186 to 1, under the ratio
    limit: only the limit on the inflated total stops it (the guard's slowest case). The directory
    lies, declaring the template's size."""
    import random
    noise = random.Random(1)
    block = bytearray(MB)
    for at in range(0, MB, 700):  # one random byte every 700: compresses about 186 to 1
        block[at] = noise.randrange(256)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflater.compress(bytes(block)) + deflater.flush(zlib.Z_FULL_FLUSH)
    stream = packed * megabytes + deflater.flush(zlib.Z_FINISH)
    sheet = ("xl/worksheets/sheet1.xml", stream, 8, 40_000, 4_000, 0)
    parts = [part for part in parts_of(good) if part[0] != sheet[0]] if good else []
    return zip_of([*parts, sheet])


def overlapping_bomb(good: bytes, copies: int = 2000) -> bytes:
    """A real return plus `copies` extra names for one 1 MB-of-zeros entry (each read again)."""
    parts = parts_of(good)
    kernel = len(parts)
    parts.append(("xl/media/k0.bin", deflated_zeros(1), 8, 1024, None, 0))
    parts += [(f"xl/media/k{i}.bin", kernel, 8, 1024, None, 0) for i in range(1, copies)]
    return zip_of(parts)


def many_parts(good: bytes, count: int) -> bytes:
    """A real return padded with `count` empty parts."""
    return zip_of(parts_of(good) + [(f"x/{i}.xml", b"", 0, 0, None, 0) for i in range(count)])


def billion_laughs(part: bytes, levels: int = 9) -> bytes:
    """The classic entity bomb (10^levels "lol"s from a few hundred bytes) declared in a sheet or
    shared-strings part, and used once in a new cell or string."""
    root = b"worksheet" if b"<worksheet" in part else b"sst"
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1))
    if not part.startswith(b"<?xml"):  # openpyxl writes none; the DOCTYPE goes right after one
        part = b'<?xml version="1.0" encoding="UTF-8"?>\n' + part
    end = part.index(b"?>") + 2
    part = part[:end] + b"<!DOCTYPE %s [%s]>" % (root, entities.encode()) + part[end:]
    use = b"&lol%d;" % levels
    if root == b"sst":
        return part.replace(b"</sst>", b"<si><t>" + use + b"</t></si></sst>")
    return part.replace(b"</sheetData>", b'<row r="200"><c r="A200" t="inlineStr"><is><t>' + use +
                        b"</t></is></c></row></sheetData>")


def far_cell_sheet(sheet: bytes, ref: bytes = b"XFD1048576") -> bytes:
    """A sheet part with one more value, far away: the reader lays out everything up to it."""
    row = int(bytes(ch for ch in ref if chr(ch).isdigit()))
    return sheet.replace(b"</sheetData>", b'<row r="%d"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>'
                                          b"</sheetData>" % (row, ref))


def read_part(data: bytes, name: str) -> bytes:
    """One part of a real .xlsx, inflated."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


SHEET1 = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def entity_bomb(xlsx: bytes, part: str = SHEET1) -> bytes:
    """A real .xlsx whose sheet or shared-strings part declares the billion laughs."""
    return replace_part(xlsx, part, billion_laughs(read_part(xlsx, part)))


def far_cell(xlsx: bytes, ref: bytes = b"XFD1048576") -> bytes:
    """A real .xlsx with one more value in its first sheet, at `ref`."""
    return replace_part(xlsx, SHEET1, far_cell_sheet(read_part(xlsx, SHEET1), ref))


def string_count_lie(xlsx: bytes) -> bytes:
    """A real .xlsx (with shared strings) whose string table declares 4,294,967,295 strings."""
    strings = read_part(xlsx, STRINGS)
    start = strings.index(b"uniqueCount=")
    end = strings.index(b'"', start + len('uniqueCount="'))
    return replace_part(xlsx, STRINGS, strings[:start] + b'uniqueCount="4294967295' + strings[end:])


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_directory_loop() -> bytes:
    """An .xls whose directory chain points back at itself: the reader would follow it forever,
    reserving memory each time round, until the process dies (tested before the guard existed)."""
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<9I", header, 40, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 76, 0, *([0xFFFFFFFF] * 108))
    fat = struct.pack("<128I", 0xFFFFFFFD, 1, *([0xFFFFFFFF] * 126))  # sector 1 → sector 1 → …
    root = "Root Entry".encode("utf-16-le") + b"\0\0"
    entry = root + bytes(64 - len(root)) + struct.pack("<HBB", len(root) + 2, 5, 1) + bytes(48) + \
        struct.pack("<II", 0xFFFFFFFE, 0) + bytes(4)
    return bytes(header) + fat + entry + bytes(512 - len(entry))


def biff(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def xls_of(records: bytes, storages: tuple[str, ...] = ()) -> bytes:
    """An OLE container with one "Workbook" stream holding `records` (padded past 4 KB with a
    record nobody reads, so the stream lives in ordinary sectors), and up to two empty storages."""
    stream = records + biff(0x1234, bytes(8000))
    sectors = (len(stream) + 511) // 512
    stream += bytes(sectors * 512 - len(stream))
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<9I", header, 40, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 76, 0, *([0xFFFFFFFF] * 108))
    # sector 0: this table; 1: the directory; 2 onwards: the stream, each pointing at the next
    chain = [0xFFFFFFFD, 0xFFFFFFFE] + [3 + n for n in range(sectors - 1)] + [0xFFFFFFFE]
    fat = struct.pack(f"<{len(chain)}I", *chain) + b"\xff" * (512 - 4 * len(chain))
    directory = _entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1) + _entry("Workbook", 2, 2, len(stream)) + b"".join(
        _entry(name, 1, 0, 0) for name in storages[:2])
    return bytes(header) + fat + directory + bytes(512 - len(directory)) + stream


def _entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    return (raw + bytes(64 - len(raw)) + struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
            + bytes(36) + struct.pack("<II", start, size) + bytes(4))


BOF_GLOBALS = biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
BOF_SHEET = biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
EOF = biff(0x000A, b"")


def xls_sheet(*records: bytes) -> bytes:
    """An .xls with one sheet holding `records` (cells, DIMENSIONS)."""
    return xls_of(BOF_GLOBALS + EOF + BOF_SHEET + b"".join(records) + EOF)


def dimensions(rows: int, cols: int) -> bytes:
    return biff(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))


def number(row: int, col: int, value: float = 1.0) -> bytes:
    return biff(0x0203, struct.pack("<HHHd", row, col, 0, value))


def ods_of(rows: int, cols: int, *, formula: bool = False) -> bytes:
    """An .ods whose one table is `rows` repeats of a row of `cols` repeats of a value: a few hundred
    bytes that the reader would lay out as rows × cols cells. With `formula`, the cell is an empty
    element holding only a formula (no value type), which the reader lays out all the same."""
    cell = (f'<table:table-cell table:number-columns-repeated="{cols}" table:formula="of:=1"/>' if formula else
            f'<table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1">'
            f"<text:p>1</text:p></table:table-cell>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               f'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               f'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               f'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="打分表"><table:table-row table:number-rows-repeated="{rows}">'
               f"{cell}</table:table-row></table:table>"
               f"</office:spreadsheet></office:body></office:document-content>").encode()
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    return zip_of([("mimetype", mimetype, 0, len(mimetype), None, zlib.crc32(mimetype)),
                   ("content.xml", content, 0, len(content), None, zlib.crc32(content))])
