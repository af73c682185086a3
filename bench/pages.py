"""Every kind of printed page the tool makes, rendered with LibreOffice and checked as a machine can.

    python bench/pages.py [--out DIR] [--png] [--all]

Runs the demo (blank templates, filled returns with the 息县 one's long reasons, the consolidated
report) and writes the 隐患整改跟踪表 from the demo's archive; renders the workbooks to PDF in one
soffice call, with bench/fonts.conf so that 宋体 and Calibri are drawn by fonts of their widths
(Noto Sans Mono CJK SC, Carlito); with --png, every page to a PNG (60 dpi) to look at. --all renders
every filled 打分表, not only 息县's. Then, per document:

- pages: at most the bound stated below (per report sheet as well);
- fonts: only the metric-compatible ones (no fallback font, which would mean other widths);
- the smallest text on any page is at least 9 points, as printed (the scale included);
- no text closer than 5 mm to the edge of the paper, where a printer cannot print;
- every text in a printed cell appears on the pages in full: LibreOffice leaves out the lines a cell
  is too short for, so a clipped 扣分原因 or 考评细则 is missing from the PDF's text;
- 打分表: every item (its 考评细则 and all its 评分标准) on one page, none begun on one and ended on
  the next; 扣分原因 sheet of the report: each unit's heading on the page of its first line.

Prints a line per document and every problem; exit status 1 when there is any. Needs soffice,
pdftotext and pdfinfo (poppler-utils), fonts-noto-cjk and fonts-crosextra-carlito.
"""

import argparse
from dataclasses import dataclass, field
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from openpyxl.utils import range_boundaries  # noqa: E402

FONTS_CONF = Path(__file__).with_name("fonts.conf")
MIN_POINTS = 9.0
EDGE = 5 / 25.4 * 72  # 5 mm in points
# The fonts the check renders with: the CJK face (any name Noto CJK's subsets get) and Carlito.
FONT_NAMES = re.compile(r"NotoSans(Mono)?CJK|Carlito")


@dataclass(frozen=True)
class Document:
    name: str  # what the report lines call it
    path: str  # relative to the demo's folder
    pages: int  # at most
    scoring: bool = False  # an 打分表: items must not be split
    report: bool = False


# The bounds are the demo's page counts when the layout was last looked at page by page (README,
# 打印): a layout change that adds a page shows here and is looked at again. The templates' counts
# include their 填表说明 (one page).
DOCUMENTS = (
    Document("打分表（空白）", "T/打分表_03_息县.xlsx", 11, scoring=True),
    Document("打分表（息县，已填）", "I/息县交叉检查打分表（已填）.xlsx", 12, scoring=True),
    Document("交办清单（空白）", "T/交办清单_03_息县.xlsx", 5),
    Document("交办清单（已填）", "I/息县交办清单.xlsx", 5),
    Document("调度表（县区，空白）", "T/调度表_息县_2023-08.xlsx", 3),
    Document("调度表（部门，空白）", "T/调度表_市应急局_2023-08.xlsx", 2),
    Document("调度表（县区，已填）", "I/息县调度表.xlsx", 3),
    Document("调度表（部门，已填）", "I/市应急局调度表.xlsx", 2),
    Document("隐患整改跟踪表（空白）", "F/隐患整改跟踪表_息县_2023-08.xlsx", 2),
    Document("自评表（空白）", "T/自评表_光山县.xlsx", 11, scoring=True),
    Document("自评表（光山县，已填）", "I/光山县自评表.xlsx", 13, scoring=True),
    Document("自查问题清单（空白）", "T/自查问题清单_光山县.xlsx", 5),
    Document("自查问题清单（已填）", "I/光山县自查问题清单.xlsx", 5),
    Document("排名汇总", "O/排名汇总_信阳市安全生产县际异地交叉检查_2023-08.xlsx", 43, report=True),
    Document("检查活动设置", "S/检查活动设置.xlsx", 25),
)
# Pages each sheet of the report may take at most (the demo: 10 ranked units, 72 hazards, 61 files, 自评 of 10).
REPORT_SHEETS = {"排名": 1, "扣分原因": 6, "得分明细": 2, "共性问题": 5, "趋势": 1, "自评与复核": 7, "检查组复核情况": 1,
                 "问题隐患台账": 7, "问题隐患统计": 1, "进展调度汇总（县区）": 4, "进展调度汇总（部门）": 2, "催报清单": 1,
                 "校验报告": 1, "说明": 4}


