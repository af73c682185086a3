"""Stage 1: every blank workbook of a campaign, written into one folder: what each kind plans."""

from dataclasses import dataclass, field
from pathlib import Path
import time

from inspection.archive.schema import open_archive
from inspection.spec.campaign import Campaign
from inspection.kinds import BY_KEY, DISPATCH, FOLLOWUP, KINDS, PROGRESS, SCORING
from inspection.model import TrackedHazard
from inspection.pool import run_all
from inspection.progressbar import silent_progress
from inspection.decisions.rounds import Earlier
from inspection.paper.common import clear_stale_temps

POOL_MIN_TASKS = 32  # below this, worker processes cost more than they save


@dataclass
class TemplatesResult:
    folder: Path
    by_kind: dict[str, list[tuple[object, Path]]] = field(default_factory=dict)  # kind key → (target, path)
    departments: frozenset[str] = frozenset()  # the 调度表 senders that are departments, not units
    open_hazards: int = 0
    seconds: float = 0.0

    def paths(self, kind) -> list[Path]:
        return [path for _, path in self.by_kind.get(kind.key, [])]

    @property
    def all(self) -> list[Path]:
        return [path for kind in KINDS for path in self.paths(kind)]

    @property
    def scoring(self) -> list[Path]:
        return self.paths(SCORING)

    @property
    def dispatch(self) -> list[Path]:
        return self.paths(DISPATCH)

    @property
    def followup(self) -> list[Path]:  # one per unit with hazards still open
        return self.paths(FOLLOWUP)

    @property
    def progress_units(self) -> list[Path]:
        return [path for name, path in self.by_kind.get(PROGRESS.key, []) if name not in self.departments]

    @property
    def progress_departments(self) -> list[Path]:
        return [path for name, path in self.by_kind.get(PROGRESS.key, []) if name in self.departments]


def generate_templates(campaign: Campaign, folder: Path, archive: Path | None = None, *,
                       jobs: int = 1, progress=None) -> TemplatesResult:
    """Write every blank template each kind plans (one 打分表 and one 交办清单 per group, one 调度表 per
    unit and per department and, when the archive holds hazards not yet closed, one 隐患整改跟踪表 per
    unit that has any). With jobs > 1 the workbooks are written by a pool of processes; the files
    are the same."""
    started = time.perf_counter()
    clear_stale_temps(folder)
    by_unit = open_hazards(archive, campaign) if archive is not None and archive.exists() else {}
    tasks = [(kind.key, target) for kind in KINDS for target in kind.plan(campaign, by_unit)]
    with (progress or silent_progress)(len(tasks)) as update:
        paths = list(run_all(_write_task, (campaign, folder), tasks, jobs=jobs, min_items=POOL_MIN_TASKS,
                             update=update))
    result = TemplatesResult(folder, {kind.key: [] for kind in KINDS}, frozenset(campaign.config.departments),
                             open_hazards=sum(len(h) for h in by_unit.values()))
    for (kind, target), path in zip(tasks, paths):
        result.by_kind[kind].append((target, path))
    result.seconds = time.perf_counter() - started
    return result


def _write_task(state: tuple[Campaign, Path], task: tuple[str, object]) -> Path:
    campaign, folder = state
    kind, target = task
    return BY_KEY[kind].write(campaign, target, folder)


def open_hazards(archive: Path, campaign: Campaign) -> dict[str, list[TrackedHazard]]:
    """Unit → its hazards not yet closed (销号), in config order and then as first assigned."""
    config = campaign.config
    conn = open_archive(archive)
    try:
        tracked, _ = Earlier.read(conn, config).tracked()
    finally:
        conn.close()
    by_unit: dict[str, list[TrackedHazard]] = {unit: [] for unit in config.units}
    for t in sorted(tracked, key=lambda t: (t.first_round, t.hazard.group or 0, t.hazard.number or 0, t.hazard.id)):
        if not t.closed_round and t.hazard.unit in by_unit:
            by_unit[t.hazard.unit].append(t)
    return {unit: hazards for unit, hazards in by_unit.items() if hazards}
