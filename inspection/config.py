"""The campaign configuration (config.toml): who is inspected, by which group, when, with which rubric.

Nothing here says "county": a unit is whatever the campaign inspects (县区, 乡镇/街道, …), and
`units.label` says what to call it in the workbooks.
"""

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
import re
import tomllib

from inspection.errors import ConfigError
from inspection.reading.cells import NameFinder
from inspection.reading.limits import MB, Limits
from inspection.tomlfile import load_toml, to_decimal

ROUND_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
# Characters Windows does not allow in file names; unit and department names end up in them.
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class Group:
    number: int
    name: str  # e.g. "浉河区组"
    unit: str  # the unit this group inspects
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path
    campaign: str
    round: str
    issuer: str
    rubric_path: Path
    unit_label: str
    units: tuple[str, ...]
    groups: tuple[Group, ...]
    departments: tuple[str, ...]
    sectors: tuple[str, ...]
    inspection_start: date
    inspection_end: date
    deadline: date
    progress_unit_form: Path
    progress_department_form: Path
    limits: Limits = Limits()  # [limits]: how much a returned file may hold before it is read

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

    @functools.cached_property
    def _lookup(self) -> tuple[dict[str, Group], frozenset[str], frozenset[str]]:
        """By name, for a province's 3,000 units (a tuple is searched one by one)."""
        groups: dict[str, Group] = {}
        for g in self.groups:
            groups.setdefault(g.unit, g)
        return groups, frozenset(self.units), frozenset(self.departments)


def normalize_name(name: str) -> str:
    """Unit and department names are compared without spaces: "息 县" is 息县."""
    return re.sub(r"\s+", "", name)


class _Keys:
    """Typed access to the parsed TOML that names the key in every error."""

    def __init__(self, path: Path, data: dict):
        self.path = path
        self.data = data

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"配置文件 {self.path.name} 中 {key}：{message}")

    def table(self, key: str) -> dict:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"[{key}]", "缺少此表")
        return value

    def text(self, table: dict, key: str, where: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "应为非空文字")
        return value.strip()

    def day(self, table: dict, key: str, where: str) -> date:
        value = table.get(key)
        if not isinstance(value, date):
            raise self.fail(f"{where}.{key}", "应为日期，写作 2023-08-07（不加引号）")
        return value

    def names(self, table: dict, key: str, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        value = table.get(key, [] if allow_empty else None)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{where}.{key}", "应为文字列表，如 [\"甲\", \"乙\"]")
        if not value and not allow_empty:
            raise self.fail(f"{where}.{key}", "列表不能为空")
        names = tuple(normalize_name(v) for v in value)
        for name in names:
            if UNSAFE_FILENAME.search(name):
                raise self.fail(f"{where}.{key}", f"名称 {name!r} 含有不能用于文件名的字符")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise self.fail(f"{where}.{key}", f"名称重复：{'、'.join(dupes)}")
        return names

    def path_key(self, table: dict, key: str, where: str) -> Path:
        target = self.path.parent / self.text(table, key, where)
        if not target.is_file():
            raise self.fail(f"{where}.{key}", f"找不到文件 {target}")
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

    k = _Keys(path, data)
    campaign = k.table("campaign")
    units_t = k.table("units")
    depts_t = k.table("departments")
    hazards_t = k.table("hazards")
    forms_t = k.table("forms")

    round_ = str(campaign.get("round", "")).strip()
    if not ROUND_PATTERN.match(round_):
        raise k.fail("campaign.round", f"应为 2023-08 这样的轮次，现为 {campaign.get('round')!r}")

    units = k.names(units_t, "names", "units")
    groups = _groups(k, data, units)
    start = k.day(campaign, "inspection_start", "campaign")
    end = k.day(campaign, "inspection_end", "campaign")
    deadline = k.day(campaign, "deadline", "campaign")
    if end < start:
        raise k.fail("campaign.inspection_end", f"{end} 早于开始日期 {start}")
    if deadline < end:
        raise k.fail("campaign.deadline", f"{deadline} 早于检查结束日期 {end}")

    return Config(
        path=path,
        campaign=k.text(campaign, "name", "campaign"),
        round=round_,
        issuer=k.text(campaign, "issuer", "campaign"),
        rubric_path=k.path_key(campaign, "rubric", "campaign"),
        unit_label=k.text(units_t, "label", "units"),
        units=units,
        groups=groups,
        departments=k.names(depts_t, "names", "departments", allow_empty=True),
        sectors=k.names(hazards_t, "sectors", "hazards"),
        inspection_start=start,
        inspection_end=end,
        deadline=deadline,
        progress_unit_form=k.path_key(forms_t, "progress_unit", "forms"),
        progress_department_form=k.path_key(forms_t, "progress_department", "forms"),
        limits=_limits(k, data.get("limits", {})),
    )


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
    raw = data.get("groups")
    if not isinstance(raw, list) or not raw or not all(isinstance(g, dict) for g in raw):
        raise k.fail("[[groups]]", "至少要有一个检查组")
    groups: list[Group] = []
    for n, g in enumerate(raw):
        where = f"groups[{n}]"
        number = g.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 9999:
            raise k.fail(f"{where}.number", "组号应为 1 到 9999 的整数")
        unit = normalize_name(k.text(g, "unit", where))
        if unit not in units:
            raise k.fail(f"{where}.unit", f"“{unit}”不在 units.names 中")
        members = g.get("members", [])
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise k.fail(f"{where}.members", "应为姓名列表")
        groups.append(Group(number, k.text(g, "name", where), unit, tuple(m.strip() for m in members)))
    for attr, what in (("number", "组号"), ("unit", "被检查单位")):
        values = [getattr(g, attr) for g in groups]
        dupes = sorted({str(v) for v in values if values.count(v) > 1})
        if dupes:
            raise k.fail("[[groups]]", f"{what}重复：{'、'.join(dupes)}")
    return tuple(groups)
