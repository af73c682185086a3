"""Progress-table forms (调度表) as data: sections → numbered fields → fill-in cells."""

from dataclasses import dataclass
from pathlib import Path

from inspection.errors import FormError
from inspection.tomlfile import load_toml

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
    """Load and check a form file; FormError names the file and key of the first problem."""
    path = Path(path)
    try:
        data = load_toml(path, FormError, "调度表表样")
    except FileNotFoundError as err:
        raise FormError(f"找不到调度表表样：{path}") from err
    except OSError as err:
        raise FormError(f"调度表表样 {path} 无法读取：{err.strerror or err}") from err

    def fail(key: str, message: str) -> FormError:
        return FormError(f"{path.name}：{key}：{message}")

    head = data.get("form")
    if not isinstance(head, dict):
        raise fail("[form]", "缺少此表")
    for key in ("id", "title", "reporter_label"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise fail(f"form.{key}", "应为非空文字")

    sections, seen = [], set()
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise fail("[[sections]]", "至少要有一个分类")
    for sn, s in enumerate(raw_sections):
        fields = []
        for fn, f in enumerate(s.get("fields") or []):
            where = f"sections[{sn}].fields[{fn}]"
            if not isinstance(f.get("no"), int) or not f.get("cells"):
                raise fail(where, "应有整数 no 和至少一个 cells")
            cells = []
            for cn, c in enumerate(f["cells"]):
                key = f"{where}.cells[{cn}]"
                if not all(isinstance(c.get(k), str) and c[k] for k in ("key", "label", "unit")):
                    raise fail(key, "key、label、unit 都必须填写")
                if c["key"] in seen:
                    raise fail(f"{key}.key", f"键 {c['key']!r} 重复")
                if c.get("type", "count") not in CELL_TYPES:
                    raise fail(f"{key}.type", f"应为 {'、'.join(CELL_TYPES)} 之一")
                if c.get("at_most") is not None and c["at_most"] not in seen:
                    raise fail(f"{key}.at_most", f"{c['at_most']!r} 不是它前面的填报格")
                seen.add(c["key"])
                cells.append(FormCell(c["key"], c["label"], c["unit"], c.get("type", "count"), c.get("at_most")))
            fields.append(FormField(f["no"], tuple(cells)))
        if not fields:
            raise fail(f"sections[{sn}].fields", "分类下没有项目")
        sections.append(FormSection(str(s.get("title", "")).strip(), tuple(fields)))

    return ProgressForm(
        id=head["id"].strip(),
        version=str(head.get("version", "1")),
        title=head["title"].strip(),
        annex=str(head.get("annex", "")),
        reporter_label=head["reporter_label"].strip(),
        notes=tuple(str(n) for n in head.get("notes", [])),
        sections=tuple(sections),
    )
