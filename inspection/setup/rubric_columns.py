"""Finding a pasted rubric table's header row and what each column holds, by the header's words.

Level columns, loosely: 指标 (a part, or a section), 考评项目/项目/类别 (a section), 考评细则/细则/考评内容/
考核内容/要求 (an item), 评分标准/扣分标准/评分细则 (a criterion), 考评标准/考核标准 (an item or a criterion,
by what is beside it). Points: 分值/分数/标准分/满分. Ignored: 完成情况, 得分, 扣分, 扣分原因, 扣分及原因,
备注, 序号 and the like. Two to four level columns, left to right from the highest level: with four,
part → section → item → criterion; without a criterion column each item is its own criterion.
"""

from dataclasses import dataclass, field
import itertools

from inspection.reading.cells import squash
from inspection.setup.rubric_text import cell_text

LEVELS = ("part", "section", "item", "criterion")
_CRITERION_WORDS = ("评分标准", "扣分标准", "评分细则", "扣分细则", "评分办法", "扣分办法", "评分方法", "考评办法",
                    "考核办法", "计分办法")
_POINTS_WORDS = ("分值", "分数", "标准分", "满分", "应得分", "权重")
_EITHER_WORDS = ("标准",)  # 考评标准, 考核标准, 检查标准: an item beside a 细则 column, else a criterion
_IGNORED_WORDS = ("得分", "扣分", "完成情况", "原因", "备注", "序号", "情况", "说明", "自评", "问题", "签字", "日期")
_ITEM_WORDS = ("细则", "内容", "要求", "考评事项", "工作任务")
_SECTION_WORDS = ("项目", "类别", "类型", "事项", "环节")
_PART_WORDS = ("指标", "部分", "层面", "大类")
HEADER_SEARCH_ROWS = 30


@dataclass
class Columns:
    header_index: int  # index into the rows given, -1 when no header was found
    levels: dict[str, int] = field(default_factory=dict)  # level → column
    names: dict[str, str] = field(default_factory=dict)  # level → the header's words
    points: int | None = None
    unknown: dict[int, str] = field(default_factory=dict)  # column → header words not understood

    @property
    def present(self) -> list[str]:
        return [lv for lv in LEVELS if lv in self.levels]

    @property
    def lowest(self) -> str:
        return self.present[-1]


def header_kind(text) -> frozenset[str] | str | None:
    """What a header cell names: a set of possible levels, "points", "ignored", or None (not known)."""
    t = squash(text).strip(":：")
    if not t:
        return None
    if any(w in t for w in _CRITERION_WORDS):
        return frozenset({"criterion"})
    if any(w in t for w in _POINTS_WORDS):
        return "points"
    if any(w in t for w in _EITHER_WORDS):
        return frozenset({"item", "criterion"})
    if any(w in t for w in _IGNORED_WORDS):
        return "ignored"
    if any(w in t for w in _ITEM_WORDS):
        return frozenset({"item"})
    if any(w in t for w in _SECTION_WORDS):
        return frozenset({"section"})
    if any(w in t for w in _PART_WORDS):
        return frozenset({"part", "section"})
    return None


def _assign(candidates: list[frozenset[str]]) -> list[str] | None:
    """Levels for the level columns, left to right from the highest, each one its header allows;
    a section and an item are needed. With no such reading, by count alone."""
    for combo in itertools.combinations(LEVELS, len(candidates)):
        if all(level in allowed for level, allowed in zip(combo, candidates)) and \
                "section" in combo and "item" in combo:
            return list(combo)
    by_count = {2: ["section", "item"], 3: ["section", "item", "criterion"], 4: list(LEVELS)}
    return by_count.get(len(candidates))


def find_columns(rows: list[list]) -> Columns:
    """The first row (of the first 30) naming two or more level columns is the header."""
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        kinds = {col: header_kind(v) for col, v in enumerate(values)}
        level_cols = [col for col, k in kinds.items() if isinstance(k, frozenset)]
        if len(level_cols) < 2 or len(level_cols) > 4:
            continue
        levels = _assign([kinds[c] for c in level_cols])
        if levels is None:
            continue
        found = Columns(index)
        for level, col in zip(levels, level_cols):
            found.levels[level] = col
            found.names[level] = "".join(cell_text(values[col]).split())  # as written, spaces dropped
        found.points = next((c for c, k in kinds.items() if k == "points"), None)
        found.unknown = {c: cell_text(values[c]) for c, k in kinds.items() if k is None and squash(values[c])}
        return found
    return Columns(-1)
