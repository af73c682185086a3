"""What a kind of form is to the stages that handle every kind: one small interface.

A kind (打分表, 交办清单, 调度表, 隐患整改跟踪表) has its key in `_meta`, its Chinese name, its main
sheet; it reads an open workbook into a payload and findings, fingerprints a payload to tell copies
from different returns, keeps a payload in the archive, says who must send one, and plans and writes
its blank templates. Ingest, duplicate resolution, the archive, history and `templates` go through
this and nothing else.
"""

from dataclasses import dataclass
import hashlib
from typing import Any, Callable

Payload = Any  # what a kind reads out of one workbook: a ScoringReturn, a list of Hazards, …


@dataclass(frozen=True)
class Source:
    """What reading one workbook needs to know besides the workbook: where it came from, whose it is
    by its `_meta`, and where its formulas are."""

    file: str  # the path as shown in the report
    unit: str  # the unit or department `_meta` names
    group: int | None  # the inspection group `_meta` names, for the kinds that have one
    formulas: Callable[[int], dict[int, str]]  # a column of the main sheet → {row: formula text}


@dataclass(frozen=True)
class Kind:
    key: str  # `kind` in _meta and in the archive
    name: str  # what people call it: 打分表
    sheet: str  # the sheet the return is read from
    # read(book, campaign, source) → (payload, findings); the payload is None when the file cannot be
    # used, and the findings are then its reasons — or S008 alone: nothing was filled in.
    read: Callable
    fingerprint: Callable[[Payload], str]  # equal for two files that say the same thing
    archive: Callable  # archive(conn, [(submission id, payload), …]): the kind's own rows
    senders: Callable  # senders(config) → names that must send one each round; () for none
    plan: Callable  # plan(campaign, open_hazards) → the targets of its blank templates
    write: Callable  # write(campaign, target, folder) → the path of one blank template
    used: Callable = lambda config: True  # whether the campaign uses this kind of form at all
    # differences(a, b) → where two payloads of one return differ, as a person would point at them
    # ("F12 扣分 1 / 2"), for M009: two versions and nothing says which is meant.
    differences: Callable = lambda a, b: []
    grouped: bool = False  # _meta names the inspection group, which must be the unit's
    by_departments: bool = False  # departments send it too, not only the units inspected
    rubric: bool = False  # _meta names the rubric, which must be the campaign's


def digest(parts) -> str:
    """A fingerprint of the content that matters (not of the file's bytes: a re-saved copy is still
    the same return)."""
    return hashlib.sha256("\n".join(str(p) for p in parts).encode()).hexdigest()
