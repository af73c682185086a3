"""Work out what a formula shows, for the few formulas a form holds: the 得分 formulas the template
wrote (IF, COUNTA, MAX, SUM over cells of the same sheet) and the arithmetic a person types into a
cell (=0.5*2). Nothing here runs anything: a formula is parsed into numbers, texts, cell ranges,
operators and a handful of functions, and evaluated over the values the reader already holds.

It tells the tool's own view from the person's doing. A 得分 formula written differently by
another program (LibreOffice's `[.F6]` and `;`, absolute references, rows shifted by an inserted
row) still computes what the template's does on the same cells; one rewritten to show another score
does not. What it cannot parse (an unknown function, another sheet, an .xls formula kept as tokens)
raises Unsupported, and the caller decides without it.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
import re

from inspection.intake.book import Sheet

MAX_LENGTH = 2000  # a longer formula is nothing the template wrote or a person types into a cell
MAX_DEPTH = 40
MAX_CELLS = 100_000  # in one range


class Unsupported(Exception):
    """The formula uses something this evaluator does not know; nothing can be said from it."""


@dataclass(frozen=True)
class Range:
    r1: int
    c1: int
    r2: int
    c2: int


class FormulaError(str):
    """A value like #VALUE!: shown in the cell, and passed on by most operations."""


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<odsref>\[\$?[^\]]*\])
  | (?P<ref>(?:(?:'(?:[^']|'')+'|[^\s'!(),;:+\-*/^&=<>"]+)!)?\$?[A-Za-z]{1,3}\$?\d{1,7}(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?)(?![\w(])
  | (?P<func>(?:_xlfn\.|_xlws\.)?[A-Za-z][A-Za-z0-9.]*)\s*\(
  | (?P<bool>TRUE|FALSE)(?![\w(])
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<op><>|<=|>=|[-+*/^&=<>%])
  | (?P<open>\()
  | (?P<close>\))
  | (?P<sep>[,;])
""", re.VERBOSE | re.IGNORECASE)
_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_ODS = re.compile(r"^\[\$?(?:([^.\]]*))?\.(\$?[A-Za-z]{1,3}\$?\d{1,7})(?::\$?(?:[^.\]]*)?\.?(\$?[A-Za-z]{1,3}\$?\d{1,7}))?\]$")


def evaluate(text: str, sheet: Sheet):
    """The value `text` (a formula without its "=", as formulas.py gives it) shows over `sheet`:
    a Decimal, a str, a bool, "" for an empty result, or a FormulaError. Raises Unsupported."""
    if not text or len(text) > MAX_LENGTH:
        raise Unsupported(text[:20])
    parser = _Parser(_tokens(text), sheet)
    value = parser.expression(0)
    if parser.pos != len(parser.tokens):
        raise Unsupported("trailing tokens")
    return _scalar(value, sheet)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise Unsupported(text[pos:pos + 10])
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group(m.lastgroup)))
    return out


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _cell(ref: str) -> tuple[int, int]:
    m = _A1.fullmatch(ref)
    if m is None:
        raise Unsupported(ref)
    return int(m.group(2)) - 1, _column(m.group(1))


class _Parser:
    """Precedence climbing over Excel's operators: comparison < & < + - < * / < ^ < unary - < %."""

    LEVELS = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}

    def __init__(self, tokens, sheet: Sheet):
        self.tokens, self.sheet, self.pos, self.depth = tokens, sheet, 0, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise Unsupported("unexpected end")
        self.pos += 1
        return token

    def expression(self, level: int):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unsupported("too deep")
        left = self.unary()
        while (token := self.peek()) and token[0] == "op" and token[1] in self.LEVELS and self.LEVELS[token[1]] > level:
            op = self.take()[1]
            right = self.expression(self.LEVELS[op] - (op == "^"))  # ^ is taken left to right by Excel too
            left = _binary(op, _scalar(left, self.sheet), _scalar(right, self.sheet))
        self.depth -= 1
        return left

    def unary(self):
        token = self.peek()
        if token and token[0] == "op" and token[1] in "+-":
            self.take()
            value = _number(_scalar(self.unary(), self.sheet))
            return value if isinstance(value, FormulaError) or token[1] == "+" else -value
        value = self.primary()
        while (token := self.peek()) and token == ("op", "%"):
            self.take()
            value = _number(_scalar(value, self.sheet))
            value = value if isinstance(value, FormulaError) else value / 100
        return value

    def primary(self):
        kind, text = self.take()
        if kind == "number":
            return Decimal(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "bool":
            return text.upper() == "TRUE"
        if kind == "ref":
            return self.reference(text)
        if kind == "odsref":
            m = _ODS.match(text)
            if m is None or (m.group(1) and m.group(1).strip("$'") != self.sheet.name):
                raise Unsupported(text)
            return self.reference(m.group(2) + (f":{m.group(3)}" if m.group(3) else ""))
        if kind == "open":
            value = self.expression(0)
            if self.take()[0] != "close":
                raise Unsupported("unbalanced")
            return value
        if kind == "func":
            return self.call(text.upper().removeprefix("_XLFN.").removeprefix("_XLWS."))
        raise Unsupported(text)

    def reference(self, text: str) -> Range:
        if "!" in text:
            name, text = text.rsplit("!", 1)
            if name.strip("'").replace("''", "'") != self.sheet.name:
                raise Unsupported("another sheet")
        first, _, last = text.partition(":")
        r1, c1 = _cell(first)
        r2, c2 = _cell(last) if last else (r1, c1)
        r1, r2, c1, c2 = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
        if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_CELLS:
            raise Unsupported("range too large")
        return Range(r1, c1, r2, c2)

    def call(self, name: str):
        if name not in _FUNCTIONS:
            raise Unsupported(name)
        args = []
        if self.peek() and self.peek()[0] == "close":
            self.take()
        else:
            while True:
                token = self.peek()
                args.append("" if token and token[0] in ("sep", "close") else self.expression(0))
                kind = self.take()[0]
                if kind == "close":
                    break
                if kind != "sep":
                    raise Unsupported("bad arguments")
        return _FUNCTIONS[name](self.sheet, args)


def _scalar(value, sheet: Sheet):
    """A range used as one value: its only cell (a larger range would need Excel's implicit
    intersection, which no form here relies on)."""
    if isinstance(value, Range):
        if (value.r1, value.c1) != (value.r2, value.c2):
            raise Unsupported("range as a value")
        return sheet.value(value.r1, value.c1)
    return value


def _number(value):
    """A value in arithmetic, as Excel takes it: blank is 0, TRUE is 1, a number in text is the number."""
    if isinstance(value, FormulaError):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    if value == "" or value is None:
        return Decimal(0)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return FormulaError("#VALUE!")
    raise Unsupported(type(value).__name__)  # a date cell in arithmetic: not on these forms


def _binary(op: str, left, right):
    for value in (left, right):
        if isinstance(value, FormulaError):
            return value
    if op == "&":
        return f"{_text(left)}{_text(right)}"
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return _compare(op, left, right)
    a, b = _number(left), _number(right)
    if isinstance(a, FormulaError) or isinstance(b, FormulaError):
        return a if isinstance(a, FormulaError) else b
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return FormulaError("#DIV/0!") if b == 0 else a / b
    if b != b.to_integral_value() or abs(b) > 64:
        raise Unsupported("power")
    return a ** int(b)


def _text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


def _compare(op: str, left, right) -> bool:
    if left in ("", None):
        left = "" if isinstance(right, str) else Decimal(0) if isinstance(right, Decimal) else left
    if right in ("", None):
        right = "" if isinstance(left, str) else Decimal(0) if isinstance(left, Decimal) else right
    if type(left) is not type(right):  # Excel orders numbers < texts < booleans
        rank = {Decimal: 0, str: 1, bool: 2}
        a, b = rank.get(type(left), 3), rank.get(type(right), 3)
    elif isinstance(left, str):
        a, b = left.lower(), right.lower()
    else:
        a, b = left, right
    return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def _cells(sheet: Sheet, arg):
    """The values an argument gives a function that takes ranges: every cell of a range."""
    if isinstance(arg, Range):
        for r in range(arg.r1, arg.r2 + 1):
            for c in range(arg.c1, arg.c2 + 1):
                yield sheet.value(r, c), True
    else:
        yield arg, False


def _numbers(sheet: Sheet, args):
    """SUM's way: numbers in ranges (text, blanks and booleans there are skipped); a direct argument
    is taken as a number (TRUE is 1, "2" is 2, other text is #VALUE!)."""
    for arg in args:
        for value, in_range in _cells(sheet, arg):
            if isinstance(value, FormulaError):
                yield value
            elif in_range:
                if isinstance(value, Decimal):
                    yield value
                elif isinstance(value, str) and value.startswith("#"):
                    yield FormulaError(value)
            elif value != "":
                yield _number(value)


def _aggregate(combine):
    def function(sheet: Sheet, args):
        values = list(_numbers(sheet, args))
        error = next((v for v in values if isinstance(v, FormulaError)), None)
        return error if error is not None else combine(values)
    return function


def _counta(sheet: Sheet, args):
    return Decimal(sum(1 for arg in args for value, _ in _cells(sheet, arg) if value not in ("", None)))


def _count(sheet: Sheet, args):
    return Decimal(sum(1 for arg in args for value, _ in _cells(sheet, arg) if isinstance(value, Decimal)))


def _if(sheet: Sheet, args):
    if not 1 <= len(args) <= 3:
        raise Unsupported("IF")
    test = _scalar(args[0], sheet)
    if isinstance(test, FormulaError):
        return test
    truth = bool(_number(test)) if not isinstance(test, str) else test != ""
    if not truth:
        return _scalar(args[2], sheet) if len(args) == 3 else False
    return _scalar(args[1], sheet) if len(args) >= 2 else True


def _round(sheet: Sheet, args):
    if len(args) != 2:
        raise Unsupported("ROUND")
    value, digits = _number(_scalar(args[0], sheet)), _number(_scalar(args[1], sheet))
    if isinstance(value, FormulaError) or isinstance(digits, FormulaError):
        return value if isinstance(value, FormulaError) else digits
    if digits != digits.to_integral_value() or abs(digits) > 15:
        raise Unsupported("ROUND digits")
    return value.quantize(Decimal(1).scaleb(-int(digits)), rounding="ROUND_HALF_UP")


def _iferror(sheet: Sheet, args):
    if len(args) != 2:
        raise Unsupported("IFERROR")
    value = _scalar(args[0], sheet)
    return _scalar(args[1], sheet) if isinstance(value, FormulaError) else value


def _logical(combine):
    def function(sheet: Sheet, args):
        values = [_number(_scalar(a, sheet)) for a in args]
        error = next((v for v in values if isinstance(v, FormulaError)), None)
        return error if error is not None else combine(bool(v) for v in values)
    return function


_FUNCTIONS = {
    "SUM": _aggregate(lambda v: sum(v, Decimal(0))),
    "MAX": _aggregate(lambda v: max(v, default=Decimal(0))),
    "MIN": _aggregate(lambda v: min(v, default=Decimal(0))),
    "COUNTA": _counta,
    "COUNT": _count,
    "IF": _if,
    "ROUND": _round,
    "ABS": lambda sheet, args: _abs(_number(_scalar(args[0], sheet))) if len(args) == 1 else _bad("ABS"),
    "IFERROR": _iferror,
    "AND": _logical(all),
    "OR": _logical(any),
    "NOT": lambda sheet, args: not bool(_number(_scalar(args[0], sheet))) if len(args) == 1 else _bad("NOT"),
}


def _abs(value):
    return value if isinstance(value, FormulaError) else abs(value)


def _bad(name: str):
    raise Unsupported(name)
