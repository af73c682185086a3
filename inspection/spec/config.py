"""The campaign configuration (config.toml): who is inspected, by which group, when, with which rubric.

Nothing here says "county": a unit is whatever the campaign inspects (县区, 乡镇/街道, …), and
`units.label` says what to call it in the workbooks.
"""

from collections import Counter
import difflib
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
import re
import unicodedata

from inspection.errors import ConfigError
from inspection.spec.home import builtin
from inspection.reading.cells import NameFinder
from inspection.intake.limits import MB, Limits
from inspection.spec.toml_file import load_toml, to_decimal
from inspection.values import Window, chinese_date, visible

# Characters Windows does not allow in file names; unit and department names end up in them.
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
# The campaign's own words, where config.toml does not give them: the 信阳 2023 notice's.
DEFAULT_GROUP_NOUN = "专项行动组"
DEFAULT_RECEIVER = "市安委会办公室"
DEFAULT_PERIOD = "每月"


@dataclass(frozen=True)
class Group:
    number: int
    name: str  # e.g. "浉河区组", "第一组"
    units: tuple[str, ...]  # the units this group inspects: one 打分表 and one 交办清单 each
    members: tuple[str, ...] = ()
    leader: str = ""  # 组长, 副组长, 联络员 and a phone, as the notice lists them (may be "")
    deputy: str = ""
    liaison: str = ""
    phone: str = ""

    @property
    def label(self) -> str:
        return group_label(self.number, self.name)


def group_label(number: int, name: str = "") -> str:
    """How every sheet, message and draft names a group: "第 3 组（罗山县组）"."""
    return f"第 {number} 组（{name}）" if name else f"第 {number} 组"


@dataclass(frozen=True)
class Visit:
    """One unit as its group inspects it: one 打分表 and one 交办清单. `group` is None in a campaign
    without groups (the office assesses the units itself)."""

    unit: str
    group: Group | None


