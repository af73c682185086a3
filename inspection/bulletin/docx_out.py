"""The draft as a Word document in the conventions of 党政机关公文格式 (GB/T 9704): A4, 版心 margins
3.7 / 3.5 / 2.8 / 2.6 cm, title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号 at 22 lines a page,
一级标题 in 黑体, run-in 二级标题 in 楷体_GB2312, page numbers "— 1 —" in 宋体 四号 (odd pages right,
even pages left, one character in), 附件 labels in 黑体.

Chinese fonts must be named as the east-Asian font of a run (w:eastAsia in w:rFonts): python-docx's
font.name sets only the western ones, so the XML is written here. Where a computer lacks a 公文 font,
Word substitutes the one fontTable.xml names as its w:altName (宋体, 仿宋, 黑体, 楷体).
"""

from copy import deepcopy
from pathlib import Path
import re

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree  # python-docx's own XML library

from inspection.bulletin.draft import (
    ADDRESSEE, ANNEX_LABEL, ANNEX_TITLE, ATTACHMENTS, BODY, HEADING, NOTE, NUMBER, REASON, REASON_HEAD,
    SIGNATURE, STYLES, TITLE, Draft, Para, Table,
)
from inspection.paper.common import atomic_path

WESTERN = "Times New Roman"  # digits and Latin letters in the body
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "宋体"
# Font → (what Word uses where it is missing, its family for substitution). Charset 86 is GB2312.
FALLBACK = {TITLE_FONT: (SONG, "roman"), BODY_FONT: ("仿宋", "modern"), KAI: ("楷体", "script"),
            HEI: ("SimHei", "modern"), SONG: ("SimSun", "auto")}
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(14)  # 四号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE = Pt(28.9)  # 22 lines in the 225 mm high 版心
TITLE_LINE = Pt(35)
CHAR = BODY_SIZE  # one character of the body: indents are counted in it
TABLE_WIDTHS = (Cm(2.6), Cm(6.4), Cm(3.2))
TABLE_TEXT = "表格文字"
STYLE_IDS = {NUMBER: "GwNumber", TITLE: "GwTitle", ADDRESSEE: "GwAddressee", BODY: "GwBody", HEADING: "GwHeading1",
             ATTACHMENTS: "GwAttachments", SIGNATURE: "GwSignature", ANNEX_LABEL: "GwAnnexLabel",
             ANNEX_TITLE: "GwAnnexTitle", NOTE: "GwNote", REASON_HEAD: "GwReasonHead", REASON: "GwReason",
             TABLE_TEXT: "GwTableText"}
PLACEHOLDER = re.compile(r"(【[^】]*】)")
DASH = "—"  # 一字线 either side of the page number


def write_docx(draft: Draft, path: Path, *, author: str = "") -> Path:
    """Write `draft` to `path`, atomically (a temporary file in the same folder, then renamed)."""
    document = docx.Document()
    _page_setup(document)
    style_ids = _styles(document)
    _font_table(document)
    body = document.element.body
    kept = _kept_with_signature(draft.blocks)
    for n, block in enumerate(draft.blocks):
        if isinstance(block, Table):
            _table(document, block, style_ids[TABLE_TEXT])
        else:
            _paragraph(document, block, style_ids[block.role])
            if n in kept:
                Paragraph(body[-2], document).paragraph_format.keep_with_next = True  # body[-1] is sectPr
    if body[-2].tag == qn("w:tbl"):  # Word wants a paragraph after a table at the end (body[-1] is sectPr)
        _paragraph(document, Para(NOTE, ""), style_ids[NOTE])
    _properties(document, draft, author)
    with atomic_path(path, ".docx") as tmp:
        document.save(tmp)
    return path


