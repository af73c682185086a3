"""A bulletin's annexes read as a person reads them: the draft rendered by LibreOffice and read back
with pdftotext, or 003's own text; both brought to the same shape to compare."""

from dataclasses import dataclass
from decimal import Decimal
import os
from pathlib import Path
import re
import shutil
import subprocess

import pytest

from tests.libreoffice import convert

PAGE_NUMBER = re.compile(r"^—\d+—$")
NUMBER = r"\d+(?:\.\d+)?"
# One deduction as 003 prints it: "（5）……，扣 0.4 分；", "(28) (29) ……，扣 1 分；", "……等，共计扣 3 分。"
ENTRY = re.compile(rf"(?P<labels>(?:[（(]\d+[）)])+)(?P<reason>.*?)，(?P<total>共计)?扣(?P<amount>{NUMBER})分(?P<end>[；。])")


@dataclass(frozen=True)
class Line:
    labels: tuple[str, ...]
    reason: str
    amount: Decimal
    end: str  # "；" or "。"
    total: bool = False  # "共计扣"


@dataclass(frozen=True)
class Block:
    unit: str
    score: str  # as printed: "80.1", "78"
    lines: tuple[Line, ...]


def squeeze(text: str) -> str:
    """Without whitespace (pdftotext's line breaks and the spaces PDF extraction puts around digits)
    and without the markdown bold the seed's extraction left ("**80.1**")."""
    return re.sub(r"\s+", "", text).replace("**", "")


def parse_reasons(text: str, units) -> list[Block]:
    """附件2 squeezed → per unit: its printed score and its deduction lines. Everything between two
    headings must be deduction lines, or the parse fails."""
    head = re.compile(rf"(?P<unit>{'|'.join(map(re.escape, units))})得分(?P<score>{NUMBER})分，(?:扣分原因：|无扣分。)")
    heads = list(head.finditer(text))
    assert heads, "no 得分 … 分，扣分原因： heading"
    blocks = []
    for n, m in enumerate(heads):
        body = text[m.end():heads[n + 1].start() if n + 1 < len(heads) else len(text)]
        lines, at = [], 0
        for e in ENTRY.finditer(body):
            assert e.start() == at, f"{m['unit']}: not a deduction line: {body[at:e.start()]!r}"
            lines.append(Line(tuple(re.findall(r"\d+", e["labels"])), e["reason"], Decimal(e["amount"]), e["end"],
                              bool(e["total"])))
            at = e.end()
        assert at == len(body), f"{m['unit']}: not a deduction line: {body[at:]!r}"
        blocks.append(Block(m["unit"], m["score"], tuple(lines)))
    return blocks


def pdf_pages(docx: Path, folder: Path) -> list[list[str]]:
    """The draft as LibreOffice prints it: per page, its non-empty lines, page numbers left out."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail("pdftotext (poppler-utils) is required here but not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    try:
        pdf = convert(docx, "pdf", folder / "pdf", folder / "profile")
    except AssertionError:  # LibreOffice without Writer (libreoffice-calc alone) cannot open a .docx
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            raise
        pytest.skip("LibreOffice Writer is not installed (it prints the .docx to PDF)")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode("utf-8")
    pages = []
    for page in text.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines:
            pages.append([line for line in lines if not PAGE_NUMBER.match(squeeze(line))])
    return pages


def annex(pages: list[list[str]], label: str) -> list[str]:
    """The lines of the annex whose first page starts with `label` ("附件1"), up to the next annex."""
    start = next(n for n, page in enumerate(pages) if squeeze(page[0]) == label)
    lines = pages[start][1:]
    for page in pages[start + 1:]:
        if re.fullmatch(r"附件\d+", squeeze(page[0])):
            break
        lines += page
    return lines


def body(pages: list[list[str]]) -> str:
    """The bulletin before its annexes, squeezed."""
    end = next(n for n, page in enumerate(pages) if squeeze(page[0]) == "附件1")
    return squeeze("".join("".join(page) for page in pages[:end]))


def ranking_rows(lines: list[str], header: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """附件1's table from pdftotext: one cell a line; the header, repeated on each page, skipped."""
    cells = [squeeze(line) for line in lines]
    start = next(n for n in range(len(cells)) if tuple(cells[n:n + 3]) == header)
    rows, n = [], start
    while n + 2 < len(cells):
        if tuple(cells[n:n + 3]) == header:
            n += 3
        elif cells[n].isdigit():
            rows.append(tuple(cells[n:n + 3]))
            n += 3
        else:
            break
    return rows
