"""Reading what people type: numbers with units, full-width digits or Chinese numerals, dates in
Chinese forms, and the characters nobody can see.

A value is what the person who typed it sees and means. A float is read at the precision Excel and
WPS show (15 significant digits: 0.1*3 stored as 0.30000000000000004 is 0.3); characters that show
nothing (zero-width spaces, byte-order marks, direction marks) are not part of a text; a date
without a year is completed from the campaign's own window (never from this computer's clock).

A parser gives None (or, for parse_points, ok=False) when the cell cannot be read as what it should
hold; a blank-like cell ("", 无, /) reads as nothing (0 points), not as a problem.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
import re
import unicodedata

from dateutil import parser as date_parser

# What people type to mean "no deduction" (and, in a 调度表, "none": 0).
NOTHING = {"", "无", "-", "—", "－", "--", "——", "/", "／", "\\", "0分", "不扣分", "未扣分", "不涉及", "无扣分", "没有"}
CHINESE_NUMERALS = _CN = "零〇○一二两三四五六七八九十百"
_NUMBER = re.compile(r"^扣?\s*([+-]?\d+(?:\.\d+)?)\s*分?$")
_CN_POINTS = re.compile(rf"^扣?([{_CN}]+(?:点[{_CN}]+)?|半)分?(半)?$")
# "……，扣1分", "扣 0.5 分", "扣一分": a deduction written in words (after NFKC, so "扣１分" too).
_NUMBER_START = re.compile(r"\s*[+\-0-9０-９．.]")  # a text that may be a bare number, before NFKC
_STATED = re.compile(rf"扣\s*(\d+(?:\.\d+)?|[{_CN}]+(?:点[{_CN}]+)?|半)\s*分")
# Words before "扣X分" that say it is not taken: "不扣1分", "免扣", "每发现一处扣1分" quotes the rule.
_NOT_TAKEN = re.compile(r"(不|未|免|无需|不予|不应|不用|不再|每[^，,。；;]{0,12}?)\s*$")
_CLOSING = "。.，,；;、！!"  # punctuation a person ends a number with: "1分。"
# What people type as a reason that gives none: the bulletin cannot print "（5）无，扣 1 分".
NO_REASON = {"无", "没有", "暂无", "略", "空", "同上", "同前", "见上", "-", "—", "－", "--", "/", "／", "\\", ".", "。",
             "0", "x", "X", "×", "?", "？", "…", "……", "详见附件", "见附件"}
# A reason that points at the one above it: it means that reason (scoring.py completes it).
SAME_AS_ABOVE = {"同上", "同前", "见上", "同上条", "同上一条", "同上述"}
_EXCEL_EPOCH = date(1899, 12, 30)
# Characters that show nothing (Unicode category Cf: zero-width spaces and joiners, the byte-order
# mark, direction marks, the soft hyphen …), listed as ranges so that no startup walks Unicode.
# tests/test_values.py checks the list against the running Python's own Unicode tables.
INVISIBLE_RANGES = ((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891),
                    (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
                    (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
                    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
                    (0xE0020, 0xE007F))
_INVISIBLE = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in INVISIBLE_RANGES) + "]")


def visible(text: str) -> str:
    """The text as a person sees it: without the characters that show nothing."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def normalize_text(value) -> str:
    """Full-width to half-width (１.５ → 1.5), invisible characters out, trimmed; None → ""."""
    if value is None:
        return ""
    return visible(unicodedata.normalize("NFKC", str(value))).strip()


def decimal_from_number(value) -> Decimal | None:
    """An int or float from a reader as an exact Decimal, at the precision a spreadsheet shows: 0.8
    stays 0.8, and 0.1*3 stored as 0.30000000000000004 is 0.3 (Excel and WPS show 15 significant
    digits, so a person never sees the rest)."""
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
        return Decimal(format(value, ".15g"))
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


