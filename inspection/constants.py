"""Names other programs and people rely on: sheet names, header labels, _meta keys, file names.

The README promises them (its sections on each command, the templates and the consolidated
workbook); change nothing here without a reason a user would accept.
"""

from dataclasses import dataclass

TOOL_VERSION = "0.1.0"
# Bumped whenever the layout of a generated template changes in a way a reader must know about.
TEMPLATE_VERSION = "1"

# --- kinds of workbook (the `kind` value in _meta) ---
KIND_SCORING = "scoring"
KIND_DISPATCH = "dispatch"
KIND_PROGRESS = "progress"
KIND_FOLLOWUP = "followup"
KIND_SELF_SCORING = "self_scoring"  # 自评表: the unit scores itself on the campaign's rubric
KIND_SELF_CHECK = "self_check"  # 自查问题清单: the problems the unit found itself

# --- sheet names ---
SHEET_SCORING = "打分表"
SHEET_DISPATCH = "交办清单"
SHEET_PROGRESS = "调度表"
SHEET_FOLLOWUP = "隐患整改跟踪"
SHEET_SELF_SCORING = "自评表"
SHEET_SELF_CHECK = "自查问题清单"
SHEET_HELP = "填表说明"
SHEET_META = "_meta"
# The first sheet of a return sent back marked up (退回修改): what is wrong and where; the readers skip it.
SHEET_CORRECTIONS = "修改说明"

# --- scoring sheet header (the level columns take their labels from the rubric) ---
COL_POINTS = "分值"
COL_STATUS = "完成情况"
COL_DEDUCTION = "扣分"
COL_REASON = "扣分原因"
COL_SCORE = "得分"
TOTAL_LABEL = "总得分"
LABEL_INSPECTION_DATE = "检查日期"
LABEL_INSPECTORS = "检查人员"



@dataclass(frozen=True)
class ScoringRole:
    """Who fills a scoring form in: the group reviewing the unit (打分表, the official score) or the
    unit itself (自评表). Same rubric and layout; these words differ."""

    kind: str  # `kind` in _meta
    name: str  # what people call the form
    sheet: str
    date_label: str
    people_label: str


REVIEW = ScoringRole(KIND_SCORING, "打分表", SHEET_SCORING, LABEL_INSPECTION_DATE, LABEL_INSPECTORS)
SELF_REVIEW = ScoringRole(KIND_SELF_SCORING, "自评表", SHEET_SELF_SCORING, "自评日期", "自评人员")

# --- dispatch list (交办清单) ---
DISPATCH_TITLE = "问题隐患反馈交办清单"
DISPATCH_HEADERS = (
    "序号", "企业（单位）名称", "行业领域", "问题隐患描述", "隐患级别",
    "整改要求", "整改时限", "责任单位", "整改状态", "备注",
)
DISPATCH_ROWS = 50
HAZARD_LEVELS = ("重大事故隐患", "一般隐患")
RECTIFY_STATUSES = ("未整改", "整改中", "已整改")
STATUS_OPEN, STATUS_FIXED = RECTIFY_STATUSES[0], RECTIFY_STATUSES[-1]  # the first and the closing one
LABEL_DATE = "日期"
SIGN_GROUP = "{group_noun}人员签字"
SIGN_LOCAL = "属地{unit_label}安委会人员签字"
DISPATCH_NOTE = (
    "备注：该清单一式三份，由{group_noun}人员现场填写，并与属地{unit_label}安委会人员共同签字后，"
    "一份交属地{unit_label}安委会，一份由{group_noun}存档，一份报{receiver}。"
)
SELF_CHECK_TITLE = "自查问题清单"
SIGN_FILLER, SIGN_HEAD = "填表人", "单位负责人"
SELF_CHECK_NOTE = "备注：本清单由{unit_label}自查填写，随自评表一并报送{receiver}；{group_noun}复核时对照。"


@dataclass(frozen=True)
class ListRole:
    """Who fills a hazard list in: the group on site (交办清单) or the unit itself (自查问题清单).
    Same columns; these words differ."""

    kind: str
    name: str
    sheet: str
    title: str


ASSIGNED = ListRole(KIND_DISPATCH, "交办清单", SHEET_DISPATCH, DISPATCH_TITLE)
SELF_FOUND = ListRole(KIND_SELF_CHECK, "自查问题清单", SHEET_SELF_CHECK, SELF_CHECK_TITLE)

# --- follow-up table (隐患整改跟踪表): open hazards of earlier rounds, one table per unit ---
FOLLOWUP_TITLE = "问题隐患整改跟踪表"
FOLLOWUP_HEADERS = (
    "序号", "隐患编号", "企业（单位）名称", "行业领域", "隐患级别", "问题隐患描述", "整改要求", "整改时限",
    "首次交办", "上次状态", "整改状态", "整改完成日期", "整改情况说明",
)

# --- progress tables (调度表) ---
PROGRESS_HEADERS = ("类别", "序号", "填报项目", "单位", "累计数")
LABEL_REPORT_DATE = "填报时间"
LABEL_REPORTER = "填报人"
LABEL_PHONE = "联系电话"
YES_NO = ("是", "否")

# --- _meta keys ---
META_KEYS = (
    "kind", "form", "rubric_id", "rubric_version", "campaign", "round", "county", "group",
    "reporter", "template_id", "template_version", "generated_at", "tool_version",
)
# Written into a return sent back marked up (as a correction in ODK carries deprecatedID): the
# SHA-256 and the name of the file it is a copy of. A copy fixed and sent again replaces that file.
META_REPLACES = "replaces"
META_REPLACES_FILE = "replaces_file"

# --- file names ---
SCORING_FILE = "打分表_{group:02d}_{unit}.xlsx"
DISPATCH_FILE = "交办清单_{group:02d}_{unit}.xlsx"
SCORING_FILE_UNGROUPED = "打分表_{unit}.xlsx"  # a campaign without groups
DISPATCH_FILE_UNGROUPED = "交办清单_{unit}.xlsx"
PROGRESS_FILE = "调度表_{reporter}_{round}.xlsx"
FOLLOWUP_FILE = "隐患整改跟踪表_{unit}_{round}.xlsx"
SELF_SCORING_FILE = "自评表_{unit}.xlsx"
SELF_CHECK_FILE = "自查问题清单_{unit}.xlsx"

# --- default paths, relative to the project root ---
DEFAULT_CONFIG = "config.toml"
DEFAULT_TEMPLATES_DIR = "templates"
DEFAULT_INPUT_DIR = "input"
DEFAULT_OUTPUT_DIR = "output"
