"""How values are kept in the archive: as text that comes back exactly as it went in."""

import functools

from inspection.values import plain_number


def date_text(value) -> str | None:
    """Dates as ISO text, Decimals exactly as they are ("0.5", never 0.49999); None stays None."""
    return None if value is None else str(value)


@functools.lru_cache(maxsize=4096)
def points_text(value) -> str:
    """Exact and tidy: Decimal("98.0") → "98", Decimal("0.50") → "0.5". Cached: item scores take few
    values, and there are 200,000 of them at 3,000 units (equal Decimals give the same text)."""
    return plain_number(value)
