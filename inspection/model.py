"""What a run produces, as plain data: the readers fill it, the writers and the CLI only format it."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from inspection.findings import Finding

# Status of each file found under input/, or inside a .zip there (every file ends as exactly one of these).
ACCEPTED = "已采用"
REJECTED = "未采用"  # an error: a return that cannot be used, or a file that may hold one and cannot be read
IGNORED = "已忽略"  # nothing to do: a lock file, a hidden file, a second copy of an accepted return
UNREAD = "未读取"  # a document or an image: perhaps a scanned form, which the tool cannot read (a warning)
UNPACKED = "已解压"  # a .zip whose files are listed after it, each with its own status
SUPERSEDED = "已被更正"  # an earlier version of a return a later file corrects: listed, never an error

# Status of a unit in the ranking.
RANKED = "已排名"
MISSING = "未报送"
UNIT_REJECTED = "报送文件未通过校验"


@dataclass
class InputFile:
    """One file found under input/, and what became of it."""

    path: str  # relative to input/, with forward slashes; always valid Unicode (see filenames.py)
    size: int
    sha256: str = ""
    kind: str = ""  # scoring / dispatch / progress, from _meta
    unit: str = ""  # the unit or department the file is for, from _meta
    status: str = ""  # ACCEPTED / REJECTED / IGNORED / UNREAD / UNPACKED
    reason: str = ""  # why rejected or ignored, in Chinese
    modified: datetime | None = None  # when the filler last saved it (from the workbook), if known
    meta: dict[str, str] = field(default_factory=dict)  # the workbook's _meta, as read
    error: str = ""  # the traceback, when reading it failed in a way nobody foresaw (F013)


@dataclass
class Deduction:
    """A non-zero deduction on one criterion, as it goes into the bulletin."""

    criterion_id: str
    label: str  # official label, e.g. "7"
    amount: Decimal
    reason: str
    cell: str  # where the amount was read, e.g. "F12"


@dataclass
class ScoringReturn:
    """An accepted scoring sheet: one unit's scores, recomputed from its deductions."""

    file: str
    unit: str
    group: int
    deductions: list[Deduction] = field(default_factory=list)
    item_scores: dict[str, Decimal] = field(default_factory=dict)  # item id → score (floored at 0)
    total: Decimal = Decimal(0)
    inspection_date: date | None = None
    inspectors: str = ""


@dataclass
class RankRow:
    rank: int | None  # None for units not ranked
    unit: str
    score: Decimal | None
    status: str  # RANKED / MISSING / UNIT_REJECTED
    group: int | None = None
    file: str = ""  # the accepted file; for a unit not ranked, the file that explains why, if any
    why: str = ""  # for a unit not ranked: what became of what was received, in Chinese

    @property
    def status_text(self) -> str:
        return f"{self.status}：{self.why}" if self.why else self.status


@dataclass
class Reminder:
    """An expected return not received or not accepted: one line of the 催报清单."""

    name: str  # the unit or department the return is for
    kind: str  # the form, as named: 打分表, 交办清单, 调度表, 隐患整改跟踪表
    sender: str  # who sends it: "第 1 组（浉河区组）", or the unit or department itself
    leader: str  # the group's 组长 and phone, when the campaign lists them
    phone: str
    state: str  # NOT_RECEIVED / NOT_ACCEPTED / BLANK_RECEIVED
    detail: str  # what was received for it and what to do, in Chinese


NOT_RECEIVED = "未收到"
NOT_ACCEPTED = "未通过校验"
BLANK_RECEIVED = "收到空白表"


# What a criterion of one unit shows when its review is set against its 自评 (selfcheck.py).
LESS = "复核发现少于自查"
COPIED = "照搬自查"
OWN = "复核新发现"


@dataclass
class CriterionCase:
    """One criterion of one unit where the review and the self-assessment tell something together."""

    unit: str
    group: int | None
    criterion_id: str
    label: str  # "(7)"
    self_amount: Decimal
    self_reason: str
    review_amount: Decimal
    review_reason: str
    cases: tuple[str, ...]  # LESS, COPIED, OWN (LESS and COPIED may come together)
    review_cell: str = ""  # where the review's deduction is, for the reader to check


@dataclass
class UnitComparison:
    unit: str
    group: int | None
    self_total: Decimal | None  # None: no 自评 accepted (never 0)
    review_total: Decimal | None
    self_rank: int | None
    review_rank: int | None
    self_file: str = ""

    @property
    def difference(self) -> Decimal | None:
        """自评 − 复核: how much higher the unit scored itself."""
        if self.self_total is None or self.review_total is None:
            return None
        return self.self_total - self.review_total


@dataclass
class GroupSummary:
    number: int | None
    name: str
    units: int  # units it inspected whose review and 自评 both came in
    deductions: int  # criteria it deducted on, in those units
    hazards: int  # hazards it listed in those units
    copied_deductions: int  # its deductions whose reason repeats the unit's own
    copied_hazards: int  # its hazards the unit had listed itself
    lenient: int  # criteria where it deducted less than the unit itself
    own: int  # criteria it deducted on where the unit had not
    self_deductions: int  # the units' own deductions, for "found fewer than the self-check"
    compared: tuple[str, ...] = ()  # those units, in config order

    @property
    def warned(self) -> bool:
        """What 003 complains about: fewer findings than the self-check, or the self-check's own."""
        return bool(self.lenient or self.copied_deductions or self.copied_hazards or self.deductions < self.self_deductions)

    @property
    def weight(self) -> int:
        return self.lenient + self.copied_deductions + self.copied_hazards


