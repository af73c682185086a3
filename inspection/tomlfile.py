"""Reading the tool's own TOML data files with exact decimals."""

import tomllib
from decimal import Decimal
from pathlib import Path


def load_toml(path: Path) -> dict:
    """Parse `path`; floats become Decimal so 0.1 stays 0.1. Raises OSError or TOMLDecodeError."""
    with open(path, "rb") as f:
        return tomllib.load(f, parse_float=Decimal)


def to_decimal(value) -> Decimal | None:
    """A TOML number (int or Decimal) as Decimal; anything else (bool, str, missing) as None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    return None
