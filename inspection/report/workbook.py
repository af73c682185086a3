"""The consolidated workbook (排名汇总_…xlsx): the bulletin's annexes, the ledgers and the audit trail.

Each sheet has its own module; this one fixes their order and writes the file atomically.
"""

from pathlib import Path

from inspection.spec.campaign import Campaign
from inspection.model import RunResult
from inspection.paper.common import Styles, atomic_workbook
from inspection.report.audit import write_about, write_findings
from inspection.report.hazards import write_counts, write_ledger
from inspection.report.progress import SHEET_PROGRESS_DEPARTMENTS, SHEET_PROGRESS_UNITS, write_progress
from inspection.report.ranking import write_ranking, write_reasons
from inspection.report.scores import write_common, write_scores
from inspection.report.selfcheck import write_selfcheck
from inspection.report.trend import write_trend
from inspection.report.reminders import write_reminder_sheet


def write_report(result: RunResult, campaign: Campaign, path: Path) -> Path:
    config, rubric = campaign.config, campaign.rubric
    with atomic_workbook(path) as wb:
        st = Styles(wb)
        write_ranking(wb, st, result, config, rubric)
        write_reasons(wb, st, result, config)
        write_scores(wb, st, result, config, rubric)
        write_common(wb, st, result, config, rubric)
        write_trend(wb, st, result, config)
        if result.comparison is not None:
            write_selfcheck(wb, st, result, config)
        if config.uses_dispatch:  # the sheets of forms the campaign does not use are left out
            write_ledger(wb, st, result, config)
            write_counts(wb, st, result, config)
        if campaign.unit_form:
            write_progress(wb, st, result, config, campaign.unit_form, config.units,
                           SHEET_PROGRESS_UNITS.format(unit_label=config.unit_label), config.unit_label)
        if campaign.department_form:
            write_progress(wb, st, result, config, campaign.department_form, config.departments,
                           SHEET_PROGRESS_DEPARTMENTS, "部门")
        write_reminder_sheet(wb, st, result, config)
        write_findings(wb, st, result, config)
        write_about(wb, st, result, config, rubric)
        wb.set_properties({"title": f"{config.campaign} 排名汇总（{config.shown_round}）", "comments": "由检查打分汇总工具生成"})
    return path
