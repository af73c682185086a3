"""The catalog of findings: every problem the tool can report in a returned file, with a stable code.

A finding is a record, not an exception: the run collects them all and writes them to 校验报告.
错误 (error) rejects the file; 警告 (warning) is reported and the file is still used.
"""

from dataclasses import dataclass, field
from enum import Enum

ERROR = "错误"
WARNING = "警告"
INFO = "提示"


@dataclass(frozen=True)
class Rule:
    level: str
    title: str  # a short name for the kind of problem
    template: str  # the message, with {placeholders}


class Code(Enum):
    # --- files ---
    F001 = Rule(ERROR, "文件无法读取", "文件无法作为表格打开（{detail}）。请用 Excel 或 WPS 打开确认，另存为 .xlsx 后重新报送。")
    F002 = Rule(ERROR, "文件设有密码", "文件设有打开密码，无法读取。请去掉密码（文件→信息→保护工作簿）后重新报送。")
    F003 = Rule(INFO, "已忽略", "{detail}，不作处理。")
    F004 = Rule(ERROR, "文件为空", "文件大小为 0 字节，可能保存或传输失败。请重新报送。")
    F005 = Rule(ERROR, "文件超过大小上限", "文件大小 {size}，超过上限 {limit}，未读取。请确认是否报错了文件；表格中插有大量照片的，"
                "请删去照片、另存为 .xlsx 后重新报送（上限见 config.toml 的 [limits]）。")
    F006 = Rule(ERROR, "压缩包异常（疑似压缩炸弹）", "{what}，超过上限 {limit}，疑似恶意构造的“压缩炸弹”，未读取。"
                "请让报送单位用 Excel 或 WPS 打开后重新另存为 .xlsx 再报送（上限见 config.toml 的 [limits]）。")
    F007 = Rule(ERROR, "含有 XML 实体声明", "文件内部的 {member} 含有 XML 文档类型或实体声明（<!DOCTYPE、<!ENTITY），Excel 和 WPS "
                "保存的表格不会有，疑似恶意构造，未读取。请让报送单位重新另存为 .xlsx 后再报送。")
    F008 = Rule(ERROR, "表格数据区域过大", "{what}，超过上限 {limit}，未读取。如果是在很远的单元格误填了内容，请按 Ctrl+End "
                "找到最后一个有内容的单元格，删去多余的行和列；否则请让报送单位重新另存为 .xlsx 后再报送"
                "（上限见 config.toml 的 [limits] 中的 max_cells）。")
    F010 = Rule(WARNING, "含有宏", "文件含有宏（VBA）。本工具只读取单元格数据，不运行宏；报送表格请另存为 .xlsx。")
    F011 = Rule(WARNING, "含有外部链接", "文件含有指向其他工作簿的外部链接。本工具不跟随链接，只读取单元格中保存的值；"
                "如不需要链接，可在 Excel 中用“数据→编辑链接→断开链接”后重新报送。")
    F012 = Rule(ERROR, "读取时文件被改动", "读取期间文件被改动（可能正在保存或同步），本次不采用。请等文件保存完毕后重新运行。")
    F013 = Rule(ERROR, "读取时程序出错", "读取这个文件时程序出错（{error}），已跳过此文件，其余文件照常汇总。"
                "请把输出文件夹中的 {log} 发给维护人员。")
    F014 = Rule(ERROR, "压缩包无法解压", "{what}，其中的文件没有读取。{fix}")
    F015 = Rule(ERROR, "表格格式无法读取", "这是{what}，本工具无法读取，也就无法确认是哪个单位的哪张表。{fix}")
    F016 = Rule(WARNING, "不是电子表格（未读取）", "这是{what}。本工具只读取用下发模板填写的电子表格，不能识别扫描件、照片或"
                "打印后手写的表格。如果它是某单位报回的表格，请让报送单位在下发的模板中填写，保存为 .xlsx 后重新报送；"
                "如果只是随表附带的材料（如签字页的扫描件），不必处理。")
    F017 = Rule(ERROR, "文件夹无法打开", "无法打开这个文件夹（{detail}），其中的文件没有读取。请检查文件夹的访问权限，"
                "或把其中的表格移出来放进 input 文件夹后再运行。")
    # --- identity (_meta) ---
    M001 = Rule(ERROR, "缺少识别信息", "找不到隐藏的识别信息表 _meta，无法确认这是本工具生成的模板。请用下发的模板重新填写。")
    M002 = Rule(ERROR, "识别信息不全", "识别信息缺少 {key}。请用下发的模板重新填写。")
    M003 = Rule(ERROR, "表格类型未知", "识别信息中的表格类型“{value}”无法识别。")
    M004 = Rule(ERROR, "不是本次检查的表格", "识别信息中的检查活动为“{value}”，本次为“{expected}”。")
    M005 = Rule(ERROR, "考评细则不符", "表格使用的考评细则为 {value}，本次应为 {expected}。请用本次下发的模板。")
    M006 = Rule(ERROR, "单位不在名单中", "表格的被检查单位“{value}”不在本次配置的名单中。")
    M007 = Rule(ERROR, "检查组与单位不对应", "表格写明第 {group} 组检查“{name}”，而配置中检查“{name}”的是{expected}。")
    M008 = Rule(ERROR, "不是本轮的表格", "表格的轮次为 {value}，本次汇总的轮次为 {expected}。{fix}")
    M009 = Rule(ERROR, "同一单位报送了不同文件", "“{name}”的{kind}收到多个内容不同的文件（{files}），看不出哪一份是更正后的，"
                "均不采用。{differences}请确定以哪一份为准：把不要的那份移出输入文件夹，或在要用的那份的文件名中加上“（修改后）”，"
                "然后重新运行。")
    M010 = Rule(WARNING, "重复文件", "与 {other} 内容完全相同，只采用一份。")
    M011 = Rule(ERROR, "表格上写的单位与识别信息不符", "表格上写的是“{page}”（{where}），而隐藏的识别信息表明这是{meta}的{kind}，"
                "可能是用{meta}的模板填写了{page}。请用{page}的模板重新填写；如确是{meta}的，请把表上的单位改回“{meta}”。")
    M012 = Rule(ERROR, "文件名写的单位与识别信息不符", "文件名写的是“{page}”，而隐藏的识别信息表明这是{meta}的{kind}，"
                "可能是用{meta}的模板填写了{page}。请用{page}的模板重新填写；如确是{meta}的，请把文件名改为{meta}。")
    M013 = Rule(ERROR, "本次检查不用这种表格", "这是一份{kind}，而本次检查（{campaign}）不收{kind}。"
                "如果报错了文件，请不要放进 input；如果本次确实要收，请在配置文件的 [forms] 中写上它。")
    M014 = Rule(WARNING, "缺少识别信息（按表上写的识别）", "找不到隐藏的识别信息表 _meta（表格可能复制到了新的工作簿或另存过），"
                "按表上写的“{name}”和工作表“{form}”识别为{name}的{kind}，作为本轮（{round}）的表格读取。如有误，请用下发的模板重新填写。")
    M015 = Rule(WARNING, "考评细则版本不同（按本次的读取）", "表格所用考评细则为第 {value} 版，本次为第 {expected} 版（下发模板后改过），"
                "按本次的考评细则读取：条款编号、分值与本次不符的，另有错误提示。")
    M016 = Rule(INFO, "上一轮的表格", "这是 {value} 的表格（本次汇总 {expected}），不计入本轮。")
    M017 = Rule(WARNING, "上一轮的表格，归档中没有", "这是 {value} 的表格（本次汇总 {expected}），不计入本轮；归档中没有 {value} "
                "的这份表格。如要补记那一轮，请把它放进一个单独的文件夹，运行 python process.py run --round {value} "
                "--input 那个文件夹。")
    # --- sheet structure ---
    S001 = Rule(ERROR, "缺少工作表", "找不到工作表“{name}”{hint}。请不要改动工作表名称。")
    S002 = Rule(ERROR, "缺少表头", "找不到表头“{label}”{hint}。请不要改动表头文字。")
    S003 = Rule(ERROR, "缺少评分标准", "找不到评分标准 {label}（{text}）。请不要删除或改动条款行。")
    S004 = Rule(ERROR, "评分标准重复", "评分标准 {label} 出现了 {count} 次（{cells}）。请删除多出的行。")
    S005 = Rule(ERROR, "评分标准编号不认识", "“{text}”不是本考评细则中的评分标准编号，可能改动了条款编号。")
    S006 = Rule(ERROR, "分值被改动", "{label} 所在细则的分值为 {value}，考评细则规定为 {expected} 分。分值以考评细则为准，请不要改动。")
    S007 = Rule(WARNING, "条款文字被改动", "评分标准 {label} 的文字与考评细则不一致，按编号读取。")
    S008 = Rule(WARNING, "空白模板（未填写）", "这是下发的空白{kind}，没有填写任何内容，不作为报回的表格。"
                "如果它是{name}报回的表格，请填写后重新报送。")
    S009 = Rule(ERROR, "内容填在了复制的工作表中", "工作表“{name}”是“{main}”的副本，其中 {count} 处与“{main}”不同（{cells}），"
                "本工具只读取“{main}”。请把内容填在“{main}”工作表中，删去这个副本后重新报送。")
    S010 = Rule(ERROR, "数字或扣分填在了不读取的位置", "{where}填了“{value}”，没有计入。{fix}")
    S011 = Rule(WARNING, "内容填在了不读取的位置", "{where}填了“{value}”，本工具不读取这里。{fix}")
    S012 = Rule(WARNING, "评分标准重复（合计计入）", "评分标准 {label} 出现了 {count} 次（{cells}），各行的扣分合计计入这一条"
                "（内容完全相同的行只计一次）。如有多出的行，请删除。")
    S013 = Rule(WARNING, "工作表改了名称", "工作表“{name}”改名为“{renamed}”，已按其内容读取。")
    S014 = Rule(WARNING, "工作表的副本与原表不同（按原表读取）", "工作表“{name}”是“{main}”的副本，其中 {count} 处与“{main}”"
                "填的不同（{cells}），按“{main}”读取。如“{name}”才是要报送的内容，请把它填进“{main}”、删去副本后重新报送。")
    # --- deductions ---
    D001 = Rule(ERROR, "扣分无法识别", "扣分“{value}”无法识别为数字。请填写数字，如 1 或 0.5；不扣分留空。")
    D002 = Rule(ERROR, "扣分为负数", "扣分 {value} 为负数。扣分应填正数。")
    D003 = Rule(ERROR, "扣分不是 0.1 的整数倍", "扣分 {value} 不是 0.1 的整数倍。请保留一位小数。")
    D004 = Rule(ERROR, "扣分超过分值", "扣分 {value} 超过本项细则分值 {points} 分。")
    D005 = Rule(WARNING, "扣分合计超过分值", "细则 {item} 各条扣分合计 {total} 分，超过分值 {points} 分，本项按 0 分计。")
    D006 = Rule(ERROR, "有扣分无原因", "{label} 扣 {value} 分，{what}。通报要写明具体原因，请补填。")
    D007 = Rule(WARNING, "有原因无扣分", "{label} 填写了扣分原因，但扣分为空或 0，按不扣分计。")
    D008 = Rule(WARNING, "扣分不是单项扣分的整数倍", "{label} 按“每{per}扣 {step} 分”计扣，扣分 {value} 不是 {step} 的整数倍。")
    D009 = Rule(WARNING, "完成情况未填或过于简单", "细则 {item} 有扣分，完成情况{what}。请写明具体完成情况和未完成的工作。")
    D010 = Rule(WARNING, "得分未重新计算", "得分单元格显示 {value}，按扣分计算应为 {expected}（{why}）。"
                "以按扣分计算的得分为准。")
    D011 = Rule(ERROR, "扣分填了公式（结果无法确定）", "扣分单元格填的是公式{formula}，表格中没有保存它的结果，无法确定扣几分。"
                "请直接填写扣分数字。")
    D012 = Rule(ERROR, "扣分写在了文字里", "{where}写了“{text}”，但{label}的扣分栏是空的，没有计入。"
                "请把扣分数字填在扣分栏；如不扣分，请删去文字中的扣分。")
    D013 = Rule(ERROR, "得分被改写", "得分单元格{how}，显示 {value}，按扣分计算应为 {expected}。得分由扣分算出，不能直接改写："
                "请把扣分填在“扣分”栏、原因填在“扣分原因”栏，得分恢复为原来的公式后重新报送。")
    D014 = Rule(ERROR, "既无扣分也无完成情况", "表格没有填写任何扣分、扣分原因或完成情况，无法确认是全部满分还是没有填完。"
                "请逐项填写完成情况（全部满分时也要写明核实情况）后重新报送。")
    D015 = Rule(WARNING, "扣分填了公式", "扣分单元格填的是公式{formula}，按它的结果 {value} 分计。请直接填写扣分数字。")
    D016 = Rule(INFO, "扣分原因写“同上”", "{label} 的扣分原因写的是“{value}”，按上一条的扣分原因“{reason}”读取。")
    D017 = Rule(ERROR, "完成情况只写了一个数", "细则 {item} 的完成情况只写了“{text}”：完成情况应写明做了什么、哪些没做到；"
                "如是扣分，请填在对应评分标准的“扣分”栏，没有计入。")
    # --- dates ---
    T001 = Rule(WARNING, "日期无法识别", "{what}“{value}”无法识别。请写作 2023年8月15日 或 2023/8/15。")
    T002 = Rule(WARNING, "日期不在检查时间内", "{what} {value} 不在检查时间 {start} 至 {end} 内。")
    T003 = Rule(WARNING, "报送晚于截止日期", "{what} {value} 晚于报送截止日期 {deadline}。")
    T004 = Rule(WARNING, "日期未填", "没有填写{what}。请填写，如 2023年8月15日。")
    T005 = Rule(INFO, "日期未写年份", "{what}“{value}”没有写年份，按 {day} 读取（{why}）。如不是这一年，请写明年份。")
    # --- hazard lists (交办清单), one row each ---
    H001 = Rule(WARNING, "缺少企业名称", "第 {no} 条问题隐患没有填写企业（单位）名称。")
    H002 = Rule(WARNING, "缺少问题隐患描述", "第 {no} 条问题隐患没有填写问题隐患描述。")
    H003 = Rule(WARNING, "选项写法不规范", "{field}“{value}”按“{official}”处理。请从下拉列表选择。")
    H004 = Rule(WARNING, "选项不在列表中", "{field}“{value}”不是下拉列表中的选项（{choices}），按空白处理。")
    H005 = Rule(WARNING, "整改时限无法识别", "第 {no} 条的整改时限“{value}”无法识别为日期。请写作 2023/9/30。")
    H006 = Rule(WARNING, "整改时限早于检查日期", "第 {no} 条的整改时限 {value} 早于交办日期 {listed}。")
    H007 = Rule(WARNING, "未签字", "“{label}”未签字。清单须由双方签字后生效。")
    H008 = Rule(WARNING, "交办日期未填或无法识别", "清单的交办日期{what}。请填写交办日期，如 2023年8月15日。")
    H009 = Rule(WARNING, "序号重复", "序号 {no} 在 {cells} 重复出现。每一行都作为一条问题隐患登记，编号按行的先后；请核对序号。")
    H010 = Rule(WARNING, "备注中的隐患编号已被沿用", "备注写的隐患编号 {hazard} 已由 {other} 这一行沿用；本行作为新的隐患登记，编号 {new}。如是同一隐患，请只保留一行。")
    # --- progress tables (调度表) ---
    P001 = Rule(ERROR, "数值无法识别", "“{label}”填的“{value}”不是数字。")
    P002 = Rule(ERROR, "数量不是整数", "“{label}”是数量，应为整数，现为 {value}。")
    P003 = Rule(ERROR, "数值为负", "“{label}”为 {value}，不能为负数。")
    P004 = Rule(ERROR, "分项超过总数", "“{label}”为 {value}，超过了“{other}”{other_value}。")
    P005 = Rule(ERROR, "是否项填写有误", "“{label}”应填“是”或“否”，现为“{value}”。")
    P006 = Rule(WARNING, "未填写", "“{label}”未填写，按 0 计。没有发生的请填 0。")
    P007 = Rule(ERROR, "缺少填报项目", "找不到填报项目“{label}”。请不要改动项目文字或删除行。")
    P008 = Rule(WARNING, "累计数比上期少", "“{label}”是累计数，本期 {value}，比上期（{previous_round}）的 {previous} 少。请核实。")
    P009 = Rule(WARNING, "填报时间未填或无法识别", "调度表的填报时间{what}。请填写填报日期，如 2023年8月25日。")
    # --- 隐患整改跟踪表 (status updates of hazards assigned in earlier rounds) ---
    K001 = Rule(WARNING, "隐患编号不认识", "隐患编号“{value}”不在归档的隐患中，该行不处理。请不要改动隐患编号。")
    K002 = Rule(WARNING, "整改状态无法识别", "隐患 {hazard} 的整改状态“{value}”不是下拉列表中的选项（{choices}），该行不处理。")
    K003 = Rule(WARNING, "整改完成日期未填", "隐患 {hazard} 标为已整改，但没有填写整改完成日期，按表头的“填报时间”销号。请补填完成日期。")
    K004 = Rule(WARNING, "整改完成日期无法识别", "隐患 {hazard} 的整改完成日期“{value}”无法识别。请写作 2023/9/30。")
    K005 = Rule(WARNING, "隐患不属于本单位", "隐患 {hazard} 属于{owner}，不是本表的{name}，该行不处理。")
    K006 = Rule(WARNING, "填报时间未填或无法识别", "跟踪表的填报时间{what}。标为已整改、又没填整改完成日期的隐患，销号日期无从确定。"
                "请填写填报时间，如 2023年9月5日。")
    K007 = Rule(WARNING, "隐患编号重复", "隐患 {hazard} 在 {cells} 重复出现：一个隐患只填一行，请删去多余的一行或核对隐患编号。")
    # --- the archive across rounds ---
    A001 = Rule(WARNING, "更正后的文件替换了上次记录", "{name}本轮（{round}）的{kind}已归档过另一份文件（{old_file}，{old_time} 记录），本次以更正后的文件为准。")
    A002 = Rule(WARNING, "已销号的隐患又报为未整改", "隐患 {hazard} 已于 {closed_on} 销号（{closed_file}），本文件报为“{status}”。销号不自动撤销：如隐患确实复发，请作为新隐患交办。")
    # --- the campaign as a whole ---
    # {why}: "" or what input/ holds that was not read and may be this return (decide.py).
    U001 = Rule(ERROR, "单位未报送", "没有收到“{name}”的{kind}（应由{who}报送）。{why}")
    U002 = Rule(WARNING, "未报送", "没有收到“{name}”的{kind}。{why}")

    @property
    def level(self) -> str:
        return self.value.level

    @property
    def title(self) -> str:
        return self.value.title


@dataclass(frozen=True)
class Finding:
    code: Code
    message: str
    file: str = ""  # path relative to input/
    unit: str = ""
    sheet: str = ""
    cell: str = ""  # A1 reference, or "" when the finding is about the whole file
    about: str = ""  # another unit the finding names: the one a retitled form was filled in for (M011, M012)
    values: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # what filled the message, for reuse

    @property
    def level(self) -> str:
        return self.code.level

    @property
    def is_error(self) -> bool:
        return self.code.level == ERROR


def finding(code: Code, *, file: str = "", unit: str = "", sheet: str = "", cell: str = "", about: str = "",
            **values) -> Finding:
    """Build a finding from the catalog template; `values` fill the template's placeholders."""
    return Finding(code, code.value.template.format(**values), file, unit, sheet, cell, about,
                   tuple((key, str(value)) for key, value in values.items()))


LEVEL_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def sort_key(f: Finding):
    """Errors before warnings (as the ARPA reporter does), then by file and cell."""
    return (LEVEL_ORDER[f.level], f.file, f.sheet, _cell_order(f.cell), f.code.name)


def _cell_order(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = "".join(ch for ch in cell if ch.isalpha())
    return (int(digits) if digits else 0, letters)