def chinese_number(text: str) -> Decimal | None:
    """A number written in Chinese numerals: 三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105, 零点五 → 0.5,
    一点五 → 1.5, 半 → 0.5; 二〇二三 → 2023 (digit by digit). None when it is not one."""
    if not text:
        return None
    if text == "半":
        return Decimal("0.5")
    whole, _, fraction = text.partition("点")
    integer = _chinese_integer(whole)
    if integer is None:
        return None
    if not fraction:
        return Decimal(integer) if "点" not in text else None
    digits = "".join(str(_DIGITS.get(ch, "x")) for ch in fraction)
    return Decimal(f"{integer}.{digits}") if digits.isdigit() else None


_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _chinese_integer(text: str) -> int | None:
    if not text:
        return None
    if all(ch in _DIGITS for ch in text):  # 五, 零; a year digit by digit (二〇二三); not 两三 ("two or three")
        return int("".join(str(_DIGITS[ch]) for ch in text)) if len(text) in (1, 4) else None
    total, current = 0, None
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in "十百":
            total += (1 if current is None else current) * (10 if ch == "十" else 100)
            current = None
        else:
            return None
    return total + (current or 0)


def _points_text(text: str) -> Decimal | None:
    """"1", "扣1分", "1.5 分", "扣一分", "一分半", "零点五" → the amount; None when it is no amount."""
    match = _NUMBER.match(text)
    if match:
        return _decimal(match.group(1))
    match = _CN_POINTS.match(text)
    if match:
        number = chinese_number(match.group(1))
        if number is not None and match.group(2):  # 一分半
            number += Decimal("0.5")
        return number
    return None


def parse_points(value) -> tuple[Decimal | None, bool]:
    """A deduction as typed: 1, "1", "１.５", "1分", "扣1分", "1.5 分。", "扣一分"; blank, 无, -, /
    mean 0.

    Returns (amount, ok). ok is False when the text is not a number: the caller reports it.
    """
    number = decimal_from_number(value)
    if number is not None:
        return (Decimal(0) if number == 0 else number), True
    if isinstance(value, (float, Decimal)):  # NaN or infinity
        return None, False
    text = "".join(normalize_text(value).split()).rstrip(_CLOSING) or normalize_text(value).strip()
    if text in NOTHING:
        return Decimal(0), True
    amount = _points_text(text)
    if amount is None:
        return None, False
    return (Decimal(0) if amount == 0 else amount), True


def stated_points(value) -> Decimal | None:
    """The points a cell states when it is not read as a deduction: a number (1, "1", "1分", "扣1分")
    or words that take one ("……，扣1分", "扣一分"). None when it states none: 0 ("扣0分", "不扣分"),
    and words that do not take points — "不扣1分", "免扣1分", or the rule quoted ("每发现一处扣1分")."""
    number = decimal_from_number(value)
    if number is not None:
        return number
    if not isinstance(value, str) or not value.strip():
        return None
    if "扣" not in value and not _NUMBER_START.match(value) and not value.strip().startswith(tuple(_CN)):
        return None  # most text: a sentence that states no points
    text = normalize_text(value)
    whole = _points_text("".join(text.split()).rstrip(_CLOSING))
    if whole is not None:
        return whole
    for stated in _STATED.finditer(text):
        if _NOT_TAKEN.search(text[max(0, stated.start() - 16):stated.start()]):
            continue
        amount = _amount(stated.group(1))
        if amount:
            return amount
    return None


def stated_in(text: str) -> list[str]:
    """Every "扣X分" in a text, as written (after NFKC): to tell a rule's own wording from one added."""
    return _STATED.findall(normalize_text(text))


def _amount(text: str) -> Decimal | None:
    return _decimal(text) if text[:1].isdigit() else chinese_number(text)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def gives_no_reason(text: str) -> bool:
    """A reason that says nothing: blank, "无", "/", "同上" (squashed of spaces and closing stops), or
    a number alone ("2", "扣2分": an amount, perhaps a deduction typed in the wrong cell)."""
    squashed = "".join(normalize_text(text).split()).rstrip("。.；;，,")
    if not squashed or squashed in NO_REASON or normalize_text(text).strip() in NO_REASON:
        return True
    return _points_text(squashed) is not None


def plain_number(value: Decimal) -> str:
    """A Decimal as a person writes it: 98.0 → "98", 0.50 → "0.5", 80 → "80" (never "8E+1")."""
    return format(value.normalize(), "f")