def build(folder: Path, every_scoring: bool = False) -> list[tuple[Document, Path]]:
    """The demo's workbooks in `folder` (T templates, I returns, O report, F follow-up tables, S the
    setup workbook)."""
    from inspection.cli import main

    folder.mkdir(parents=True, exist_ok=True)
    quiet = open(os.devnull, "w")
    stdout, sys.stdout = sys.stdout, quiet
    try:
        code = main(["demo", "--templates", str(folder / "T"), "--input", str(folder / "I"),
                     "--output", str(folder / "O"), "--jobs", "1"])
        assert code in (0, 1), f"demo exited {code}"
        assert main(["templates", "--output", str(folder / "F"), "--archive", str(folder / "O" / "演示归档.sqlite"),
                     "--jobs", "1", "--quiet"]) == 0
        assert main(["setup", "--output", str(folder / "S")]) == 0
    finally:
        sys.stdout = stdout
        quiet.close()
    documents = [(d, folder / d.path) for d in DOCUMENTS]
    if every_scoring:
        for path in sorted((folder / "I").glob("*打分表*.xlsx")):
            if path.name != "息县交叉检查打分表（已填）.xlsx":
                documents.append((Document(f"打分表（{path.stem}）", str(path.relative_to(folder)), 14,
                                           scoring=True), path))
    return documents


def render(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Each workbook's PDF, converted in one LibreOffice run with a profile of its own."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("需要 LibreOffice（soffice）")
    outdir.mkdir(parents=True, exist_ok=True)
    staged = []
    for n, path in enumerate(paths):  # names of their own: two documents may share a file name
        target = outdir / f"{n:02d}.xlsx"
        shutil.copyfile(path, target)
        staged.append(target)
    profile = outdir / "profile"
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, staged)],
                   check=True, capture_output=True, timeout=600, env=env)
    pdfs = {}
    for path, copy in zip(paths, staged):
        pdf = copy.with_suffix(".pdf")
        assert pdf.exists(), f"LibreOffice did not convert {path.name}"
        pdfs[path] = pdf
    return pdfs


def font_problems() -> list[str]:
    """Whether fontconfig draws 宋体 and Calibri with the fonts of their widths."""
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    out = []
    for family, want in (("宋体", "Noto Sans Mono CJK SC"), ("Calibri", "Carlito")):
        got = subprocess.run(["fc-match", "-f", "%{family}", family], capture_output=True, text=True, env=env).stdout
        if want not in got:
            out.append(f"字体：{family} 由“{got}”代替，应为 {want}（安装 fonts-noto-cjk、fonts-crosextra-carlito）")
    return out


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def points(self) -> float:
        """The font size: in these fonts a wide character is one em and a narrow one half an em.
        A character of ambiguous width (“—”, “①”) may be either: a word of only such is not measured."""
        widths = [unicodedata.east_asian_width(ch) for ch in self.text]
        if all(w == "A" for w in widths):
            return 99.0
        ems = sum(1 if w in "WFA" else 0.5 for w in widths)
        return (self.x1 - self.x0) / ems


@dataclass
class PdfPage:
    width: float
    height: float
    words: list[Word]
    text: str  # as pdftotext -raw gives it: cell by cell, in drawing order

    @property
    def squashed(self) -> str:
        return squash(self.text)

    @property
    def first_line(self) -> str:
        return next((line.strip() for line in self.text.splitlines() if line.strip()), "")


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def read_pdf(pdf: Path) -> list[PdfPage]:
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    texts = raw.split("\f")
    pages = []
    for n, (w, h, body) in enumerate(_PAGE.findall(box)):
        words = [Word(float(a), float(b), float(c), float(d), _unescape(t)) for a, b, c, d, t in _WORD.findall(body)]
        pages.append(PdfPage(float(w), float(h), words, texts[n] if n < len(texts) else ""))
    return pages


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def squash(text) -> str:
    return "".join(str(text).split())


