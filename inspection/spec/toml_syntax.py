"""A TOML syntax error said in Chinese: which line and column, what is wrong there, how to fix it.

tomllib says where it stopped and why in English (`Unclosed array (at line 15, column 9)`). The
cause a clerk can act on is in the text around that place — a comma typed with a Chinese input
method, a date written 2018年12月10日, an array item without its comma on the line above — so
`diagnose` reads that text again and names the cause, with the line and column of the character
to change (not always where tomllib stopped). The message templates are below, in one place.
"""

from dataclasses import dataclass
from datetime import date
import re
import tomllib
import unicodedata

# --- message templates -------------------------------------------------------------------------

SYNTAX = "{what} {file} 第 {line} 行第 {column} 列{problem}。这一行是：{text}"
NOT_UTF8 = "{what} {file} 不是 UTF-8 编码：请用记事本打开，另存为时编码选“UTF-8”"

FULLWIDTH = "是{name}“{char}”，请改为{fix_name}“{fix}”"
FULLWIDTH_QUOTE = "是{name}（{char}），文字两端请改用英文引号（{fix}）"
FULLWIDTH_SPACE = "是全角空格（中文输入法打出的空格），请改为英文空格或删去"
DATE = "的日期写成了“{typed}”：日期请写作 {iso}（不加引号）"
BAD_DATE = "的“{typed}”不是有效的日期：日期请写作 2018-12-10 这样的年-月-日（不加引号）"
YEAR_MONTH = "的“{typed}”要加英文引号，写作 \"{fixed}\""
MISSING_COMMA = "缺少英文逗号“,”：{container}的各项之间要用英文逗号隔开，请在这里补上"
MISSING_CLOSE = "的“{opening}”没有对应的“{closing}”：{container}最后一项后面要写“{closing}”"
MISSING_QUOTE = "开始的文字缺少结尾的英文引号（{quote}）：请在文字末尾补上（一段文字要写在同一行里）"
COLON = "是冒号“:”，键和值之间请用英文等号“=”"
MISSING_EQUALS = "缺少英文等号“=”：“{key}”后面要写“=”再写值，如 {key} = …"
TABLE_HEADER = "的表头缺少右方括号，应写作 {fixed}"
UNQUOTED = "的文字“{token}”没有加引号：文字两端要加英文引号，写作 \"{token}\""
MISSING_VALUE = "的“=”后面缺少值：文字加英文引号，数字直接写"
EXTRA_COMMA = "多了一个英文逗号“,”：请删去"
EXTRA = "多了“{extra}”：一行只写一项“键 = 值”，数字不带单位，说明文字写在 # 后面"
CHINESE_KEY = "的键名“{key}”不能用中文，请照模板写英文键名"
NOT_STATEMENT = "不是“键 = 值”，也不是 [表头]：说明文字请在行首加 #"
DUPLICATE_KEY = "的“{key}”重复了：同一个表里每个键只能写一次"
DUPLICATE_TABLE = "的表头 {header} 重复了：每个表头只能写一次（[[…]] 除外）"
BACKSLASH = "的文字中有反斜杠“\\”：路径请用“/”分隔，如 rubrics/xinyang.toml"
CONTROL = "有看不见的控制字符：请删去这一行重新输入"
GENERAL = "格式有误：请对照模板检查这一行（文字两端加英文引号，标点用英文半角）"

ARRAY, INLINE_TABLE = "数组", "花括号内"
# tomllib's reasons for a string that does not end (a ' reads on to the end of the document)
UNCLOSED_STRING = ("Unterminated string", "Illegal character '\\n'", "Illegal character '\\r'",
                   "Expected \"'\"", "Expected \"'''\"")

# Punctuation a Chinese input method types in place of TOML's: (its name, the fix's name, the fix).
FULLWIDTH_CHARS = {
    "，": ("中文逗号", "英文逗号", ","),
    "、": ("中文顿号", "英文逗号", ","),
    "；": ("中文分号", "英文逗号", ","),
    "：": ("中文冒号", "英文等号", "="),
    "＝": ("全角等号", "英文等号", "="),
    "“": ("中文引号", "英文引号", '"'),
    "”": ("中文引号", "英文引号", '"'),
    "‘": ("中文引号", "英文引号", '"'),
    "’": ("中文引号", "英文引号", '"'),
    "［": ("中文方括号", "英文方括号", "["),
    "］": ("中文方括号", "英文方括号", "]"),
    "【": ("中文方括号", "英文方括号", "["),
    "】": ("中文方括号", "英文方括号", "]"),
    "｛": ("中文花括号", "英文花括号", "{"),
    "｝": ("中文花括号", "英文花括号", "}"),
    "。": ("中文句号", "英文句点", "."),
    "．": ("全角句点", "英文句点", "."),
    "－": ("全角减号", "英文减号", "-"),
    "＃": ("全角井号", "英文井号", "#"),
}
QUOTES = "“”‘’"
FULLWIDTH_SPACE_CHAR = "\u3000"
SHOWN_CHARS = 60  # a longer line is shown as the part around the column

