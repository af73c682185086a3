"""Find the parts of a returned scoring sheet by their labels, never by fixed coordinates.

An inserted row, a moved column or undone merges do not break reading; criteria that are missing,
doubled or relabelled are findings naming the criterion.
"""

from dataclasses import dataclass, field
import difflib
import functools
import re
import unicodedata

from inspection.constants import (
    COL_DEDUCTION, COL_POINTS, COL_REASON, COL_SCORE, COL_STATUS, REVIEW, SHEET_CORRECTIONS, SHEET_HELP, SHEET_META,
    TOTAL_LABEL, ScoringRole,
)
from inspection.findings import Code, Finding, finding
from inspection.intake.book import Book, Sheet
from inspection.reading.table import open_table
from inspection.reading.cells import cell_ref, labelled_cell, squash
from inspection.spec.rubric import Criterion, Rubric
from inspection.values import cell_text, stated_in

# The columns a return cannot be read without (the level columns but the criterion's are for people).
REQUIRED = ("criterion", COL_POINTS, COL_STATUS, COL_DEDUCTION, COL_REASON, COL_SCORE)
# How to fix a deduction the sheet does not read where it was written.
FIX_DEDUCTION = ("扣分请填在对应评分标准所在行的“扣分”栏、原因填在“扣分原因”栏，不要插入行列或改动条款；"
                 "如不是扣分，请删去后重新报送。")
_LABEL = re.compile(r"^[(（]\s*([0-9０-９]+[A-Za-z]?)\s*[)）]")


@dataclass
class ScoringSheet:
    """Where everything is on one returned scoring sheet (0-based rows and columns)."""

    sheet: Sheet
    cols: dict[str, int]
    criterion_rows: dict[str, int]  # criterion id → row
    header_row: int = 0
    # criterion id → the rows repeating it (a criterion row copied to add a second deduction: S012)
    extra_rows: dict[str, list[int]] = field(default_factory=dict)
    inspectors_cell: tuple[int, int] | None = None
    total_cell: tuple[int, int] | None = None
    findings: list[Finding] = field(default_factory=list)


def locate(book: Book, rubric: Rubric, file: str, role: ScoringRole = REVIEW) -> ScoringSheet:
    """Map the rubric onto the workbook's scoring sheet.

    Raises SheetNotReadable with the findings when the structure is too broken to read values.
    Warnings about the structure (edited criterion text) are in the result's `findings`.
    """
    labels = {
        "section": rubric.labels["section"], "item": rubric.labels["item"],
        "criterion": rubric.labels["criterion"], COL_POINTS: COL_POINTS, COL_STATUS: COL_STATUS,
        COL_DEDUCTION: COL_DEDUCTION, COL_REASON: COL_REASON, COL_SCORE: COL_SCORE,
    }
    sheet, header_row, cols, problems = open_table(book, role.sheet, labels, REQUIRED, file, "",
                                                   own=(SHEET_HELP, SHEET_META, SHEET_CORRECTIONS))
    if any(p.is_error for p in problems):
        raise SheetNotReadable(problems)
    located = ScoringSheet(sheet, cols, {}, header_row, findings=list(problems))
    _map_criteria(located, rubric, header_row, file)
    _find_info_cells(located, header_row, role.people_label)
    if any(f.is_error for f in located.findings):
        raise SheetNotReadable(located.findings)
    return located


