"""The kinds of form, one module each (the unit's own 自评表 and 自查问题清单 share one), and the one
registry every stage iterates.

Adding a kind: a module here with its reader and a `Kind` (see base.py), its template writer in
writers/, and one line in KINDS below.
"""

from inspection.kinds.base import Kind, Source
from inspection.kinds.dispatch.reader import DISPATCH
from inspection.kinds.followup.reader import FOLLOWUP
from inspection.kinds.progress.reader import PROGRESS
from inspection.kinds.scoring.reader import SCORING
from inspection.kinds.self_assessment.reader import SELF_CHECK, SELF_SCORING

KINDS: tuple[Kind, ...] = (SCORING, DISPATCH, PROGRESS, FOLLOWUP, SELF_SCORING, SELF_CHECK)
BY_KEY: dict[str, Kind] = {k.key: k for k in KINDS}
NAMES: dict[str, str] = {k.key: k.name for k in KINDS}  # key → what people call it

__all__ = ["BY_KEY", "DISPATCH", "FOLLOWUP", "KINDS", "Kind", "NAMES", "PROGRESS", "SCORING", "SELF_CHECK",
           "SELF_SCORING", "Source"]
