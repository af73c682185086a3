"""Progress-table forms (调度表) as data: sections → numbered fields → fill-in cells."""

from dataclasses import dataclass
from pathlib import Path

from inspection.errors import FormError
from inspection.spec.toml_file import load_toml

CELL_TYPES = ("count", "amount", "yesno")


@dataclass(frozen=True)
class FormCell:
    key: str
    label: str
    unit: str
    type: str = "count"  # count: whole number ≥ 0; amount: decimal ≥ 0 (万元); yesno: 是/否
    at_most: str | None = None  # key of the cell this one may not exceed


@dataclass(frozen=True)
class FormField:
    no: int
    cells: tuple[FormCell, ...]


@dataclass(frozen=True)
class FormSection:
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class ProgressForm:
    id: str
    version: str
    title: str
    annex: str
    reporter_label: str
    notes: tuple[str, ...]
    sections: tuple[FormSection, ...]

    @property
    def cells(self) -> list[FormCell]:
        return [c for s in self.sections for f in s.fields for c in f.cells]


def load_form(path: str | Path) -> ProgressForm:
    """Load and check a form file; FormError lists every problem, each named by its place in the
    table as printed (“总体情况”第 2 项“……（个）”) and the key to change."""
    path = Path(path)
    try:
        data = load_toml(path, FormError, "调度表表样")
    except FileNotFoundError as err:
        raise FormError(f"找不到调度表表样：{path}") from err
    except OSError as err:
        raise FormError(f"调度表表样 {path} 无法读取：{err.strerror or err}") from err

    problems: list[str] = []
    head = data.get("form")
    if not isinstance(head, dict):
        raise FormError.listing(f"调度表表样 {path.name}", ["缺少 [form] 表"])
    for key in ("id", "title", "reporter_label"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            problems.append(f"[form]的 {key}：应为非空文字（加英文引号）")
    notes = head.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        problems.append('[form]的 notes：应为文字列表，如 notes = ["1. ……", "2. ……"]')
        notes = []

    sections: list[FormSection] = []
    seen: dict[str, str] = {}  # key → the place of its cell
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections or not all(isinstance(s, dict) for s in raw_sections):
        problems.append("没有 [[sections]]：至少要有一个分类")
        raw_sections = []
    for sn, s in enumerate(raw_sections, start=1):
        title = str(s.get("title", "")).strip()
        section = f"“{title}”" if title else f"第 {sn} 个分类"
        raw_fields = s.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            problems.append(f"{section}：分类下没有项目（fields）")
            raw_fields = []
        fields = []
        for fn, f in enumerate(raw_fields, start=1):
            if not isinstance(f, dict) or not isinstance(f.get("no"), int) or isinstance(f.get("no"), bool) \
                    or not isinstance(f.get("cells"), list) or not f["cells"]:
                problems.append(f"{section}第 {fn} 个项目：应有整数 no 和至少一个 cells")
                continue
            field = f"{section}第 {f['no']} 项"
            cells = []
            for cn, c in enumerate(f["cells"], start=1):
                if not isinstance(c, dict) or not all(isinstance(c.get(k), str) and c[k] for k in ("key", "label", "unit")):
                    problems.append(f"{field}第 {cn} 格：key、label、unit 都必须填写")
                    continue
                cell = f"{field}“{c['label']}”"
                kind = c.get("type", "count")
                if c["key"] in seen:
                    problems.append(f"{cell}的 key：“{c['key']}”与{seen[c['key']]}重复，每格的 key 在文件内必须唯一")
                if kind not in CELL_TYPES:
                    problems.append(f"{cell}的 type：应为 {'、'.join(CELL_TYPES)} 之一，现为 “{kind}”")
                if c.get("at_most") is not None and c["at_most"] not in seen:
                    problems.append(f"{cell}的 at_most：“{c['at_most']}”不是它前面的填报格的 key")
                seen.setdefault(c["key"], cell)
                cells.append(FormCell(c["key"], c["label"], c["unit"], kind, c.get("at_most")))
            fields.append(FormField(f["no"], tuple(cells)))
        sections.append(FormSection(title, tuple(fields)))
    if problems:
        raise FormError.listing(f"调度表表样 {path.name}", problems)

    return ProgressForm(
        id=head["id"].strip(),
        version=str(head.get("version", "1")),
        title=head["title"].strip(),
        annex=str(head.get("annex", "")),
        reporter_label=head["reporter_label"].strip(),
        notes=tuple(notes),
        sections=tuple(sections),
    )