@dataclass
class Comparison:
    units: list[UnitComparison] = field(default_factory=list)
    cases: list[CriterionCase] = field(default_factory=list)
    groups: list[GroupSummary] = field(default_factory=list)  # warned first

    @property
    def warned(self) -> list[GroupSummary]:
        return [g for g in self.groups if g.warned]


@dataclass
class CommonProblem:
    """A criterion on which units lost points, for the "存在的主要问题" table."""

    criterion_id: str
    label: str
    text: str
    units: list[str]
    points: Decimal  # all units together


@dataclass
class Hazard:
    """One row of a returned 交办清单: a hazard found on site, followed until it is fixed."""

    id: str  # stable: the same input gives the same id on every run
    unit: str
    group: int
    number: int | None  # the row's 序号
    company: str
    sector: str
    level: str
    description: str
    requirement: str
    deadline: date | None
    responsible: str
    status: str
    remark: str
    file: str
    cell: str  # the row's first cell, e.g. "A7"
    listed_on: date | None = None  # the list's 日期
    place: int = 0  # the row's place among its list's hazards (1, 2, …): a new hazard's id is made from it

    def overdue(self, as_of: date) -> bool:
        return self.deadline is not None and self.deadline < as_of and self.status != "已整改"


@dataclass
class TrackedHazard:
    """A hazard as the archive knows it across rounds: first assigned, latest status, closed (销号)."""

    hazard: Hazard  # the fields as last listed
    first_round: str
    first_listed_on: date | None
    status: str
    status_on: date | None  # when the latest status was reported
    status_file: str = ""
    closed_on: date | None = None  # 销号: the day it was reported fixed
    closed_round: str = ""

    def days_used(self, as_of: date) -> int | None:
        """Days from first assignment to closing, or to `as_of` while open."""
        if self.first_listed_on is None:
            return None
        return ((self.closed_on or as_of) - self.first_listed_on).days


@dataclass
class StatusUpdate:
    """One row of a returned 隐患整改跟踪表: the new status of a hazard assigned in an earlier round."""

    hazard_id: str
    unit: str
    status: str
    on: date | None  # 整改完成日期, or the day the table was filled in
    note: str
    file: str
    cell: str
    id_cell: str = ""  # where its 隐患编号 was read
    # The row's own warnings (K002–K004), given once its hazard is known to be the sender's; a row
    # whose status could not be read has status "" and is then dropped.
    problems: list[Finding] = field(default_factory=list)


@dataclass
class ProgressReturn:
    """A returned 调度表: one unit's or department's cumulative counts."""

    file: str
    reporter: str
    form_id: str
    values: dict[str, "Decimal | str | None"] = field(default_factory=dict)  # cell key → value
    cells: dict[str, str] = field(default_factory=dict)  # cell key → where it was read, e.g. "E7"
    reported_on: date | None = None


@dataclass
class RunResult:
    started: datetime
    config_path: Path
    input_dir: Path
    files: list[InputFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scoring: dict[str, ScoringReturn] = field(default_factory=dict)  # unit → accepted return
    ranking: list[RankRow] = field(default_factory=list)
    common_problems: list[CommonProblem] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    dispatch_units: list[str] = field(default_factory=list)  # units whose 交办清单 was accepted
    progress: dict[str, ProgressReturn] = field(default_factory=dict)  # reporter → accepted 调度表
    as_of: date | None = None  # the day 逾期 is judged against
    # From the archive (rounds over months); empty when it holds nothing older.
    tracked: list[TrackedHazard] = field(default_factory=list)  # every hazard assigned so far
    previous_round: str = ""
    previous: dict[str, tuple[Decimal, int]] = field(default_factory=dict)  # unit → (score, rank) last round
    trend: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # unit → round → score
    gaps: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # unit → round → 自评 − 复核, with 自评
    reminders: list[Reminder] = field(default_factory=list)  # the 催报清单, by sender
    comparison: Comparison | None = None  # 自评 against 复核, when the campaign uses 自评
    archive_path: Path | None = None
    output_path: Path | None = None
    reminders_path: Path | None = None  # 催报消息_….txt
    draft_path: Path | None = None  # the bulletin draft (通报草稿_….docx), when it could be written
    draft_problem: str = ""  # why it could not, in Chinese (the report is written all the same)
    sendback_problem: str = ""  # what of 退回修改/ could not be made, in Chinese, with the error log
    sendback_folder: Path | None = None  # this round's 退回修改/ folder
    history_lost: str = ""  # what is lost when the archive is missing beside earlier reports, in Chinese
    seconds: float = 0.0

    def files_with(self, status: str) -> list[InputFile]:
        return [f for f in self.files if f.status == status]

    def files_summary(self) -> str:
        """"N 个文件（含压缩包中的 M 个）：采用 a 个，未采用 b 个，…": every status counted, adding up to N."""
        archives = [f.path + "/" for f in self.files_with(UNPACKED)]
        inside = sum(1 for f in self.files if f.path.startswith(tuple(archives))) if archives else 0
        counts = [("采用", ACCEPTED), ("未采用", REJECTED), ("已被更正", SUPERSEDED), ("忽略", IGNORED),
                  ("未读取", UNREAD), ("已解压的压缩包", UNPACKED)]
        parts = [f"{label} {len(self.files_with(status))} 个" for label, status in counts
                 if status in (ACCEPTED, REJECTED, IGNORED) or self.files_with(status)]
        return f"{len(self.files)} 个文件{f'（含压缩包中的 {inside} 个）' if inside else ''}：" + "，".join(parts)

    @property
    def missing_units(self) -> list[str]:
        return [r.unit for r in self.ranking if r.status == MISSING]

    @property
    def rejected_units(self) -> list[str]:
        return [r.unit for r in self.ranking if r.status == UNIT_REJECTED]