class SheetNotReadable(Exception):
    """The sheet's structure is too broken to read values from; carries the findings."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} findings")
        self.findings = findings


def _map_criteria(located: ScoringSheet, rubric: Rubric, header_row: int, file: str) -> None:
    """Match sheet rows to rubric criteria by label; a repeated label (the two "48") by text."""
    sheet, col = located.sheet, located.cols["criterion"]
    texts = tuple(cell_text(sheet.value(r, col)) for r in range(header_row + 1, sheet.height))
    key = (rubric.id, rubric.version, header_row, texts)
    if key in _CLEAN_MAPS:  # the same column as an earlier return: the same rows, and nothing to report
        located.criterion_rows.update(_CLEAN_MAPS[key])
        return
    found: dict[str, list[tuple[int, str]]] = {}
    for r, text in enumerate(texts, start=header_row + 1):
        labelled = _labelled(text)
        if labelled:
            found.setdefault(labelled[0], []).append((r, labelled[1]))

    by_label: dict[str, list[Criterion]] = {}
    for c in rubric.criteria:
        by_label.setdefault(c.label, []).append(c)

    for label, rows in found.items():
        if label not in by_label:
            for r, text in rows:
                located.findings.append(finding(Code.S005, file=file, sheet=sheet.name,
                                                cell=cell_ref(r, col), text=f"({label}){text[:30]}"))
    for label, criteria in by_label.items():
        rows = list(found.get(label, []))
        if len(rows) > len(criteria):
            cells = "、".join(cell_ref(r, col) for r, _ in rows)
            code = Code.S012 if len(criteria) == 1 else Code.S004  # one criterion: its rows add up
            located.findings.append(finding(code, file=file, sheet=sheet.name, cell=cell_ref(rows[1][0], col),
                                            label=f"({label})", count=len(rows), cells=cells))
            if code == Code.S004:
                continue
            criterion = criteria[0]
            first = _best_row(criterion, rows)
            located.extra_rows[criterion.id] = [r for r, _ in rows if r != first[0]]
            rows = [first]
        for criterion in _order_by_text(criteria, rows):
            if not rows:
                located.findings.append(finding(Code.S003, file=file, sheet=sheet.name,
                                                label=f"({label})", text=criterion.text[:30] + "……"))
                continue
            r, text = _best_row(criterion, rows)
            rows.remove((r, text))
            located.criterion_rows[criterion.id] = r
            if text != squash(criterion.text):
                if _added_points(text, squash(criterion.text)):  # "扣1分" written into the rule
                    located.findings.append(finding(
                        Code.S010, file=file, sheet=sheet.name, cell=cell_ref(r, col),
                        where=f"评分标准 ({label}) 的条款文字中", value=f"({label}){text[:30]}", fix=FIX_DEDUCTION))
                else:
                    located.findings.append(finding(Code.S007, file=file, sheet=sheet.name,
                                                    cell=cell_ref(r, col), label=f"({label})"))
    if not located.findings and len(_CLEAN_MAPS) < _CLEAN_MAPS_MAX:
        _CLEAN_MAPS[key] = dict(located.criterion_rows)


def _added_points(text: str, own: str) -> bool:
    """Whether the edited text states a deduction ("扣1分") its rule does not."""
    left = list(stated_in(own))
    for amount in stated_in(text):
        if amount in left:
            left.remove(amount)
        else:
            return True
    return False


# Criterion columns already mapped without a finding: returns made from one template repeat theirs.
_CLEAN_MAPS: dict[tuple, dict[str, int]] = {}
_CLEAN_MAPS_MAX = 64


@functools.lru_cache(maxsize=4096)
def _labelled(text: str) -> tuple[str, str] | None:
    """A criterion cell's text → (its label, the rest squashed); None when it has no label.
    Cached: every returned file repeats the same criterion texts."""
    if not text:
        return None
    normalized = unicodedata.normalize("NFKC", text)
    match = _LABEL.match(normalized)
    return (match.group(1), "".join(normalized[match.end():].split())) if match else None


def _order_by_text(criteria: list[Criterion], rows) -> list[Criterion]:
    """Criteria sharing a label, the best-matching first, so a lone remaining row goes to its own."""
    if len(criteria) == 1:
        return criteria
    return sorted(criteria, key=lambda c: -max((_similarity(c, t) for _, t in rows), default=0))


def _best_row(criterion: Criterion, rows: list[tuple[int, str]]) -> tuple[int, str]:
    if len(rows) == 1:
        return rows[0]
    own = squash(criterion.text)
    exact = next((rt for rt in rows if rt[1] == own), None)
    return exact or max(rows, key=lambda rt: _similarity(criterion, rt[1]))


def _similarity(criterion: Criterion, text: str) -> float:
    return _ratio(squash(criterion.text), text)


@functools.lru_cache(maxsize=4096)
def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _find_info_cells(located: ScoringSheet, header_row: int, people_label: str) -> None:
    """检查人员 (自评人员) above the header (the cell right of its label) and 总得分 below. (检查日期 is
    read by reading.layout.labelled_date, as every kind reads its dates.)"""
    sheet = located.sheet
    located.inspectors_cell = labelled_cell(sheet, people_label, header_row)
    score_col = located.cols[COL_SCORE]
    for r in range(sheet.height - 1, header_row, -1):
        if any(squash(v) == TOTAL_LABEL for v in sheet.rows[r][:score_col]):
            located.total_cell = (r, score_col)
            break
