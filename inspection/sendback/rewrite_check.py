"""What a rewritten workbook lost: the original's parts a person relies on, compared with the copy's.

openpyxl (which writes the marked-up copies sent back, marked_copy.py) keeps cell values, styles,
merges, data validation, sheet protection, print setup, defined names, sheet states (the very hidden
`_meta`), comments and external links; it drops what it does not model: pictures when Pillow is not
installed, shapes and text boxes, form controls, Excel's extensions in a sheet's extLst (the 2010
data validations, conditional formats and sparklines), slicers, and the cached values of formulas
(the tool's workbooks ask Excel to recalculate on opening). So every copy is checked against its
original here, and a copy that lost anything a person put there is not sent: the 修改说明 goes
out as a workbook of its own instead.

Only what matters is compared, written the way either file may write it (openpyxl spells out
default attributes, quotes sheet names, adds a space after a font size in headers). The original
passed the guard (reading/guard.py) when it was read, so its XML declares no entities.
"""

from dataclasses import dataclass, field
import io
from pathlib import Path
import posixpath
import re
import zipfile

from defusedxml import ElementTree

from inspection.constants import META_REPLACES, META_REPLACES_FILE, SHEET_META
from inspection.intake.book import read_book
from inspection.intake.formulas import sheet_formulas
from inspection.intake.guard import check_container
from inspection.intake.limits import Limits

_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
_VML_OBJECT = re.compile(rb"""ObjectType\s*=\s*["'](\w+)["']""")

# An attribute left out means its default (ECMA-376 Part 1, 18.3.1.85 sheetProtection, 18.3.1.63 pageSetup).
_PROTECTION_DEFAULTS = {
    "sheet": "0", "objects": "0", "scenarios": "0", "formatCells": "1", "formatColumns": "1",
    "formatRows": "1", "insertColumns": "1", "insertRows": "1", "insertHyperlinks": "1", "deleteColumns": "1",
    "deleteRows": "1", "selectLockedCells": "0", "sort": "1", "autoFilter": "1", "pivotTables": "1",
    "selectUnlockedCells": "0",
}
_PAGE_DEFAULTS = {"paperSize": "1", "orientation": "default", "fitToWidth": "1", "fitToHeight": "1", "scale": "100"}
# Parts openpyxl may drop, by what a person would call them; a copy with fewer of them lost some.
_PART_KINDS = (
    ("xl/media/", "图片"), ("xl/charts/chart", "图表"), ("xl/embeddings/", "嵌入的对象"), ("xl/activeX/", "ActiveX 控件"),
    ("xl/ctrlProps/", "表单控件"), ("xl/pivotTables/", "数据透视表"), ("xl/slicers/", "切片器"),
    ("xl/timelines/", "日程表"), ("xl/externalLinks/externalLink", "外部链接"), ("xl/tables/", "表格（列表）"),
    ("xl/vbaProject.bin", "宏"),
)


@dataclass
class SheetParts:
    """What one worksheet holds besides its cell values."""

    state: str = "visible"
    validations: list = field(default_factory=list)
    merges: list = field(default_factory=list)
    protection: dict | None = None
    page: tuple = ()
    headers: tuple = ()
    pane: tuple = ()
    conditional: int = 0
    extensions: set = field(default_factory=set)
    objects: int = 0  # pictures, charts, shapes and text boxes in its drawing
    controls: int = 0  # old-style form controls (in the VML drawing that also holds comments)
    comments: int = 0
    hyperlinks: int = 0
    breaks: int = 0
    auto_filter: bool = False


@dataclass
class BookParts:
    sheets: dict[str, SheetParts] = field(default_factory=dict)  # in the workbook's order
    names: set = field(default_factory=set)
    protection: dict | None = None
    part_counts: dict[str, int] = field(default_factory=dict)


# What each difference is called in the 修改说明 when a copy cannot be sent.
_SHEET_ASPECTS = (
    ("state", "工作表的隐藏状态"), ("validations", "数据有效性"), ("merges", "合并单元格"), ("protection", "工作表保护"),
    ("page", "页面设置"), ("headers", "页眉页脚"), ("pane", "冻结窗格"), ("conditional", "条件格式"),
    ("extensions", "Excel 扩展功能（如 2010 版数据有效性、条件格式、迷你图）"),
    ("objects", "图片、图形或文本框"), ("controls", "表单控件"), ("comments", "批注"), ("hyperlinks", "超链接"),
    ("breaks", "分页符"), ("auto_filter", "筛选"),
)


