"""Reading what people type: numbers with units and full-width digits, dates in Chinese forms.

A parser gives None (or, for parse_points, ok=False) when the cell cannot be read as what it should
hold; a blank-like cell ("", 无, /) reads as nothing (0 points), not as a problem.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
import re
import unicodedata

from dateutil import parser as date_parser

# What people type to mean "no deduction".
NOTHING = {"", "无", "-", "—", "－", "/", "／", "\\", "0分", "不扣分", "未扣分", "不涉及", "无扣分"}
_NUMBER = re.compile(r"^扣?\s*([+-]?\d+(?:\.\d+)?)\s*分?$")
# "……，扣1分", "扣 0.5 分": a deduction written in words (after NFKC, so "扣１分" too).
_NUMBER_START = re.compile(r"\s*[+\-0-9０-９．.]")  # a text that may be a bare number, before NFKC
_STATED = re.compile(r"扣\s*(\d+(?:\.\d+)?)\s*分")
# What people type as a reason that gives none: the bulletin cannot print "（5）无，扣 1 分".
NO_REASON = {"无", "没有", "暂无", "略", "空", "同上", "同前", "见上", "-", "—", "－", "--", "/", "／", "\\", ".", "。",
             "0", "x", "X", "×", "?", "？", "…", "……", "详见附件", "见附件"}
_EXCEL_EPOCH = date(1899, 12, 30)


def normalize_text(value) -> str:
    """Full-width to half-width (１.５ → 1.5), trimmed; None → ""."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def decimal_from_number(value) -> Decimal | None:
    """An int or float from a reader as an exact Decimal (0.8 stays 0.8, not 0.8000000000000000444)."""
    kind = value.__class__
    if kind is str:  # most cells, and the fast way out
        return None
    if kind is Decimal:
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


def parse_points(value) -> tuple[Decimal | None, bool]:
    """A deduction as typed: 1, "1", "１.５", "1分", "扣1分", "1.5 分"; blank, 无, -, / mean 0.

    Returns (amount, ok). ok is False when the text is not a number: the caller reports it.
    """
    number = decimal_from_number(value)
    if number is not None:
        return (Decimal(0) if number == 0 else number), True
    if isinstance(value, (float, Decimal)):  # NaN or infinity
        return None, False
    text = normalize_text(value).replace(" ", "")
    if text in NOTHING:
        return Decimal(0), True
    match = _NUMBER.match(text)
    if not match:
        return None, False
    try:
        amount = Decimal(match.group(1))
    except InvalidOperation:
        return None, False
    return (Decimal(0) if amount == 0 else amount), True


def stated_points(value) -> Decimal | None:
    """The points a cell states when it is not read as a deduction: a number (1, "1", "1分", "扣1分")
    or words that name one ("……，扣1分"). None when it states none; 0 stays 0 ("扣0分", "不扣分" → None)."""
    number = decimal_from_number(value)
    if number is not None:
        return number
    if not isinstance(value, str) or not value.strip():
        return None
    if "扣" not in value and not _NUMBER_START.match(value):  # most text: a sentence that states no points
        return None
    text = normalize_text(value)
    whole = _NUMBER.match(text.replace(" ", ""))
    if whole:
        return _decimal(whole.group(1))
    stated = _STATED.search(text)
    return _decimal(stated.group(1)) if stated else None


def stated_in(text: str) -> list[str]:
    """Every "扣X分" in a text, as written (after NFKC): to tell a rule's own wording from one added."""
    return _STATED.findall(normalize_text(text))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def gives_no_reason(text: str) -> bool:
    """A reason that says nothing: blank, "无", "/", "同上" (squashed of spaces and closing stops)."""
    squashed = "".join(normalize_text(text).split()).rstrip("。.；;，,")
    return not squashed or squashed in NO_REASON or normalize_text(text).strip() in NO_REASON


def plain_number(value: Decimal) -> str:
    """A Decimal as a person writes it: 98.0 → "98", 0.50 → "0.5", 80 → "80" (never "8E+1")."""
    return format(value.normalize(), "f")


def is_multiple(value: Decimal, step: Decimal) -> bool:
    return step != 0 and (value / step) == (value / step).to_integral_value()


def parse_date(value, *, default_year: int) -> date | None:
    """A date as typed or stored: a date cell, an Excel serial, 2023年8月15日, 2023.8.15, 2023/8/15,
    8月15日 (year from `default_year`), 2023-08-15. None when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    number = decimal_from_number(value)
    if number is not None:
        if 20000 < number < 80000:  # Excel serial day numbers for 1954–2118
            return _EXCEL_EPOCH + timedelta(days=int(number))
        return None
    text = normalize_text(value)
    if not text:
        return None
    text = re.sub(r"\s+", "", text)
    if re.fullmatch(r"\d{1,2}月\d{1,2}日?", text):
        text = f"{default_year}年{text}"
    text = re.sub(r"[年月.]", "-", text).replace("日", "").replace("号", "").replace("/", "-").strip("-")
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return None
    try:
        return date_parser.isoparse(_zero_pad(text)).date()
    except (ValueError, OverflowError):
        return None


def _zero_pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


def cell_text(value) -> str:
    """Any cell value as the text a person would read (numbers without trailing .0)."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    number = decimal_from_number(value)
    if number is not None:
        return format(number.normalize(), "f") if number == number.to_integral_value() else str(number)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != datetime.min.time() else f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()
