"""Expected messages built from the catalog, so a test says which values a message must carry
and never copies the message's wording."""

from inspection.findings import Code, finding


def message(code: Code, **values) -> str:
    """The message the catalog makes of `values` for `code`."""
    return finding(code, **values).message