def losses(original: bytes, copy: bytes, *, added: str, limits: Limits, ours: re.Pattern | None = None) -> list[str]:
    """What `copy` (the original rewritten, with the sheet `added` put in or replaced) lost of `original`, in
    Chinese, one entry per kind of loss ([] when nothing was lost). Formulas are compared as
    formulas; their cached values are not (the copy asks to be recalculated when opened). Comments
    are a person's up to where `ours` first matches: the rest is the tool's, which it may replace."""
    before, after = book_parts(original, ours), book_parts(copy, ours)
    lost: list[str] = []
    kept = [n for n in before.sheets if n != added]
    if [n for n in after.sheets if n != added] != kept:
        lost.append("工作表（名称或顺序）")
    for name in kept:
        was, now = before.sheets[name], after.sheets.get(name)
        if now is None:
            continue
        for aspect, label in _SHEET_ASPECTS:
            old, new = getattr(was, aspect), getattr(now, aspect)
            gone = (new < old) if aspect in ("objects", "controls", "comments") else old != new
            if aspect == "extensions":
                gone = bool(old - new)
            if gone and label not in lost:
                lost.append(label)
    if before.names - after.names:
        lost.append("定义的名称（如打印区域、打印标题）")
    if before.protection != after.protection:
        lost.append("工作簿保护")
    for prefix, label in _PART_KINDS:
        if after.part_counts.get(prefix, 0) < before.part_counts.get(prefix, 0):
            lost.append(label)
    if _values_differ(original, copy, kept, limits):
        lost.append("单元格内容")
    return lost


class _Zip:
    """The parts of a workbook's zip, read as XML or as bytes; a missing part is None (or b"")."""

    def __init__(self, z: zipfile.ZipFile):
        self.z, self.names = z, set(z.namelist())

    def raw(self, part: str) -> bytes:
        return self.z.read(part) if part in self.names else b""

    def xml(self, part: str):
        return ElementTree.fromstring(self.z.read(part)) if part in self.names else None


def book_parts(data: bytes, ours: re.Pattern | None = None) -> BookParts:
    out = BookParts()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = _Zip(z)
        out.part_counts = {prefix: sum(1 for n in parts.names if n.startswith(prefix)) for prefix, _ in _PART_KINDS}
        book = parts.xml("xl/workbook.xml")
        targets = _relations(parts, "xl/workbook.xml")
        sheets = list(book.iterfind(f"{_M}sheets/{_M}sheet"))
        for d in book.iterfind(f"{_M}definedNames/{_M}definedName"):
            local = d.get("localSheetId")
            scope = sheets[int(local)].get("name") if local and local.isdigit() and int(local) < len(sheets) else ""
            out.names.add((d.get("name"), scope, (d.text or "").replace("'", "")))
        out.protection = _attrs(book.find(f"{_M}workbookProtection"))
        for s in sheets:
            part = targets.get(s.get(f"{_R}id"), "")
            ws = parts.xml(part)
            if ws is None:
                continue
            sheet = _sheet_parts(ws, parts, part, ours)
            sheet.state = s.get("state") or "visible"
            out.sheets[s.get("name")] = sheet
    return out