@dataclass(frozen=True)
class Config:
    path: Path
    campaign: str
    round: str  # the round in its sortable form ("2023-08", "2023-Q3", "2023"): _meta, the archive
    issuer: str
    rubric_path: Path
    unit_label: str
    units: tuple[str, ...]
    groups: tuple[Group, ...]  # () when the office assesses the units itself
    departments: tuple[str, ...]
    sectors: tuple[str, ...]
    inspection_start: date
    inspection_end: date
    deadline: date
    progress_unit_form: Path | None  # None: the campaign has no 调度表 for the units
    progress_department_form: Path | None
    limits: Limits = Limits()  # [limits]: how much a returned file may hold before it is read
    round_label: str = ""  # the round as config.toml writes it ("2023年第三季度"): shown on the forms
    group_noun: str = DEFAULT_GROUP_NOUN  # 专项行动组, 综合检查组, 考评组, 督导组 …
    receiver: str = DEFAULT_RECEIVER  # who the forms are sent to: 市安委会办公室, 区安委会办公室 …
    period: str = DEFAULT_PERIOD  # how often 调度表 are sent: 每月, 每季度 …
    uses_dispatch: bool = True  # 交办清单
    uses_followup: bool = True  # 隐患整改跟踪表
    uses_self_assessment: bool = False  # 自评表 (and 自查问题清单 with 交办清单): each unit assesses itself first

    @property
    def shown_round(self) -> str:
        return self.round_label or self.round

    @property
    def round_folder(self) -> str:
        """The round as a folder name: templates/2023-08/, 退回修改/2023年第三季度/."""
        return UNSAFE_FILENAME.sub("_", self.shown_round).strip(" .") or self.round

    @functools.cached_property
    def inspection_window(self) -> Window:
        """Where a date typed without its year (检查日期 "8月15日") falls: around the inspection period."""
        return Window.around(self.inspection_start, self.inspection_end,
                             f"本次检查时间为 {chinese_date(self.inspection_start)}至{chinese_date(self.inspection_end)}")

    @functools.cached_property
    def round_window(self) -> Window:
        """The same for dates a unit reports on its round (a 调度表's 填报时间): around the round's period."""
        return Window.around(*round_period(self.round), f"本轮为 {self.shown_round}")

    @property
    def visits(self) -> tuple[Visit, ...]:
        """Every unit with the group that inspects it, group by group (unit by unit without groups)."""
        if not self.groups:
            return tuple(Visit(unit, None) for unit in self.units)
        return tuple(Visit(unit, g) for g in self.groups for unit in g.units)

    def visit(self, unit: str) -> Visit:
        return Visit(unit, self.group_for_unit(unit))

    def group_for_unit(self, unit: str) -> Group | None:
        return self._lookup[0].get(unit)

    def is_unit(self, name: str) -> bool:
        return name in self._lookup[1]

    def is_department(self, name: str) -> bool:
        return name in self._lookup[2]

    @functools.cached_property
    def unit_names(self) -> NameFinder:
        """Finds the units a text names (a form's title, a file name), group names aside."""
        return NameFinder(self.units, ignore=[g.name for g in self.groups])

    @functools.cached_property
    def reporter_names(self) -> NameFinder:
        """The same for the units and departments that send 调度表."""
        return NameFinder((*self.units, *self.departments), ignore=[g.name for g in self.groups])

    def group_label(self, number: int) -> str:
        """第 n 组（its name）, the name looked up by 组号."""
        return group_label(number, self._group_names.get(number, ""))

    @functools.cached_property
    def _group_names(self) -> dict[int, str]:
        return {g.number: g.name for g in self.groups}

    @functools.cached_property
    def unit_order(self) -> dict[str, int]:
        """Each unit's place in the campaign's (administrative) order, from 0."""
        return {unit: n for n, unit in enumerate(self.units)}

    @functools.cached_property
    def _lookup(self) -> tuple[dict[str, Group], frozenset[str], frozenset[str]]:
        """By name, for a province's 3,000 units (a tuple is searched one by one)."""
        groups: dict[str, Group] = {}
        for g in self.groups:
            for unit in g.units:
                groups.setdefault(unit, g)
        return groups, frozenset(self.units), frozenset(self.departments)


def normalize_name(name: str) -> str:
    """Unit and department names are compared as they show, without spaces: "息 县" is 息县."""
    return re.sub(r"\s+", "", visible(name))


def _at(where: str, key: str) -> str:
    """Where a key is, as the messages name it: "campaign.round", "第 3 组的 units"."""
    return f"{where}.{key}" if where.isascii() else f"{where}的 {key}"


