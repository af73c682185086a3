"""File names as a person should see them: always valid Unicode, whatever bytes the disk or zip holds.

Chinese Windows writes file names in GBK where it is not told otherwise: inside a .zip (without the
UTF-8 flag, bit 11) and on a disk written by an old tool. `unzip` on Linux, or a USB stick, then
leaves names that are not UTF-8: Python hands them over with surrogate escapes ("\\udcd5"), which
nothing downstream can encode (the sqlite archive, the report, a console). So every name is
decoded here once, for display; the real path on disk keeps its own bytes for reading.
"""

import os
import zipfile

_UTF8_FLAG = 0x800


def decode_name(raw: bytes) -> str:
    """UTF-8 when it is; else GBK (GB 18030, its superset), the usual case; else UTF-8 with "�"."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "replace")


def display_part(part: str) -> str:
    """One name from os.walk: as it is when it is valid Unicode, else decoded from its bytes."""
    try:
        part.encode("utf-8")
        return part
    except UnicodeEncodeError:  # surrogate escapes: the name's bytes were not UTF-8
        return decode_name(os.fsencode(part))


def display_path(rel: str) -> str:
    """A path relative to input/ ("a/b.xlsx"), each part decoded on its own: a folder may be GBK and
    the file in it UTF-8."""
    return "/".join(display_part(part) for part in rel.split("/"))


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name as its maker meant it. Without the UTF-8 flag zipfile decodes the bytes
    as cp437 (the zip standard's default), which turns GBK into "║╒▒⌐╧╪"; so the bytes are taken
    back and decoded as decode_name does. Backslashes (written by some Windows tools) become "/"."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        try:
            name = decode_name(name.encode("cp437"))
        except UnicodeEncodeError:  # not what zipfile decoded from cp437: keep it
            pass
    return name.replace("\\", "/").lstrip("/")
