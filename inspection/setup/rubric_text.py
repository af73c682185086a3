"""Reading the words of a pasted rubric: labels, printed points and each criterion's deductions.

Labels (at the start of a cell, half- or full-width, spaces allowed):
  parts 一、  sections （一） (一)  items 1. 1、 1．  criteria (1) （1） ①.
Printed points: "（3分）" / "(3 分)" at the end of a text (a full stop after it is kept: "漏洞（1分）。").
Deductions, one per "扣N分" in the order written (N: 2, 0.5, ２, 一, 两, 半):
  a fixed amount            "……的，扣2分"  "扣0.5分"  "扣除1分"
  an amount per finding     "每发现1家扣1分"  "每缺少一次，扣1分"  "每少1人，扣1分"  "每处扣2分"
                            "每有1项扣0.5分"  "发现一家未……的，扣0.5分"  "一项未纳入的扣0.5分"  "扣1分/次"
                            units 家 次 人 处 个 项 (名、位 read as 人)
  the whole item            "不得分"  "该项不得分"  "扣除该项分值"
  not applicable            "不涉及的不扣分"
  accepted and ignored      "直至此项分值扣完"  "扣完为止" (an item never goes below 0 anyway)
Refused with a message: a range ("扣1-2分"), a unit outside the six ("每起扣1分"), and a text with no
deduction at all; "最多扣3分" below the item's points is accepted with a warning (not enforced).
"""

from decimal import Decimal
import re

from inspection.findings import ERROR, WARNING
from inspection.spec.rubric import PER_FINDING_UNITS
from inspection.values import plain_number

_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WIDE = str.maketrans("０１２３４５６７８９．", "0123456789.")
_NUM = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
_CN = "一二三四五六七八九十"

PART_LABEL = re.compile(rf"^\s*([{_CN}]+)\s*[、.．]\s*")
SECTION_LABEL = re.compile(rf"^\s*[(（]\s*([{_CN}]+)\s*[)）]\s*")
ITEM_LABEL = re.compile(r"^\s*([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])\s*")
CRITERION_LABEL = re.compile(r"^\s*(?:[(（]\s*([0-9０-９]{1,3})\s*[)）]|([\u2460-\u2473]))\s*")
LABELS = {"part": PART_LABEL, "section": SECTION_LABEL, "item": ITEM_LABEL, "criterion": CRITERION_LABEL}
_POINTS_END = re.compile(rf"\s*[(（]\s*({_NUM})\s*分\s*[)）]\s*([。.；;，,]?)\s*$")
_POINTS_ANY = re.compile(rf"\s*[(（]\s*({_NUM})\s*分\s*[)）]\s*")
_POINTS_CELL = re.compile(rf"^\s*({_NUM})\s*分?\s*$")

# Deductions, matched on the text with full-width digits made plain (one character for one).
_AMOUNT = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半])"
_DEDUCT = re.compile(rf"扣(?:除|减)?\s*{_AMOUNT}\s*分")
_RANGE = re.compile(rf"扣(?:除|减)?\s*{_AMOUNT}\s*分?\s*[-~～—–至到]\s*{_AMOUNT}\s*分")
_CAP = re.compile(rf"(?:最多|最高|累计|合计|共计|共|总计|上限|不超过|不得超过)\s*(?:可|只)?\s*(?:扣(?:除|减)?)?"
                  rf"\s*{_AMOUNT}\s*分")
