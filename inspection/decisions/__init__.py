"""Decisions across files and kinds: which file counts, hazard ids, the ranking, who owes what, rounds."""