class _Keys:
    """Typed access to the parsed TOML that names the key in every error."""

    def __init__(self, path: Path, data: dict, source: str = "", places: dict[str, str] | None = None):
        self.path = path
        self.data = data
        self.source = source or f"配置文件 {path.name}"
        self.places = places or {}  # a key's cell, when the data came from a setup workbook

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source} 中 {self.places.get(key, key)}：{message}")

    def table(self, key: str) -> dict:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"[{key}]", "缺少此表")
        return value

    def text(self, table: dict, key: str, where: str, default: str | None = None) -> str:
        """A text; `default` when the key is left out ("" makes it optional)."""
        if key not in table and default is not None:
            return default
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_at(where, key), "应为非空文字，写在英文双引号里，如 \"某某\"")
        return value.strip()

    def flag(self, table: dict, key: str, where: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(_at(where, key), "应写 true（用）或 false（不用），不加引号")
        return value

    def day(self, table: dict, key: str, where: str) -> date:
        value = table.get(key)
        if not isinstance(value, date):
            raise self.fail(_at(where, key), "应为日期，写作 2023-08-07（不加引号）")
        return value

    def names(self, table: dict, key: str, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        value = table.get(key, [] if allow_empty else None)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(_at(where, key), "应为文字列表，如 [\"甲\", \"乙\"]")
        if not value and not allow_empty:
            raise self.fail(_at(where, key), "列表不能为空")
        names = tuple(normalize_name(v) for v in value)
        for name in names:
            if UNSAFE_FILENAME.search(name):
                raise self.fail(_at(where, key), f"名称“{name}”含有不能用于文件名的字符（\\ / : * ? \" < > |）")
        dupes = sorted(n for n, times in Counter(names).items() if times > 1)
        if dupes:
            raise self.fail(_at(where, key), f"名称重复：{'、'.join(dupes)}")
        return names

    def path_key(self, table: dict, key: str, where: str) -> Path:
        """A file the settings name, relative to the settings file's folder (the campaign folder), else
        the tool's built-in one of that name (a campaign folder need not copy rubrics/ and forms/)."""
        text = self.text(table, key, where)
        target = self.path.parent / text
        if not target.is_file():
            target = builtin(text) or target
        if not target.is_file():
            raise self.fail(_at(where, key), f"找不到文件 {self.path.parent / text}（本工具自带的考评细则和表样中也没有它）")
        return target


def load_config(path: str | Path) -> Config:
    """Read and check config.toml. Raises ConfigError with one Chinese line naming the key."""
    path = Path(path)
    try:
        data = load_toml(path, ConfigError, "配置文件")  # a syntax or encoding error: ConfigError
    except FileNotFoundError as err:
        raise ConfigError(f"找不到配置文件：{path}") from err
    except OSError as err:
        raise ConfigError(f"配置文件 {path} 无法读取：{err.strerror}") from err
    return config_from_data(data, path)


def config_from_data(data: dict, path: Path, source: str = "", places: dict[str, str] | None = None) -> Config:
    """Check and build the Config from `data`, shaped as config.toml parses (a setup workbook gives
    the same shape). Paths in it are relative to `path`'s folder; `source` names it in messages, and
    `places` the cell of a key ("campaign.round" → "基本信息!B5（轮次）") where it has one."""
    k = _Keys(path, data, source, places)
    campaign = k.table("campaign")
    units_t = k.table("units")
    forms_t = data.get("forms", {})
    if not isinstance(forms_t, dict):
        raise k.fail("[forms]", "应为一个表：另起一行写 [forms]，下面逐行写本次用到的表格")
    for key in forms_t:
        if key not in FORM_KEYS:
            raise k.fail(f"forms.{key}", f"没有这一项，可写的有 {'、'.join(FORM_KEYS)}")
    uses_dispatch = k.flag(forms_t, "dispatch", "forms")
    uses_followup = k.flag(forms_t, "followup", "forms")
    uses_self = k.flag(forms_t, "self_assessment", "forms")
    if uses_followup and not uses_dispatch:
        raise k.fail("forms.followup", "隐患整改跟踪表跟踪的是交办清单里的隐患：用它时也要用交办清单（dispatch = true）")
    unit_form = k.path_key(forms_t, "progress_unit", "forms") if "progress_unit" in forms_t else None
    department_form = (k.path_key(forms_t, "progress_department", "forms")
                       if "progress_department" in forms_t else None)

    raw_round = campaign.get("round", "")
    round_ = parse_round(raw_round) if isinstance(raw_round, (str, int)) else None
    if round_ is None:
        raise k.fail("campaign.round", f"“{raw_round}”不是认得的轮次写法。{ROUND_FORMS}")

    units = k.names(units_t, "names", "units")
    groups = _groups(k, data, units)
    start = k.day(campaign, "inspection_start", "campaign")
    end = k.day(campaign, "inspection_end", "campaign")
    deadline = k.day(campaign, "deadline", "campaign")
    if end < start:
        raise k.fail("campaign.inspection_end", f"{end} 早于开始日期 {start}")
    if deadline < end:
        raise k.fail("campaign.deadline", f"{deadline} 早于检查结束日期 {end}")
    departments = (k.names(k.table("departments"), "names", "departments")
                   if department_form else _optional_names(k, data, "departments", "names"))
    sectors = (k.names(k.table("hazards"), "sectors", "hazards")
               if uses_dispatch else _optional_names(k, data, "hazards", "sectors"))

    return Config(
        path=path,
        campaign=k.text(campaign, "name", "campaign"),
        round=round_,
        round_label=str(raw_round).strip(),
        issuer=k.text(campaign, "issuer", "campaign"),
        receiver=k.text(campaign, "receiver", "campaign", DEFAULT_RECEIVER),
        group_noun=k.text(campaign, "group_noun", "campaign", DEFAULT_GROUP_NOUN),
        period=k.text(campaign, "period", "campaign", DEFAULT_PERIOD),
        rubric_path=k.path_key(campaign, "rubric", "campaign"),
        unit_label=k.text(units_t, "label", "units"),
        units=units,
        groups=groups,
        departments=departments,
        sectors=sectors,
        inspection_start=start,
        inspection_end=end,
        deadline=deadline,
        progress_unit_form=unit_form,
        progress_department_form=department_form,
        uses_dispatch=uses_dispatch,
        uses_followup=uses_followup,
        uses_self_assessment=uses_self,
        limits=_limits(k, data.get("limits", {})),
    )


FORM_KEYS = ("dispatch", "followup", "self_assessment", "progress_unit", "progress_department")
ROUND_FORMS = ("轮次可写作：2023-08 或 2023年8月（月）、2023-Q3 或 2023年第三季度（季度）、2023-H1 或 2023年上半年、"
               "2023 或 2023年度（年）。同一次活动的各轮请用同一种写法，按时间先后排列。")
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def round_period(round_: str) -> tuple[date, date]:
    """The first and last day of a round in its sortable form: 2023-08, 2023-Q3, 2023-H1, 2023."""
    year = int(round_[:4])
    if m := re.fullmatch(r"\d{4}-(\d{2})", round_):
        first, months = int(m.group(1)), 1
    elif m := re.fullmatch(r"\d{4}-Q([1-4])", round_):
        first, months = 3 * int(m.group(1)) - 2, 3
    elif m := re.fullmatch(r"\d{4}-H([12])", round_):
        first, months = 6 * int(m.group(1)) - 5, 6
    else:
        first, months = 1, 12
    last = first + months - 1
    end = date(year + last // 12, last % 12 + 1, 1) - timedelta(days=1)
    return date(year, first, 1), end


def parse_round(value) -> str | None:
    """A round as the clerk writes it → its sortable form, or None when it is none of the forms
    ROUND_FORMS lists. Rounds of one campaign sort by this text: "2023-08" < "2023-09",
    "2023-Q2" < "2023-Q3", "2023-H1" < "2023-H2"."""
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    if m := re.fullmatch(r"(\d{4})[-./年]?(\d{1,2})月?", text):
        year, month = m.groups()
        return f"{year}-{int(month):02d}" if 1 <= int(month) <= 12 and len(month) <= 2 and (
            len(month) == 2 or "年" in text or "-" in text or "." in text or "/" in text) else None
    if m := re.fullmatch(r"(\d{4})(?:-?Q|年第?)([1-4一二三四])(?:季度?)?", text, re.I):
        if text[4:5] == "年" and not text.endswith(("季", "季度")):
            return None
        return f"{m.group(1)}-Q{_CHINESE_DIGITS[m.group(2)]}"
    if m := re.fullmatch(r"(\d{4})(?:-?H([12])|年(上|下)半年)", text, re.I):
        return f"{m.group(1)}-H{m.group(2) or (1 if m.group(3) == '上' else 2)}"
    if m := re.fullmatch(r"(\d{4})(?:年度?)?", text):
        return m.group(1)
    return None


def _optional_names(k: "_Keys", data: dict, table: str, key: str) -> tuple[str, ...]:
    """Names of a table the campaign does not need (a form it does not use): checked if given."""
    value = data.get(table)
    return k.names(value, key, table, allow_empty=True) if isinstance(value, dict) else ()


# [limits] key → (Limits field, unit in bytes or 1, whole numbers only)
LIMIT_KEYS = {
    "max_file_mb": ("max_file_bytes", MB, False),
    "max_members": ("max_members", 1, True),
    "max_inflated_mb": ("max_inflated_bytes", MB, False),
    "max_ratio": ("max_ratio", 1, True),
    "max_cells": ("max_cells", 1, True),
}


def _limits(k: _Keys, table) -> Limits:
    """The optional [limits] table; a key left out keeps its default (reading/limits.py)."""
    if not isinstance(table, dict):
        raise k.fail("limits", "应为一个表：另起一行写 [limits]，下面逐行写 max_file_mb = 50 这样的项")
    for key in table:
        if key not in LIMIT_KEYS:
            raise k.fail(f"limits.{key}", f"没有这一项，可写的有 {'、'.join(LIMIT_KEYS)}")
    values = {}
    for key, (field, unit, whole) in LIMIT_KEYS.items():
        if key not in table:
            continue
        value = table[key]
        number = to_decimal(value)
        if number is None or number <= 0:
            raise k.fail(f"limits.{key}", f"应为大于 0 的数，现为 {value}")
        if whole and not isinstance(value, int):
            raise k.fail(f"limits.{key}", f"应为正整数，现为 {value}")
        values[field] = max(1, int(value * unit))
    return Limits(**values)


def _groups(k: _Keys, data: dict, units: tuple[str, ...]) -> tuple[Group, ...]:
    """[[groups]], named by 组号 in every message; each unit in exactly one group. A campaign may
    have none (the office assesses the units itself): then every unit gets its own 打分表."""
    raw = data.get("groups", [])
    if not isinstance(raw, list) or not all(isinstance(g, dict) for g in raw):
        raise k.fail("[[groups]]", "每个检查组另起一段，以 [[groups]] 开头")
    groups: list[Group] = []
    owner: dict[str, int] = {}
    numbers: set[int] = set()
    known = set(units)  # sets, not scans: a province's campaign has thousands of groups
    for n, g in enumerate(raw, start=1):
        number = g.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 9999:
            raise k.fail(f"第 {n} 个 [[groups]] 的 number", "组号应为 1 到 9999 的整数，如 number = 1")
        where = f"第 {number} 组"
        if number in numbers:
            raise k.fail(where, f"组号 {number} 用了两次：每个检查组的组号要不同")
        if "unit" in g and "units" in g:
            raise k.fail(where, "unit 和 units 只写一个：检查一个单位写 unit = \"甲\"，几个写 units = [\"甲\", \"乙\"]")
        members = g.get("members", [])
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise k.fail(f"{where}的 members", "应为姓名列表，如 [\"张三\", \"李四\"]")
        its_units = (normalize_name(k.text(g, "unit", where)),) if "unit" in g else k.names(g, "units", where)
        for unit in its_units:
            if unit not in known:
                raise k.fail(f"{where}的被检查单位", f"“{unit}”不在被检查单位名单（units.names）中{_nearest(unit, units)}")
            if unit in owner:
                raise k.fail(where, f"“{unit}”也在第 {owner[unit]} 组：每个被检查单位只能由一个组检查")
            owner[unit] = number
        extra = {key: k.text(g, key, where, "") for key in ("leader", "deputy", "liaison", "phone")}
        numbers.add(number)
        groups.append(Group(number, k.text(g, "name", where), its_units, tuple(m.strip() for m in members), **extra))
    missing = [u for u in units if u not in owner]
    if groups and missing:
        raise k.fail("[[groups]]", f"“{'、'.join(missing)}”没有检查组：请把它写进某个组的 units")
    return tuple(groups)


def _nearest(name: str, names) -> str:
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.5)
    return f"，是否为“{close[0]}”？" if close else ""
