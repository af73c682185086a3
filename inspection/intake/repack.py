"""A zip of the parts the guard already inflated, stored without compression, for the reader.

The guard inflates every part of a returned .xlsx (.xlsm, .ods) to check it, and the reader would
inflate the parts it reads a second time: about a quarter of its time on a real return. When the guard kept
every part whole, the same bytes go to the reader in a zip whose parts are stored, not deflated (a part over
KEEP_BYTES is not kept, and then the file goes to the reader as it is).
Each part keeps the name, order and CRC-32 its file declared, so the reader sees what it would have
seen in the original file.
"""

import struct

from inspection.intake.guard import Container

_LOCAL = 0x04034B50
_CENTRAL = 0x02014B50
_END = 0x06054B50
_UTF8 = 0x800
_DOS_DATE = 0x21  # 1980-01-01, as the tool's own writers stamp parts


def reader_bytes(data: bytes, container: Container) -> bytes:
    """What the reader should open: the stored zip when the guard kept every part whole, else `data`."""
    return stored_zip(container.parts, container.crcs) if container.crcs is not None else data


def stored_zip(parts: dict[str, bytes], crcs: dict[str, int]) -> bytes:
    """A zip of `parts` (name → bytes, in order), every part stored with its CRC-32 from `crcs`."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, body in parts.items():
        raw = name.encode("utf-8")
        local = struct.pack("<IHHHHHIIIHH", _LOCAL, 20, _UTF8, 0, 0, _DOS_DATE, crcs[name], len(body), len(body),
                            len(raw), 0) + raw
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", _CENTRAL, 20, 20, _UTF8, 0, 0, _DOS_DATE, crcs[name],
                                   len(body), len(body), len(raw), 0, 0, 0, 0, 0, offset) + raw)
        out += (local, body)
        offset += len(local) + len(body)
    directory = b"".join(central)
    out += (directory, struct.pack("<IHHHHIIH", _END, 0, 0, len(parts), len(parts), len(directory), offset, 0))
    return b"".join(out)