_WHOLE = re.compile(r"(?:该项|此项|本项|该条|本条)?不得分|扣(?:除|减)?(?:该项|此项|本项)(?:全部)?分(?:值|数)?")
_NOT_APPLICABLE = re.compile(r"不涉及.{0,8}?不(?:扣分|扣|计分)")
_UNIT = "家次人处个项名位起条份台辆户例件座所批宗"
_PER = (
    re.compile(rf"每\s*(?:发现|缺少|少|有|查出|出现)?\s*(?:[1一]\s*)?([{_UNIT}])"),
    re.compile(rf"(?:发现|缺少|缺|(?<![至最])少)\s*[1一]\s*([{_UNIT}])"),
    re.compile(rf"(?<![\d{_CN}])[1一]\s*([{_UNIT}])\s*(?:未|不|没有|无)"),
)
_PER_AFTER = re.compile(rf"^\s*[/／]\s*([{_UNIT}])")
UNIT_ALIASES = {"名": "人", "位": "人"}

# What is wrong with a criterion's text, and the fix; after the cell and the criterion's label.
NO_DEDUCTION = "没有读出扣分（应写明如“扣2分”“每发现1家扣1分”“不得分”），请在这一格的条文里写明扣几分"
RANGE = "扣分写成了范围“{text}”，无法确定扣几分，请写明一个分数（如“扣1分”）"
UNIT = "“{text}”按“{unit}”计，本工具只认 {units} 之一，请改为其中一个（如“每发现1处扣1分”）"
CAP = "“{text}”：本工具每条细则扣到 0 分为止（该细则 {points} 分），不按 {cap} 分封顶，请核对"
ZERO = "“{text}”扣 0 分，不是扣分，请删去或写明扣几分"


def plain(text: str) -> str:
    """Full-width digits and point made plain, one character for one (positions stay)."""
    return text.translate(_WIDE)


def number(text: str) -> Decimal:
    return Decimal(plain(text))


def toml_number(value: Decimal):
    """A number as tomllib gives it from a rubric file: an int when whole, else a Decimal."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else Decimal(plain_number(value))


def cell_text(value) -> str:
    """A cell's text as one line: each line trimmed, blank lines dropped, lines joined without a
    space (Chinese), or with one between two Latin letters or digits."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if not isinstance(value, str):
        return str(value) if value not in (None, "") else ""
    out = ""
    for line in value.replace("\r", "\n").replace("\x0b", "\n").replace("\u2028", "\n").split("\n"):
        line = line.strip()
        if line:
            out += f" {line}" if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() \
                and line[0].isalnum() else line
    return out


def cell_pieces(value, level: str) -> list[str]:
    """A cell holding several units of `level`, the first line and each further one starting with its
    label ("(1)……\n(2)……"), as one text per unit; otherwise (an unnumbered first line, as before a
    list of requirements) the cell's text alone."""
    if not isinstance(value, str) or "\n" not in value.strip() or not LABELS[level].match(value.strip()):
        return [cell_text(value)]
    pieces: list[str] = []
    for line in value.replace("\r", "\n").split("\n"):
        if LABELS[level].match(line) or not pieces:
            pieces.append(line)
        else:
            pieces[-1] += "\n" + line
    return [t for t in (cell_text(p) for p in pieces) if t]


def split_label(level: str, text: str) -> tuple[str, str]:
    """(label as the rubric files write it, the rest): "（1）未…" → ("1", "未…"), "2、党委…" → ("2.", "党委…")."""
    match = LABELS[level].match(text)
    if not match:
        return "", text.strip()
    rest = text[match.end():].strip()
    raw = match.group(1)
    if level == "part":
        return f"{raw}、", rest
    if level == "section":
        return f"（{raw}）", rest
    if level == "item":
        return f"{int(plain(raw))}.", rest
    return (str(int(plain(raw))) if raw else str(ord(match.group(2)) - 0x245F)), rest


def split_points(text: str) -> tuple[str, Decimal | None]:
    """A text without its closing "（3分）", and the points (None when it prints none)."""
    match = _POINTS_END.search(text)
    if not match:
        return text, None
    return text[:match.start()] + match.group(2), number(match.group(1))


