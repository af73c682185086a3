"""Inspection campaign tool: blank templates from rubric data, returned workbooks into a ranking."""

from inspection.constants import TOOL_VERSION as __version__

__all__ = ["__version__"]