DATE_SHAPE = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")
YEAR_MONTH_SHAPE = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*月?")
TABLE_HEADER_LINE = re.compile(r"\s*\[\[?\s*[A-Za-z0-9_.\- ]+\]\]?\s*(#.*)?")
KEY_VALUE_LINE = re.compile(r"\s*[A-Za-z0-9_.\-]+\s*=")
KEY_AT_START = re.compile(r"\s*([^=\s][^=]*?)\s*=")
WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


@dataclass(frozen=True)
class Diagnosis:
    line: int  # counted from 1
    column: int  # counted from 1, in characters, as Notepad counts them
    problem: str  # continues "第 N 行第 M 列"


def syntax_message(what: str, file: str, text: str, found: Diagnosis) -> str:
    """The one-line message: the file, the place, the cause and fix, and the line as typed."""
    line = text.split("\n")[found.line - 1] if found.line <= text.count("\n") + 1 else ""
    return SYNTAX.format(what=what, file=file, line=found.line, column=found.column,
                         problem=found.problem, text=shown(line, found.column))


def shown(line: str, column: int) -> str:
    """The line without its indentation and line ending; a long one cut to the part around `column`."""
    stripped = line.rstrip("\r\n")
    lead = len(stripped) - len(stripped.lstrip())
    stripped = stripped.strip()
    if len(stripped) <= SHOWN_CHARS:
        return stripped
    at = max(column - 1 - lead, 0)
    start = max(0, min(at - SHOWN_CHARS // 3, len(stripped) - SHOWN_CHARS))
    end = start + SHOWN_CHARS
    return ("…" if start else "") + stripped[start:end] + ("…" if end < len(stripped) else "")


def diagnose(text: str, err: tomllib.TOMLDecodeError) -> Diagnosis:
    """Where the mistake behind `err` is in `text` and what it is, looking at the text there."""
    spot = _Spot.of(text, err)
    for check in (_date, _fullwidth, _unclosed_above, _by_reason):
        found = check(spot)
        if found:
            return found
    return Diagnosis(spot.line, spot.column, GENERAL)


# --- where tomllib stopped -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Spot:
    text: str
    lines: list[str]
    reason: str  # tomllib's English message without its "(at …)"
    pos: int  # offset in text
    line: int
    column: int

    @classmethod
    def of(cls, text: str, err: tomllib.TOMLDecodeError) -> "_Spot":
        lines = [line.rstrip("\r") for line in text.split("\n")]
        pos = getattr(err, "pos", None)  # Python 3.14 gives the offset; earlier only the message
        message = getattr(err, "msg", None) or str(err)
        found = WHERE.search(message)
        reason = message[:found.start()] if found else message
        if pos is None:
            if found and found.group(1):
                number, column = int(found.group(1)), int(found.group(2))
                pos = sum(len(line) + 1 for line in text.split("\n")[:number - 1]) + column - 1
            else:
                pos = len(text)
        pos = min(pos, len(text))
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        while line > 1 and pos == len(text) and not lines[line - 1].strip():
            line -= 1  # at the end of the document: the last line with something on it
            column = len(lines[line - 1]) + 1
        return cls(text, lines, reason, pos, line, column)

    @property
    def row(self) -> str:
        return self.lines[self.line - 1]

    @property
    def char(self) -> str:
        """The character where tomllib stopped ("" at the end of the line or document)."""
        return self.row[self.column - 1] if self.column - 1 < len(self.row) else ""


def _scan(line: str) -> tuple[list[bool], int, int | None]:
    """For each character of one line, whether it is inside a quoted string; where a comment
    starts (the line's length if none); where a string opened and did not close (None if none)."""
    inside = [False] * len(line)
    quote, start, i = None, None, 0
    while i < len(line):
        ch = line[i]
        if quote:
            inside[i] = True
            if quote == '"' and ch == "\\" and i + 1 < len(line):
                inside[i + 1] = True
                i += 2
                continue
            if ch == quote:
                quote, start = None, None
        elif ch in "\"'":
            quote, start, inside[i] = ch, i, True
        elif ch == "#":
            return inside, i, None
        i += 1
    return inside, len(line), start


def _value(line: str) -> tuple[str, int]:
    """The value of a `key = value` line as typed (comment cut off) and its column; ("", 0) if none."""
    inside, comment, _ = _scan(line)
    equals = next((i for i in range(comment) if line[i] == "=" and not inside[i]), None)
    if equals is None:
        return "", 0
    rest = line[equals + 1:comment]
    value = rest.strip()
    return value, equals + 1 + (len(rest) - len(rest.lstrip())) + 1


def _walk(spot: _Spot) -> tuple[list[tuple[int, int, str]], tuple[int, int] | None]:
    """Reading up to where tomllib stopped: the brackets still open (line, column, "[" or "{"),
    and the last character that was not a space or a comment."""
    stack, last = [], None
    for number, line in enumerate(spot.lines[:spot.line], start=1):
        inside, comment, _ = _scan(line)
        limit = min(comment, spot.column - 1) if number == spot.line else comment
        for i in range(limit):
            ch = line[i]
            if not inside[i]:
                if ch in "[{":
                    stack.append((number, i + 1, ch))
                elif ch in "]}" and stack:
                    stack.pop()
            if not ch.isspace():
                last = (number, i + 1)
    return stack, last


# --- the checks, in order --------------------------------------------------------------------------

def _date(spot: _Spot) -> Diagnosis | None:
    """A date typed 2018年12月10日, 2018/12/10 or 2018.12.10 (unquoted), or 2023年8月 for a round."""
    typed, column = _value(spot.row)
    if not typed or typed[0] in "\"'[{" or _is_value(typed):
        return None
    plain = unicodedata.normalize("NFKC", typed)
    shape = DATE_SHAPE.fullmatch(plain)
    if shape:
        try:
            iso = date(*(int(g) for g in shape.groups())).isoformat()
        except ValueError:
            return Diagnosis(spot.line, column, BAD_DATE.format(typed=typed))
        return Diagnosis(spot.line, column, DATE.format(typed=typed, iso=iso))
    shape = YEAR_MONTH_SHAPE.fullmatch(plain)
    if shape and 1 <= int(shape.group(2)) <= 12:
        fixed = f"{shape.group(1)}-{int(shape.group(2)):02d}"
        return Diagnosis(spot.line, column, YEAR_MONTH.format(typed=typed, fixed=fixed))
    return None


def _is_value(typed: str) -> bool:
    """Whether TOML reads `typed` as a value (2018-12-10 does; then the mistake is elsewhere)."""
    try:
        tomllib.loads(f"v = {typed}")
    except tomllib.TOMLDecodeError:
        return False
    return True


def _fullwidth(spot: _Spot) -> Diagnosis | None:
    """The first full-width punctuation on the line outside quoted text (comments aside). When
    the line's English quotes do not pair up, a Chinese quote where a string begins or ends
    (after "=", "[", ","; before ",", "]", the line's end) counts too: it is why they do not."""
    line = spot.row
    inside, comment, _ = _scan(line)
    found = [i for i in range(comment) if not inside[i] and _is_fullwidth(line[i])]
    if _unpaired_quotes(line[:comment]):
        found += [i for i in range(comment) if line[i] in QUOTES and _delimits(line[:comment], i)]
    if not found:
        return None
    i = min(found)
    ch = line[i]
    if ch == FULLWIDTH_SPACE_CHAR:
        return Diagnosis(spot.line, i + 1, FULLWIDTH_SPACE)
    name, fix_name, fix = FULLWIDTH_CHARS.get(ch) or _fullwidth_form(ch)
    if ch in QUOTES:
        return Diagnosis(spot.line, i + 1, FULLWIDTH_QUOTE.format(name=name, char=ch, fix=fix))
    if ch == "：" and "=" in line[:i]:
        fix_name, fix = "英文冒号", ":"  # after the "=", a colon in a value such as a time
    return Diagnosis(spot.line, i + 1, FULLWIDTH.format(name=name, char=ch, fix_name=fix_name, fix=fix))


def _is_fullwidth(ch: str) -> bool:
    return ch in FULLWIDTH_CHARS or ch == FULLWIDTH_SPACE_CHAR or 0xFF01 <= ord(ch) <= 0xFF5E


def _fullwidth_form(ch: str) -> tuple[str, str, str]:
    """A full-width letter, digit or sign (U+FF01–U+FF5E) and its half-width form."""
    half = chr(ord(ch) - 0xFEE0)
    kind = "数字" if half.isdigit() else "字母" if half.isalpha() else "符号"
    return f"全角{kind}", f"半角{kind}", half


def _unpaired_quotes(line: str) -> bool:
    return (line.count('"') - line.count('\\"')) % 2 == 1


def _delimits(line: str, i: int) -> bool:
    before, after = line[:i].rstrip(), line[i + 1:].lstrip()
    return (not before or before[-1] in "=[{,，") or (not after or after[0] in ",]}，")


def _by_reason(spot: _Spot) -> Diagnosis | None:
    """The cause told by tomllib's reason and the character where it stopped."""
    reason, line, row, ch = spot.reason, spot.line, spot.row, spot.char
    if reason in UNCLOSED_STRING:
        # tomllib stops at the line's end, or for a ' at the end of the document: then the first
        # line with a quote that does not close is the one
        for number in [line, *range(1, line)]:
            _, _, start = _scan(spot.lines[number - 1])
            if start is not None:
                return Diagnosis(number, start + 1, MISSING_QUOTE.format(quote=spot.lines[number - 1][start]))
    elif reason in ("Unclosed array", "Unclosed inline table"):
        return _unclosed(spot)
    elif reason.startswith("Expected '='"):
        if ch == ":":
            return Diagnosis(line, spot.column, COLON)
        key = row[:spot.column - 1].strip()
        if key:
            return Diagnosis(line, spot.column, MISSING_EQUALS.format(key=key))
    elif reason.startswith("Expected ']"):
        brackets = "]]" if reason.startswith("Expected ']]'") else "]"
        name = row[:spot.column - 1].strip().lstrip("[").strip()
        fixed = f"{'[' * len(brackets)}{name}{brackets}"
        return Diagnosis(line, spot.column, TABLE_HEADER.format(fixed=fixed))
    elif reason == "Invalid value":
        rest = row[spot.column - 1:]
        token = re.match(r"[^,\]}#]*", rest).group().strip().strip("\"'“”‘’")
        _, last = _walk(spot)
        before = spot.lines[last[0] - 1][last[1] - 1] if last else ""
        if before == "=" and (not rest.strip() or rest.lstrip()[0] in "#,]}"):
            return Diagnosis(line, spot.column, MISSING_VALUE)
        if before in ",[" and ch == ",":
            return Diagnosis(line, spot.column, EXTRA_COMMA)
        if token and ch.isalpha():
            return Diagnosis(line, spot.column, UNQUOTED.format(token=token))
    elif reason in ("Invalid statement", "Invalid initial character for a key part"):
        if ch and not ch.isascii() and "=" in row:
            key = row[:row.index("=")].strip()
            return Diagnosis(line, spot.column, CHINESE_KEY.format(key=key))
        if reason == "Invalid statement":
            return Diagnosis(line, spot.column, NOT_STATEMENT)
    elif reason.startswith("Expected newline or end of document"):
        _, comment, _ = _scan(row)
        extra = row[spot.column - 1:comment].strip()
        if extra:
            return Diagnosis(line, spot.column, EXTRA.format(extra=extra))
    elif reason == "Cannot overwrite a value":
        key = KEY_AT_START.match(row)
        if key:
            return Diagnosis(line, key.start(1) + 1, DUPLICATE_KEY.format(key=key.group(1)))
    elif reason.startswith("Cannot declare"):
        header = row.split("#")[0].strip()
        if header.startswith("["):
            return Diagnosis(line, row.index("[") + 1, DUPLICATE_TABLE.format(header=header))
    elif reason.startswith("Unescaped '\\'"):
        return Diagnosis(line, spot.column, BACKSLASH)
    elif reason.startswith(("Illegal character", "Found invalid character")) and ch and not ch.isprintable():
        return Diagnosis(line, spot.column, CONTROL)
    return None


def _unclosed_above(spot: _Spot) -> Diagnosis | None:
    """The next [table] or key = value read as an item of an array left open on a line above
    (its "]" deleted): the mistake is that array's missing "]"."""
    if not (TABLE_HEADER_LINE.fullmatch(spot.row) or KEY_VALUE_LINE.match(spot.row)):
        return None
    opened = [b for b in _walk(spot)[0] if b[0] < spot.line]
    return _missing_close(opened[-1]) if opened else None


def _unclosed(spot: _Spot) -> Diagnosis | None:
    """An array or inline table that did not end: a missing comma when tomllib stopped at the
    start of another item, else a missing "]" or "}" (named where the bracket opened)."""
    stack, last = _walk(spot)
    ch = spot.char
    if ch and (ch in "\"'{[+-" or ch.isalnum()) and last:
        container = INLINE_TABLE if stack and stack[-1][2] == "{" else ARRAY
        return Diagnosis(last[0], last[1] + 1, MISSING_COMMA.format(container=container))
    return _missing_close(stack[-1]) if stack else None


def _missing_close(bracket: tuple[int, int, str]) -> Diagnosis:
    number, column, opening = bracket
    closing, container = ("}", INLINE_TABLE) if opening == "{" else ("]", ARRAY)
    return Diagnosis(number, column, MISSING_CLOSE.format(opening=opening, closing=closing, container=container))
