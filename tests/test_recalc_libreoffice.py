"""A real spreadsheet application computes the template's scores the way the rubric says."""

from decimal import Decimal
import re

import openpyxl

from tests.libreoffice import convert


def _criterion_rows(ws) -> dict[str, int]:
    rows = {}
    for (cell,) in ws.iter_rows(min_col=3, max_col=3):
        match = re.match(r"^\((\d+)\)", str(cell.value or ""))
        if match:
            rows.setdefault(match.group(1), cell.row)  # the first (48) is enough here
    return rows


def test_libreoffice_recalculates_filled_template(templates, rubric, tmp_path):
    source = templates.scoring[0]
    wb = openpyxl.load_workbook(source)
    ws = wb["打分表"]
    rows = _criterion_rows(ws)
    # Item 1 (3 points): (1) 2 + (2) 1.5 → floors at 0. Item 4 (5 points): (7) 0.5 + (8) 0.8 → 3.7.
    # Item 23 (4 points): (36) 0.5 → 3.5. Item 48 (2 points): nothing → 2.
    deductions = {"1": 2, "2": 1.5, "7": 0.5, "8": 0.8, "36": 0.5}
    for label, amount in deductions.items():
        ws[f"F{rows[label]}"] = amount
        ws[f"G{rows[label]}"] = "测试扣分"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    result = convert(filled, "xlsx", tmp_path / "out", tmp_path / "profile")
    calc = openpyxl.load_workbook(result, data_only=True)["打分表"]

    def score(label: str) -> Decimal:
        return Decimal(str(calc[f"H{rows[label]}"].value)).quantize(Decimal("0.01"))

    assert score("1") == Decimal("0.00")
    assert score("7") == Decimal("3.70")
    assert score("34") == Decimal("3.50")
    assert score("66") == Decimal("2.00")
    total_row = max(rows.values()) + 1
    while calc[f"A{total_row}"].value != "总得分":
        total_row += 1
    # 100 − 3 (item 1 floored) − 1.3 − 0.5 = 95.2
    assert Decimal(str(calc[f"H{total_row}"].value)).quantize(Decimal("0.01")) == Decimal("95.20")
