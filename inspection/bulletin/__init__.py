"""The bulletin draft (通报草稿_{campaign}_{round}.docx): what `run` writes beside the report for the
office to finish: the facts and both annexes from the run, 【…】 where a person writes.

draft.py makes the text from the RunResult; docx_out.py lays it out as a 公文 in Word.
"""

from pathlib import Path

from inspection.bulletin.draft import Draft, draft_bulletin
from inspection.bulletin.docx_out import write_docx
from inspection.spec.campaign import Campaign
from inspection.model import RunResult

REPORT_WORD = "排名汇总"
DRAFT_WORD = "通报草稿"


def draft_path(report: Path) -> Path:
    """Beside the report and named as it is: 排名汇总_{campaign}_{round}.xlsx → 通报草稿_{campaign}_{round}.docx."""
    return report.with_name(report.stem.replace(REPORT_WORD, DRAFT_WORD, 1) + ".docx")


def write_draft(result: RunResult, campaign: Campaign) -> Path:
    """Write the draft of this run's bulletin beside its report; returns its path."""
    return write_docx(draft_bulletin(result, campaign), draft_path(result.output_path),
                      author=campaign.config.issuer)


__all__ = ["Draft", "draft_bulletin", "draft_path", "write_docx", "write_draft"]