def _kept_with_signature(blocks) -> set[int]:
    """The blocks kept on one page with the 落款: the last paragraph of the body, the 附件说明 and the
    issuer's name (not the date, which would pull all of them onto the 附件's page). GB/T 9704 lets no
    落款 stand on a page without text of the body."""
    roles = [None if isinstance(block, Table) else block.role for block in blocks]
    if SIGNATURE not in roles:
        return set()
    first = roles.index(ATTACHMENTS) if ATTACHMENTS in roles else roles.index(SIGNATURE)
    last = max(n for n, role in enumerate(roles) if role == SIGNATURE)
    return {n for n in range(max(first - 1, 0), last) if roles[n] is not None}


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance = Cm(1.5)
    section.footer_distance = Cm(2.3)  # the page number's dash about 7 mm below the 版心
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align) -> None:
    """"— 7 —": a PAGE field between dashes, one character in from the outer edge."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    _fonts(paragraph.add_run(f"{DASH} ")._r, SONG, SONG, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _fonts(run._r, SONG, SONG, PAGE_NUMBER_SIZE)
        if kind:
            run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
        elif text.startswith(" "):
            run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve">{text}</w:instrText>'))
        else:
            run.text = text
    _fonts(paragraph.add_run(f" {DASH}")._r, SONG, SONG, PAGE_NUMBER_SIZE)


def _fonts(element, east: str, west: str = WESTERN, size=None) -> None:
    """Name the fonts of a run, a style or the document defaults (any element that holds, or is, a
    w:rPr): east-Asian and western explicitly, with no theme font left to override them."""
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()  # in its place among w:rPr's children, as Word requires
    for attr in list(rfonts.attrib):
        if attr.lower().endswith("theme"):  # a theme font wins over a named one
            del rfonts.attrib[attr]
    for attr, name in (("ascii", west), ("hAnsi", west), ("eastAsia", east), ("cs", west)):
        rfonts.set(qn(f"w:{attr}"), name)
    if size is not None:
        rpr.sz_val = size


def _styles(document) -> dict[str, str]:
    """Document defaults (仿宋 三号, Chinese), then one paragraph style per role of the draft, named in
    Chinese so that whoever edits the draft sees 正文, 一级标题 … in Word's style list (their ids, which
    nobody sees, in ASCII as Word writes them)."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT, WESTERN, BODY_SIZE)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    normal = styles["Normal"]
    _fonts(normal.element, BODY_FONT, WESTERN, BODY_SIZE)
    _line(normal.paragraph_format, LINE)
    normal.paragraph_format.widow_control = False  # 公文 lines fill every page

    def add(name, east=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first=None, bold=False):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = STYLE_IDS[name]
        style.base_style = normal
        style.quick_style = True
        _fonts(style.element, east, WESTERN if east == BODY_FONT else east, size)
        if bold:
            style.font.bold = True
        fmt = style.paragraph_format
        fmt.alignment = align
        if first is not None:
            fmt.first_line_indent = first
        return style

    center = WD_ALIGN_PARAGRAPH.CENTER
    made = {
        NUMBER: add(NUMBER, align=center),
        TITLE: add(TITLE, TITLE_FONT, TITLE_SIZE, center),
        ADDRESSEE: add(ADDRESSEE),
        BODY: add(BODY, first=2 * CHAR),
        HEADING: add(HEADING, HEI, first=2 * CHAR),
        ATTACHMENTS: add(ATTACHMENTS),
        SIGNATURE: add(SIGNATURE, align=WD_ALIGN_PARAGRAPH.RIGHT),
        ANNEX_LABEL: add(ANNEX_LABEL, HEI, align=WD_ALIGN_PARAGRAPH.LEFT),
        ANNEX_TITLE: add(ANNEX_TITLE, TITLE_FONT, TITLE_SIZE, center),
        NOTE: add(NOTE, size=TABLE_SIZE),
        REASON_HEAD: add(REASON_HEAD, first=2 * CHAR, bold=True),
        REASON: add(REASON, first=2 * CHAR),
    }
    assert set(made) == set(STYLES), "a role of the draft without a style"
    for name in (TITLE, ANNEX_TITLE):
        _line(made[name].paragraph_format, TITLE_LINE)
    made[NUMBER].paragraph_format.space_after = LINE  # a blank line between 文号 and title
    made[TITLE].paragraph_format.space_after = LINE
    made[ANNEX_TITLE].paragraph_format.space_after = LINE
    made[ANNEX_TITLE].paragraph_format.space_before = LINE
    made[NOTE].paragraph_format.space_before = Pt(6)
    made[REASON_HEAD].paragraph_format.space_before = Pt(LINE.pt / 2)  # units set apart, as in 003
    for name in (HEADING, REASON_HEAD, ANNEX_LABEL, ANNEX_TITLE):  # never last on a page
        made[name].paragraph_format.keep_with_next = True
    _line(made[NOTE].paragraph_format, Pt(22))
    # 附件：1.…, its second line (2.…) under the first name: indented by 2 + 3 ("附件：") characters.
    made[ATTACHMENTS].paragraph_format.left_indent = 5 * CHAR
    made[SIGNATURE].paragraph_format.right_indent = 4 * CHAR
    made[TABLE_TEXT] = add(TABLE_TEXT, size=TABLE_SIZE, align=center)
    _line(made[TABLE_TEXT].paragraph_format, Pt(22))
    return {role: style.style_id for role, style in made.items()}


