"""The unit's own forms, filled before the group reviews it: 自评表 (the campaign's rubric, scored by the
unit itself) and 自查问题清单 (the problems it found itself). Read and archived as the group's 打分表 and
交办清单 are, by the same readers in another role; they never enter the ranking or the hazard ledger,
only the 自评与复核 comparison (selfcheck.py).
"""

from functools import partial

from inspection.spec.campaign import Campaign
from inspection.spec.config import Config
from inspection.constants import SELF_FOUND, SELF_REVIEW
from inspection.kinds.dispatch import reader as dispatch
from inspection.kinds.scoring import reader as scoring
from inspection.kinds.base import Kind
from inspection.kinds.dispatch.template import write_dispatch_template
from inspection.kinds.scoring.template import write_scoring_template


def used(config: Config) -> bool:
    return config.uses_self_assessment


def list_used(config: Config) -> bool:
    return config.uses_self_assessment and config.uses_dispatch


def senders(config: Config) -> tuple[str, ...]:
    return config.units if used(config) else ()


def list_senders(config: Config) -> tuple[str, ...]:
    return config.units if list_used(config) else ()


def plan(campaign: Campaign, open_hazards) -> list:
    return list(campaign.config.visits) if used(campaign.config) else []


def list_plan(campaign: Campaign, open_hazards) -> list:
    return list(campaign.config.visits) if list_used(campaign.config) else []


def write(campaign: Campaign, visit, folder):
    return write_scoring_template(campaign.config, campaign.rubric, visit, folder, SELF_REVIEW)


def list_write(campaign: Campaign, visit, folder):
    return write_dispatch_template(campaign.config, visit, folder, SELF_FOUND)


SELF_SCORING = Kind(SELF_REVIEW.kind, SELF_REVIEW.name, SELF_REVIEW.sheet, partial(scoring.read_as, role=SELF_REVIEW),
                    scoring.fingerprint, scoring.archive, senders, plan, write, used, rubric=True,
                    differences=scoring.differences)
SELF_CHECK = Kind(SELF_FOUND.kind, SELF_FOUND.name, SELF_FOUND.sheet, partial(dispatch.read_as, role=SELF_FOUND),
                  dispatch.fingerprint, dispatch.archive, list_senders, list_plan, list_write, list_used,
                  differences=dispatch.differences)