def _sheet_parts(ws, parts: _Zip, part: str, ours: re.Pattern | None) -> SheetParts:
    p = SheetParts()
    p.validations = sorted((d.get("type") or "", d.get("sqref") or "", d.get("errorStyle") or "stop",
                            d.findtext(f"{_M}formula1") or "", d.findtext(f"{_M}formula2") or "",
                            d.get("prompt") or "", d.get("error") or "")
                           for d in ws.iterfind(f"{_M}dataValidations/{_M}dataValidation"))
    p.merges = sorted(m.get("ref") for m in ws.iterfind(f"{_M}mergeCells/{_M}mergeCell"))
    protection = ws.find(f"{_M}sheetProtection")
    p.protection = None if protection is None else {**_PROTECTION_DEFAULTS, **_attrs(protection)}
    setup, fit = ws.find(f"{_M}pageSetup"), ws.find(f"{_M}sheetPr/{_M}pageSetUpPr")
    options, margins = ws.find(f"{_M}printOptions"), ws.find(f"{_M}pageMargins")
    p.page = (tuple(_flag((setup.get(k) if setup is not None else None) or v) for k, v in _PAGE_DEFAULTS.items()),
              _flag(fit.get("fitToPage") if fit is not None else None),
              _flag(options.get("horizontalCentered") if options is not None else None),
              tuple(round(float(margins.get(k) or 0), 3) for k in ("left", "right", "top", "bottom"))
              if margins is not None else ())
    hf = ws.find(f"{_M}headerFooter")
    headers = () if hf is None else tuple(re.sub(r"\s", "", hf.findtext(f"{_M}{k}") or "")
                                          for k in ("oddHeader", "oddFooter", "evenHeader", "evenFooter"))
    p.headers = headers if any(headers) else ()
    pane = ws.find(f"{_M}sheetViews/{_M}sheetView/{_M}pane")
    p.pane = () if pane is None else (pane.get("xSplit") or "0", pane.get("ySplit") or "0", pane.get("state") or "split")
    p.conditional = sum(1 for _ in ws.iterfind(f"{_M}conditionalFormatting/{_M}cfRule"))
    p.extensions = {e.get("uri") for e in ws.iterfind(f"{_M}extLst/{_M}ext")}
    p.hyperlinks = sum(1 for _ in ws.iterfind(f"{_M}hyperlinks/{_M}hyperlink"))
    p.breaks = sum(1 for _ in ws.iterfind(f"{_M}rowBreaks/{_M}brk")) + sum(1 for _ in ws.iterfind(f"{_M}colBreaks/{_M}brk"))
    p.auto_filter = ws.find(f"{_M}autoFilter") is not None
    for target, kind in _relations(parts, part, with_types=True).items():
        if kind.endswith("/drawing"):
            drawing = parts.xml(target)
            p.objects += 0 if drawing is None else sum(
                1 for el in drawing if el.tag in (f"{_DRAWING}twoCellAnchor", f"{_DRAWING}oneCellAnchor",
                                                  f"{_DRAWING}absoluteAnchor"))
        elif kind.endswith("/comments"):
            comments = parts.xml(target)
            for comment in comments.iter(f"{_M}comment") if comments is not None else ():
                text = "".join(t.text or "" for t in comment.iter(f"{_M}t"))
                found = ours.search(text) if ours else None
                p.comments += bool((text[:found.start()] if found else text).strip()) or not text
        elif kind.endswith("/vmlDrawing"):
            # Form controls (check boxes, drop-downs, buttons); comments live there too. VML is
            # often not well-formed XML, so it is searched, not parsed.
            p.controls += sum(1 for k in _VML_OBJECT.findall(parts.raw(target)) if k != b"Note")
    return p


def _relations(parts: _Zip, part: str, *, with_types: bool = False) -> dict[str, str]:
    """A part's relationships: id → target part (with_types: target part → relationship type)."""
    folder, name = posixpath.split(part)
    rels = parts.xml(posixpath.join(folder, "_rels", name + ".rels"))
    out = {}
    for r in rels if rels is not None else ():
        if r.get("TargetMode") == "External":
            continue
        target = r.get("Target") or ""
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        if with_types:
            out[target] = r.get("Type") or ""
        else:
            out[r.get("Id")] = target
    return out


def _attrs(el) -> dict[str, str] | None:
    return None if el is None else {k: _flag(v) for k, v in el.attrib.items()}


def _flag(value):
    return {"true": "1", "false": "0"}.get(value, value)


def _values_differ(original: bytes, copy: bytes, sheets: list[str], limits: Limits) -> bool:
    """Whether any cell of the original's sheets reads differently in the copy, formulas aside."""
    container = check_container(copy, limits)
    with read_book(Path("original.xlsx"), original) as before, read_book(Path("copy.xlsx"), copy) as after:
        for name in sheets:
            old, new = before.sheet(name), after.sheet(name)
            if old is None or new is None:
                return True
            formulas = sheet_formulas(container, name)
            if _cells(old, formulas) != _cells(new, formulas):
                return True
    return False


def _cells(sheet, skip) -> dict:
    """The sheet's values; in `_meta`, the keys a marked copy adds (what it replaces) are the copy's own."""
    ours = {r for r, row in enumerate(sheet.rows) if row and row[0] in (META_REPLACES, META_REPLACES_FILE)} \
        if sheet.name == SHEET_META else set()
    return {(r, c): v for r, row in enumerate(sheet.rows) if r not in ours for c, v in enumerate(row)
            if v != "" and (r, c) not in skip}
