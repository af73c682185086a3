"""Writing a campaign's config and rubric back as TOML (the standard library only reads TOML).

Only what the tool's own files hold: tables, arrays of tables, strings, numbers (exact Decimals),
booleans, dates, lists of those, and inline tables for a criterion's `deductions`. Reading the text
back with tomllib gives the same data (tests check it).
"""

from datetime import date
from decimal import Decimal

INLINE = {"deductions"}  # arrays of small tables written on one line, as the shipped rubrics do
LONG_LIST = 6  # a list of more items than this is written one item a line


def dumps(data: dict, heading: str = "") -> str:
    """`data` as TOML text; `heading` becomes comment lines at the top."""
    lines = [f"# {line}" if line else "#" for line in heading.splitlines()]
    if lines:
        lines.append("")
    _table(lines, data, ())
    return "\n".join(lines).rstrip() + "\n"


def _table(lines: list[str], table: dict, path: tuple[str, ...]) -> None:
    for key, value in table.items():
        if not _nested(key, value):
            lines.extend(_pair(key, value))
    for key, value in table.items():
        if isinstance(value, dict):
            lines += ["", f"[{_dotted((*path, key))}]"]
            _table(lines, value, (*path, key))
        elif _nested(key, value):
            for item in value:
                lines += ["", f"[[{_dotted((*path, key))}]]"]
                _table(lines, item, (*path, key))


def _nested(key: str, value) -> bool:
    """A sub-table or an array of tables, written under its own [header]."""
    return isinstance(value, dict) or (isinstance(value, list) and value and key not in INLINE
                                       and all(isinstance(v, dict) for v in value))


def _pair(key: str, value) -> list[str]:
    if isinstance(value, list) and len(value) > LONG_LIST and not any(isinstance(v, dict) for v in value):
        return [f"{_key(key)} = [", *(f"  {_value(v)}," for v in value), "]"]
    return [f"{_key(key)} = {_value(value)}"]


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _string(text: str) -> str:
    out = "".join(_ESCAPES.get(ch, f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
                  for ch in text)
    return f'"{out}"'


def _key(key: str) -> str:
    return key if key and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in key) else _string(key)


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(_key(k) for k in path)
