"""Reading the tool's own TOML data files (config, rubrics, forms) with exact decimals: the one
door they all come through, so every one of them is read and refused the same way."""

import codecs
import tomllib
from decimal import Decimal
from pathlib import Path

from inspection.errors import SetupError
from inspection.spec.toml_syntax import NOT_UTF8, diagnose, syntax_message


def load_toml(path: Path, error: type[SetupError] = SetupError, what: str = "文件") -> dict:
    """Parse `path`; floats become Decimal so 0.1 stays 0.1. A UTF-8 byte order mark (Notepad
    writes one) is skipped. A file that is not UTF-8 or not TOML raises `error` with one Chinese
    line naming `what` and the file, and for a syntax error the line, column, cause and fix.
    OSError (FileNotFoundError included) is left to the caller, who knows what the file is for."""
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise error(NOT_UTF8.format(what=what, file=path.name)) from err
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        raise error(syntax_message(what, path.name, text, diagnose(text, err))) from err


def to_decimal(value) -> Decimal | None:
    """A TOML number (int or Decimal) as Decimal; anything else (bool, str, missing) as None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    return None