@dataclass
class Checked:
    document: Document
    pages: int
    smallest: float
    problems: list[str] = field(default_factory=list)
    sheet_pages: dict[str, int] = field(default_factory=dict)


def check(document: Document, workbook: Path, pdf: Path, campaign) -> Checked:
    pages = read_pdf(pdf)
    sizes = [w.points for p in pages for w in p.words if w.text.strip()]
    result = Checked(document, len(pages), min(sizes) if sizes else 0.0)
    problems = result.problems
    if len(pages) > document.pages:
        problems.append(f"共 {len(pages)} 页，多于 {document.pages} 页")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    others = sorted({line.split()[0].split("+")[-1] for line in fonts if line.strip()
                     and not FONT_NAMES.search(line.split()[0])})
    if others:
        problems.append(f"用了替代字体 {'、'.join(others)}：宋体或 Calibri 没有按 bench/fonts.conf 换成同宽的字体")
    for n, page in enumerate(pages, start=1):
        small = [w for w in page.words if w.text.strip() and w.points < MIN_POINTS - 0.05]
        if small:
            w = min(small, key=lambda w: w.points)
            problems.append(f"第 {n} 页：“{w.text[:20]}”只有 {w.points:.1f} 磅（共 {len(small)} 处小于 {MIN_POINTS:g} 磅）")
        outside = [w for w in page.words if w.x0 < EDGE or w.y0 < EDGE or w.x1 > page.width - EDGE
                   or w.y1 > page.height - EDGE]
        if outside:
            problems.append(f"第 {n} 页：“{outside[0].text[:20]}”在纸边 5 毫米以内（共 {len(outside)} 处）")
        if not any(w.text.strip() for w in page.words):
            problems.append(f"第 {n} 页是空白页")
    wb = openpyxl.load_workbook(workbook)
    problems += _clipped(wb, pages)
    if document.scoring:
        problems += _split_items(pages, campaign)
    if document.report:
        result.sheet_pages = _pages_per_sheet(wb, pages)
        for sheet, count in result.sheet_pages.items():
            bound = REPORT_SHEETS.get(sheet)
            if bound is not None and count > bound:
                problems.append(f"“{sheet}”共 {count} 页，多于 {bound} 页")
        problems += _titles(wb, pages)
        problems += _split_units(wb, pages)
    return result


def _printed_cells(wb):
    """(sheet, cell) of every text cell in the print area of each visible sheet."""
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        area = ws.print_area
        if area:
            ref = area[0] if isinstance(area, list) else area
            min_col, min_row, max_col, max_row = range_boundaries(ref.split("!")[-1].replace("$", ""))
        else:
            min_col, min_row, max_col, max_row = 1, 1, ws.max_column, ws.max_row
        for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("=") and squash(cell.value):
                    yield ws, cell


def _clipped(wb, pages: list[PdfPage]) -> list[str]:
    """Cells whose text is not on the pages in full (LibreOffice drops lines a row has no room for;
    a text split by a page break has the page's header and footer in between)."""
    whole = "".join(p.squashed for p in pages)
    out = []
    for ws, cell in _printed_cells(wb):
        text = squash(cell.value)
        if text not in whole:
            shown = _longest_shown(text, whole)
            out.append(f"“{ws.title}”{cell.coordinate} 没有印全：“{cell.value.strip()[:30]}……”"
                       f"只印出 {shown}/{len(text)} 字")
    return out


def _longest_shown(text: str, whole: str) -> int:
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text[:mid] in whole:
            low = mid
        else:
            high = mid - 1
    return low


def _split_items(pages: list[PdfPage], campaign) -> list[str]:
    """Each 考评细则 with all its 评分标准 on one page."""
    from inspection.kinds.scoring.template import item_text

    out = []
    texts = [p.squashed for p in pages]
    for item in campaign.rubric.items:
        parts = [squash(item_text(item))] + [squash(f"{c.display_label}{c.text}") for c in item.criteria]
        where = [{n for n, t in enumerate(texts, start=1) if part in t} for part in parts]
        if any(not w for w in where) or len(set.union(*where)) > 1 or len(set.intersection(*where)) != 1:
            found = sorted(set.union(*where))
            out.append(f"考评细则 {item.label.rstrip('.')} 没有印在同一页上（在第 {'、'.join(map(str, found)) or '?'} 页）")
    return out


