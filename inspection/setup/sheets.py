"""The setup workbook (检查活动设置.xlsx): its sheets and columns, shared by the writer and the reader.

A campaign set up in Excel instead of TOML. Each sheet has a header row; the reader finds columns by
their header text, so a clerk may add columns or move them. The basic facts are one per row
(项目 | 内容), each naming the config.toml key it stands for.
"""

from dataclasses import dataclass

WORKBOOK_FILE = "检查活动设置.xlsx"

SHEET_BASICS = "基本信息"
SHEET_UNITS = "被检查单位"
SHEET_GROUPS = "检查组"
SHEET_DEPARTMENTS = "部门"
SHEET_SECTORS = "行业领域"
SHEET_RUBRIC = "考评细则"
SHEET_PARSED = "解析结果"
SHEET_HELP = "填表说明"

YES, NO = "是", "否"
PERIODS = ("每月", "每季度", "每半年", "每年")


@dataclass(frozen=True)
class Basic:
    label: str  # what the 项目 column says
    table: str  # where it goes in config.toml / the rubric: "campaign", "units", "forms", "rubric"
    key: str
    kind: str  # text, date, yesno, path, number, optional (text that may be left blank)
    note: str  # the 说明 column: what to write


BASICS = (
    Basic("检查活动名称", "campaign", "name", "text", "写入每个表格的识别信息和汇总表文件名"),
    Basic("发文单位", "campaign", "issuer", "text", "如 信阳市安全生产委员会办公室"),
    Basic("报送给谁", "campaign", "receiver", "text", "交办清单“一份报……”处，如 市安委会办公室、区安委会办公室"),
    Basic("轮次", "campaign", "round", "text", "如 2023-08、2023年8月、2023-Q3、2023年第三季度、2023年度；各轮用同一种写法"),
    Basic("检查开始日期", "campaign", "inspection_start", "date", "日期格式，如 2023/8/7"),
    Basic("检查结束日期", "campaign", "inspection_end", "date", "日期格式"),
    Basic("报送截止日期", "campaign", "deadline", "date", "日期格式，不早于检查结束日期"),
    Basic("检查组的称呼", "campaign", "group_noun", "text", "如 专项行动组、综合检查组、考评组、督导组"),
    Basic("调度表报送周期", "campaign", "period", "text", "每月、每季度……（从下拉列表选）"),
    Basic("被检查单位的称呼", "units", "label", "text", "如 县区、县（市、区）、乡镇（街道）"),
    Basic("用交办清单", "forms", "dispatch", "yesno", "是/否"),
    Basic("用隐患整改跟踪表", "forms", "followup", "yesno", "是/否（要用交办清单）"),
    Basic("被检查单位先自评", "forms", "self_assessment", "yesno",
          "是/否：是，则每个单位另有一份自评表（用交办清单时还有自查问题清单），汇总表比较自评与复核"),
    Basic("被检查单位的调度表表样", "forms", "progress_unit", "path",
          "调度表表样文件（forms/ 下的 .toml），相对本表格所在文件夹；不用调度表就留空"),
    Basic("部门的调度表表样", "forms", "progress_department", "path", "同上；不收部门调度表就留空"),
    Basic("考评细则编号", "rubric", "id", "text", "英文、数字和 - 组成，写入打分表的识别信息，如 xinyang-2023-cross-inspection"),
    Basic("考评细则版本", "rubric", "version", "text", "条款或分值改动后加 1"),
    Basic("考评细则名称", "rubric", "name", "text", "如 信阳 2023 县际异地交叉检查"),
    Basic("打分表大标题", "rubric", "title", "text", "打分表第一行的标题"),
    Basic("打分表副标题", "rubric", "subtitle", "optional",
          "可留空；可用 {group_no}（中文组号）、{group_noun}、{unit}，如 （第{group_no}专项行动组检查{unit}）"),
    Basic("附件编号", "rubric", "annex", "optional", "如 附件2，可留空"),
    Basic("文号", "rubric", "source", "optional", "如 信安委办〔2023〕20号，可留空"),
    Basic("总分", "rubric", "total", "number", "各考评项目分值之和"),
)

# The list sheets: (sheet, the header of its one column of names)
UNITS_HEADER = ("序号", "名称")
DEPARTMENTS_HEADER = ("序号", "部门名称")
SECTORS_HEADER = ("序号", "行业领域")
GROUPS_HEADER = ("组号", "组名", "被检查单位", "组长", "副组长", "联络员", "联系电话", "成员")
GROUP_KEYS = {"组长": "leader", "副组长": "deputy", "联络员": "liaison", "联系电话": "phone"}
MEMBER_SEPARATORS = "、,，;；"