def split_heading(text: str) -> tuple[str, Decimal | None, str]:
    """A part heading after its label, "企业层面（79分）　每个县区……" or "企业层面（每个县区……）":
    (title, points, note)."""
    points = None
    match = _POINTS_ANY.search(text)
    if match:
        points = number(match.group(1))
        text = f"{text[:match.start()]}　{text[match.end():]}".strip()
    if "　" in text:  # the scoring sheet's way: "企业层面（79分）　每个县区……"
        title, _, note = text.partition("　")
        note = note.strip()
        if re.fullmatch(r"[(（].*[)）]", note):
            note = note[1:-1].strip()
        return title.strip(), points, note
    bracketed = re.match(r"^(.*?)\s*[(（](.+)[)）]$", text)
    if bracketed and bracketed.group(1):
        return bracketed.group(1).strip(), points, bracketed.group(2).strip()
    title, _, note = text.partition(" ")
    return title.strip(), points, note.strip()


def points_cell(value) -> Decimal | None:
    """A 分值 cell: 3, "3", "3分", "１.５分". None when it is not a number."""
    if isinstance(value, Decimal):
        return value
    match = _POINTS_CELL.match(cell_text(value))
    return number(match.group(1)) if match else None


def _amount(token: str) -> Decimal:
    if token == "半":
        return Decimal("0.5")
    return Decimal(_NUMERALS[token]) if token in _NUMERALS else Decimal(token)


def read_deductions(text: str, item_points: Decimal | None) -> tuple[list[dict], bool, list[tuple[str, str]]]:
    """The deductions a criterion's text names, in order, as a rubric file writes them
    ([{"amount": 1, "per": "家"}, …]); whether it says 不涉及的不扣分; and its problems as
    (level, message)."""
    flat = plain(text)
    problems: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for match in _RANGE.finditer(flat):
        problems.append((ERROR, RANGE.format(text=text[match.start():match.end()])))
        taken.append(match.span())
    for match in _CAP.finditer(flat):
        cap = _amount(match.group(1))
        if item_points is not None and cap < item_points:
            problems.append((WARNING, CAP.format(text=text[match.start():match.end()], cap=plain_number(cap),
                                                 points=plain_number(item_points))))
        taken.append(match.span())
    found: list[tuple[int, int, Decimal | None]] = []  # (start, end, amount or None for the whole item)
    for match in _DEDUCT.finditer(flat):
        if not any(a <= match.start() < b for a, b in taken):
            found.append((match.start(), match.end(), _amount(match.group(1))))
    for match in _WHOLE.finditer(flat):
        if not any(a <= match.start() < b for a, b in taken):
            found.append((match.start(), match.end(), None))
    found.sort()
    deductions: list[dict] = []
    previous = 0
    for start, end, amount in found:
        if amount is not None and amount == 0:
            problems.append((ERROR, ZERO.format(text=text[start:end])))
            previous = end
            continue
        clause: dict = {"amount": toml_number(amount if amount is not None else item_points or 0)}
        unit = _per_unit(flat[previous:start], flat[end:])
        if unit:
            unit = UNIT_ALIASES.get(unit, unit)
            if unit in PER_FINDING_UNITS:
                clause["per"] = unit
            else:
                problems.append((ERROR, UNIT.format(text=text[previous:end].lstrip("，,；;。 "), unit=unit,
                                                    units="、".join(PER_FINDING_UNITS))))
        if amount is not None or item_points:
            deductions.append(clause)
        previous = end
    if not found and not any(level == ERROR for level, _ in problems):
        problems.append((ERROR, NO_DEDUCTION))
    return deductions, bool(_NOT_APPLICABLE.search(flat)), problems


def _per_unit(before: str, after: str) -> str:
    """The unit of an amount per finding: the last "每发现1家" (or the like) before it, or "/次" after."""
    hits = [(m.start(), m.group(1)) for pattern in _PER for m in pattern.finditer(before)]
    if hits:
        return max(hits)[1]
    match = _PER_AFTER.match(after)
    return match.group(1) if match else ""
