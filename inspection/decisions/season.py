"""A campaign is a season of runs: what earlier runs of it know about files, read once per run.

Of two versions of one return, which is the correction (decide.settle asks `later`); whether a
file is one the tool itself sent back unchanged; whether a return of an earlier round is already
in the archive.
"""

from dataclasses import dataclass, field
import re
import sqlite3

from inspection.archive import query
from inspection.spec.config import Config
from inspection.constants import META_REPLACES
from inspection.model import InputFile

# Words in a file name that say it corrects an earlier version; our own suffixes among them (a copy
# sent back and fixed keeps its name).
CORRECTED = re.compile(r"修改后|已修改|更正|修正|修订|改正|重报|终稿|定稿|最终|最新|（退回修改）|（请核实）|\(退回修改\)|\(请核实\)")


@dataclass
class Seen:
    """What the archive knows of files, for this campaign."""

    received: dict[str, tuple[str, str]] = field(default_factory=dict)  # SHA-256 → (first seen, round)
    sent_back: set[str] = field(default_factory=set)  # SHA-256 of the copies the tool sent back
    recorded: dict[str, str] = field(default_factory=dict)  # SHA-256 → round, of every return recorded
    current: set[tuple[str, str, str]] = field(default_factory=set)  # (round, kind, unit) with a return

    @classmethod
    def read(cls, conn: sqlite3.Connection, config: Config) -> "Seen":
        recorded, current = query.recorded(conn, config.campaign)
        return cls(query.received(conn, config.campaign), query.sent_back(conn, config.campaign), recorded, current)

    def archived(self, info: InputFile, round_: str) -> bool:
        """Whether the archive holds this return of an earlier round (this file, or that round's
        return of its unit, which this file is then an older version of)."""
        return info.sha256 in self.recorded or (round_, info.kind, info.unit) in self.current


def replaces(newer: InputFile, older: InputFile) -> bool:
    """Whether `newer` says it is a correction of `older`: made from the copy of it the tool sent back."""
    return bool(older.sha256) and newer.meta.get(META_REPLACES) == older.sha256


def later(a: InputFile, b: InputFile, seen: Seen) -> str:
    """Why `a` corrects `b` ("" when nothing says so), in Chinese for the report: `a` was made from
    the copy of `b` sent back; `b` came in an earlier run and `a` after it; or only `a`'s name says
    it is a corrected version."""
    if replaces(a, b):
        return "由退回修改的副本改好后报回"
    if replaces(b, a):
        return ""
    first_a, first_b = (seen.received.get(a.sha256, ("",))[0], seen.received.get(b.sha256, ("",))[0])
    if first_a != first_b and (first_a or first_b):  # this run's files came last (they are not in it yet)
        return "在原来的文件之后收到" if (first_b and (not first_a or first_a > first_b)) else ""
    named_a, named_b = bool(CORRECTED.search(a.path)), bool(CORRECTED.search(b.path))
    if named_a and not named_b:
        return "文件名写明是更正后的"
    return ""