def _line(fmt, height) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = height


def _font_table(document) -> None:
    """Declare the 公文 fonts in fontTable.xml, each with the font Word uses where it is missing.
    python-docx keeps this part as bytes, so it is parsed, added to and put back."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, (alt, family) in FALLBACK.items():
        if name in have:
            continue
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraph(document, block: Para, style_id: str) -> None:
    if not (block.lead or block.new_page or "\n" in block.text or "【" in block.text
            or block.role in (ATTACHMENTS, SIGNATURE)):
        _plain(document, block.text, style_id)
        return
    paragraph = document.add_paragraph()
    paragraph._p.style = style_id  # add_paragraph(style=…) looks the style up among all, per paragraph
    if block.new_page:
        paragraph.paragraph_format.page_break_before = True
    if block.role == ATTACHMENTS and block.text.startswith("附件："):
        paragraph.paragraph_format.first_line_indent = -3 * CHAR  # 附件： hangs left of the names
        paragraph.paragraph_format.space_before = LINE
    if block.role == SIGNATURE and block.text and not block.text.startswith("【"):
        paragraph.paragraph_format.space_before = 2 * LINE
    if block.lead:
        run = paragraph.add_run(xml_text(block.lead))
        _fonts(run._r, KAI, WESTERN)
    for n, line in enumerate(block.text.split("\n")):
        if n:
            paragraph.runs[-1].add_break()
        for piece in PLACEHOLDER.split(line):
            if piece:
                run = paragraph.add_run(xml_text(piece))
                if PLACEHOLDER.fullmatch(piece):  # for the drafter to find and replace
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _plain(document, text: str, style_id: str) -> None:
    """A paragraph of one run in one style, copied from a prototype: most of the draft (附件2 has a
    line per deduction: 40,000 at 3,000 units) is these; a copy takes 12 µs, the API's way 200 µs."""
    body = document.element.body
    proto = _PROTOTYPES.get(style_id)
    if proto is None:
        proto = _PROTOTYPES[style_id] = parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
            '<w:r><w:t xml:space="preserve"></w:t></w:r></w:p>')
    p = deepcopy(proto)
    p[-1][-1].text = xml_text(text)
    body[-1].addprevious(p)  # body[-1] is the section's properties, which stay last


_PROTOTYPES: dict[str, object] = {}
# Characters XML 1.0 cannot hold (control characters a filler's cell may carry, unpaired surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Text as a Word document can hold it: characters XML cannot carry are dropped."""
    return _NOT_XML.sub("", text)


def _table(document, block: Table, style_id: str) -> None:
    """附件1: a grid, header in 黑体 repeated on every page, a row per unit; built row by row from a
    copy of one row, which is fast enough for thousands of units."""
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, TABLE_WIDTHS, strict=True):
        column.width = width  # the grid Word lays a fixed table out by
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    for cell, text, width in zip(header.cells, block.header, TABLE_WIDTHS, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph._p.style = style_id
        run = paragraph.add_run(text)
        _fonts(run._r, HEI, HEI)
    # One body row made with the API, then copied: table.add_row per row is slow at thousands of rows.
    first = table.add_row()
    for cell, width in zip(first.cells, TABLE_WIDTHS, strict=True):
        cell.width = width
        cell.paragraphs[0]._p.style = style_id
        cell.paragraphs[0].add_run("-")  # a w:t for each row's text
    model = first._tr
    tbl = table._tbl
    tbl.remove(model)
    for row in block.rows:
        tr = deepcopy(model)
        for t, text in zip(tr.iter(qn("w:t")), row, strict=True):
            t.text = xml_text(text)
        tbl.append(tr)


def _properties(document, draft: Draft, author: str) -> None:
    """Title and author in the file's properties; python-docx's own thumbnail and author dropped."""
    props = document.core_properties
    props.title = draft.title
    props.author = author
    props.last_modified_by = author
    props.comments = "通报草稿，由检查打分汇总工具根据汇总结果生成，【】中的内容请起草人填写。"
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
