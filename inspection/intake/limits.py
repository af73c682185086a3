"""How much a returned file may hold before it is read, and what a file over a limit raises.

The numbers come from config.toml `[limits]` (README, 换一次检查). The defaults leave a wide margin
over real returns: measured on the generated templates, the demo's returns and their LibreOffice
re-saves (.xlsx, .ods), files are under 60 KB, inflate to under 300 KB, no member over 64 KB
compresses more than 15 times, and sheets hold a few thousand cells. Synthetic 20,000-row sheets
stay under 7 MB inflated and 36 times compression.

Each error is an UnreadableFile, so a caller that only knows "unreadable" still does the right
thing; `values` fills the finding's message template.
"""

from dataclasses import dataclass

from inspection.intake.book import UnreadableFile

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * MB  # on disk
    max_members: int = 10_000  # parts inside an .xlsx/.xlsm/.ods zip
    max_inflated_bytes: int = 200 * MB  # all parts together, as really inflated
    max_ratio: int = 200  # inflated / compressed, per part and for the whole file
    max_cells: int = 2_000_000  # rows × columns of a sheet's data area, as the reader would lay it out


def size_text(n: int) -> str:
    """A byte count for a clerk: 812 KB, 61.3 MB, 2.0 GB."""
    if n < MB:
        return f"{max(1, round(n / 1024))} KB"
    if n < 1024 * MB:
        return f"{n / MB:.1f} MB".replace(".0 MB", " MB")
    return f"{n / (1024 * MB):.1f} GB"


class FileTooLarge(UnreadableFile):
    """The file on disk is bigger than max_file_bytes."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"文件大小 {size_text(size)}，超过上限 {size_text(limit)}")
        self.values = {"size": size_text(size), "limit": size_text(limit)}


class SuspectedBomb(UnreadableFile):
    """The zip holds too many parts, or inflates too far: a compression bomb, or built to look like one."""

    def __init__(self, what: str, limit: str):
        super().__init__(f"{what}，超过上限 {limit}")
        self.values = {"what": what, "limit": limit}


class XmlDeclaration(UnreadableFile):
    """A part carries <!DOCTYPE> or <!ENTITY>, which no spreadsheet program writes (entity bombs)."""

    def __init__(self, member: str):
        super().__init__(f"{member} 含有 XML 文档类型或实体声明")
        self.values = {"member": member}


class TooManyCells(UnreadableFile):
    """A sheet's data area (or a declared count the reader allocates for) is over max_cells."""

    def __init__(self, what: str, limit: str):
        super().__init__(f"{what}，超过上限 {limit}")
        self.values = {"what": what, "limit": limit}

    def in_sheet(self, sheet: str) -> "TooManyCells":
        """The same finding, naming the worksheet ("工作表的…" → "工作表“打分表”的…")."""
        return TooManyCells(self.values["what"].replace("工作表", f"工作表“{sheet}”", 1), self.values["limit"])