def _header_text(ws) -> str:
    text = ws.oddHeader.left.text or ""
    return squash(re.sub(r'&"[^"]*"|&\d+', "", text).replace("&&", "&"))


def _pages_per_sheet(wb, pages: list[PdfPage]) -> dict[str, int]:
    """Pages of each visible sheet, known by the title in the page header."""
    headers = {_header_text(ws): ws.title for ws in wb.worksheets if ws.sheet_state == "visible"}
    counts: dict[str, int] = {}
    for page in pages:
        sheet = headers.get(squash(page.first_line), "?")
        counts[sheet] = counts.get(sheet, 0) + 1
    return counts


def _titles(wb, pages: list[PdfPage]) -> list[str]:
    """Every sheet opens with a title (its A1, not a column header) printed on its first page."""
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        title = ws["A1"].value
        first = next((p for p in pages if squash(p.first_line) == _header_text(ws)), None)
        if not isinstance(title, str) or len(squash(title)) < 4 or ws["A1"].font.sz < 12:
            out.append(f"“{ws.title}”没有标题行（A1 是“{title}”）")
        elif first is None or squash(title) not in first.squashed:
            out.append(f"“{ws.title}”的标题“{title}”不在它的第一页上")
    return out


def _split_units(wb, pages: list[PdfPage]) -> list[str]:
    """扣分原因: each unit's heading printed on the page of its first deduction line."""
    if "扣分原因" not in wb.sheetnames:
        return []
    ws = wb["扣分原因"]
    lines = [c.value for (c,) in ws.iter_rows(min_col=1, max_col=1) if isinstance(c.value, str)]
    texts = [p.squashed for p in pages]
    out = []
    for heading, after in zip(lines, lines[1:]):
        if heading.endswith("扣分原因："):
            a = {n for n, t in enumerate(texts) if squash(heading) in t}
            b = {n for n, t in enumerate(texts) if squash(after) in t}
            if not a & b:
                out.append(f"扣分原因：“{heading}”与它的第一条不在同一页")
    return out


def png(pdfs: dict[Path, Path], documents, folder: Path) -> None:
    for document, path in documents:
        stem = re.sub(r"[（）、，]", "_", document.name).strip("_")
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdfs[path]), str(folder / stem)], check=True)


def run(folder: Path, *, every_scoring: bool = False, pngs: bool = False) -> list[Checked]:
    from inspection.spec.campaign import load_campaign

    campaign = load_campaign(ROOT / "config.toml")
    documents = build(folder, every_scoring)
    pdfs = render([p for _, p in documents], folder / "pdf")
    if pngs:
        png(pdfs, documents, folder / "pdf")
    return [check(d, p, pdfs[p], campaign) for d, p in documents]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="where to keep the workbooks, PDFs and PNGs (default: a temporary folder)")
    parser.add_argument("--png", action="store_true", help="also render every page to a PNG (60 dpi)")
    parser.add_argument("--all", action="store_true", help="every filled 打分表 of the demo, not only 息县's")
    args = parser.parse_args(argv)
    problems = font_problems()
    for problem in problems:
        print(f"✗ {problem}")
    folder = args.out or Path(tempfile.mkdtemp(prefix="pages-"))
    started = time.perf_counter()
    results = run(folder, every_scoring=args.all, pngs=args.png)
    for r in results:
        print(f"{r.document.name}：{r.pages} 页（上限 {r.document.pages}），最小字号 {r.smallest:.1f} 磅")
        for sheet, count in r.sheet_pages.items():
            print(f"    {sheet}：{count} 页")
        for problem in r.problems:
            print(f"  ✗ {problem}")
        problems += [f"{r.document.name}：{p}" for p in r.problems]
    print(f"{len(results)} 个文档，{sum(r.pages for r in results)} 页，问题 {len(problems)} 个；"
          f"用时 {time.perf_counter() - started:.1f} 秒；文件在 {folder}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