def is_multiple(value: Decimal, step: Decimal) -> bool:
    return step != 0 and (value / step) == (value / step).to_integral_value()


# --- dates ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    """The days a date typed without its year may mean, shorter than a year so that a month and day
    fall in it at most once: "9月8日" is the 8 September inside it. Built from the campaign's own
    dates (its inspection period, its round, the day a list was handed over), never from the clock."""

    start: date
    end: date
    why: str = ""  # what the window is, for the note that says a year was assumed: 本次检查时间为……

    def __post_init__(self):
        if (self.end - self.start).days >= 366:
            raise ValueError("a window must be shorter than a year")

    @classmethod
    def around(cls, first: date, last: date, why: str = "") -> "Window":
        """Half a year either side of the middle of [first, last]."""
        middle = first + (last - first) / 2
        return cls(middle - timedelta(days=182), middle + timedelta(days=182), why)

    @classmethod
    def after(cls, day: date, why: str = "") -> "Window":
        """The year from `day` on: a deadline is set after the day it was set."""
        return cls(day, day + timedelta(days=364), why)

    def year_for(self, month: int, day: int) -> int | None:
        found = []
        for year in range(self.start.year, self.end.year + 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if self.start <= candidate <= self.end:
                found.append(year)
        return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class DateRead:
    day: date | None
    assumed_year: bool = False  # typed without a year, completed from the window


_WEEKDAY = re.compile(r"[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?")
_TIME = re.compile(r"(?:上午|下午|晚上|早上|中午)?\d{1,2}[:：时点]\d{0,2}分?(?::\d{1,2})?$|(?:上午|下午|晚上|早上|中午|全天)$")
_RANGE = re.compile(r"(?<=[日号])[-~～—－至到].*$|(?:至|到|~|～|——|—).*$")
_CN_DATE_PART = re.compile(rf"([{_CN}]+)(?=[年月日号])")
_FULL = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEARLESS = re.compile(r"(\d{1,2})[-./月](\d{1,2})[日号]?")


def read_date(value, window: Window) -> DateRead:
    """A date as typed or stored: a date cell, an Excel serial, 2023年8月15日, 2023.8.15, 2023/8/15,
    20230815, 二〇二三年八月十五日, with a weekday, a time of day or a second day after it ("8月15日至16日"
    is 15 August); 8月15日 takes its year from `window` (assumed_year). DateRead(None) when it is not
    a date, or has no year and the window does not tell it."""
    if isinstance(value, datetime):
        return DateRead(value.date())
    if isinstance(value, date):
        return DateRead(value)
    number = decimal_from_number(value)
    if number is not None:
        if 20000 < number < 80000:  # Excel serial day numbers for 1954–2118
            return DateRead(_EXCEL_EPOCH + timedelta(days=int(number)))
        return DateRead(None)
    text = "".join(normalize_text(value).split())
    if not text:
        return DateRead(None)
    text = _RANGE.sub("", _TIME.sub("", _WEEKDAY.sub("", text))).rstrip(_CLOSING)
    text = _CN_DATE_PART.sub(lambda m: str(chinese_number(m.group(1)) or m.group(1)), text)
    if match := (_FULL.fullmatch(text) or _COMPACT.fullmatch(text)):
        return DateRead(_date(*match.groups()))
    if match := _YEARLESS.fullmatch(text):
        month, day = int(match.group(1)), int(match.group(2))
        if "月" not in text and not text.count(".") == 1 and not text.count("/") == 1:
            return DateRead(None)  # "8-15": too like a number range to be read as a date
        year = window.year_for(month, day) if 1 <= month <= 12 else None
        return DateRead(_date(year, month, day), assumed_year=True) if year else DateRead(None)
    return DateRead(None)


def parse_date(value, *, window: Window) -> date | None:
    return read_date(value, window).day


def _date(year, month, day) -> date | None:
    try:
        return date_parser.isoparse(f"{int(year):04d}-{int(month):02d}-{int(day):02d}").date()
    except (ValueError, OverflowError):
        return None


def chinese_date(day: date) -> str:
    """2023年9月8日: a date as a notice writes it, no leading zeros (on paper and in messages)."""
    return f"{day.year}年{day.month}月{day.day}日"


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
