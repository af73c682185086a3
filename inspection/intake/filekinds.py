"""What a file in input/ is, from its name alone, and so what becomes of it.

Anything that may be a unit's return is read, or said in the report not to be with the reason and
the fix: an error (F014, F015) when it is a spreadsheet or an archive the tool cannot open, a
warning (F016) when it is a document or an image (groups print the forms and fill them in by hand,
so a scan or a photo of one is a realistic "return"). Only files nobody sends on purpose (Office
lock files, hidden files, what Windows and macOS leave behind, shortcuts) are merely noted (F003).
"""

from dataclasses import dataclass, field
import re

from inspection.findings import Code
from inspection.model import IGNORED, REJECTED, UNREAD
from inspection.intake.book import CFB_MAGIC, SPREADSHEET_SUFFIXES

READ = "read"  # a workbook: through the reading pipeline
SNIFF = "sniff"  # read when its first bytes are a workbook's (a zip or an OLE file), else as `then` says
UNZIP = "unzip"  # a .zip: its files are listed and read one by one
DECIDED = "decided"  # not read: `then` says how it ends

UNZIP_FIX = "请解压后把其中的表格放进 input 文件夹再运行。"
SAVE_AS_XLSX = "请用 Excel 或 WPS 打开，用“文件→另存为”保存为 .xlsx（Excel 工作簿）后重新报送。"
USE_TEMPLATE = "请用下发的模板填写，保存为 .xlsx 后重新报送。"

# Archives the standard library cannot open (and split volumes of any archive).
OTHER_ARCHIVES = {".rar": "RAR 压缩包", ".7z": "7z 压缩包", ".zipx": "zipx 压缩包", ".tar": "tar 压缩包",
                  ".gz": "gzip 压缩包", ".tgz": "gzip 压缩包", ".bz2": "bzip2 压缩包", ".xz": "xz 压缩包",
                  ".cab": "cab 压缩包", ".arj": "arj 压缩包", ".lzh": "lzh 压缩包", ".iso": "光盘映像文件"}
_VOLUME = re.compile(r"\.(?:z\d\d|\d{3})$")  # .z01, .001
# Spreadsheets in a format the tool does not read: (what it is, how to send it instead).
SHEETS_NOT_READ = {
    ".xlsb": ("Excel 二进制工作簿（.xlsb）", SAVE_AS_XLSX),
    ".csv": ("CSV 文件（只有文字，带不了识别表格用的隐藏信息）", USE_TEMPLATE),
    ".tsv": ("制表符分隔的文本表格（.tsv）", USE_TEMPLATE),
    ".numbers": ("苹果 Numbers 表格", "请用 Excel 或 WPS 打开下发的模板填写，保存为 .xlsx 后重新报送。"),
    ".et": ("WPS 表格（.et）", "请在 WPS 中用“文件→另存为”，文件类型选“Excel 文件（*.xlsx）”后重新报送。"),
    ".ett": ("WPS 表格模板（.ett）", "请在 WPS 中用“文件→另存为”，文件类型选“Excel 文件（*.xlsx）”后重新报送。"),
    ".xlt": ("Excel 模板（.xlt）", SAVE_AS_XLSX),
    ".xltx": ("Excel 模板（.xltx）", SAVE_AS_XLSX),
    ".xltm": ("Excel 模板（.xltm）", SAVE_AS_XLSX),
    ".fods": ("LibreOffice 单文件表格（.fods）", SAVE_AS_XLSX),
    ".uos": ("UOF 表格（.uos）", SAVE_AS_XLSX),
    ".xml": ("XML 文件（可能是另存为“XML 电子表格”的表格）", SAVE_AS_XLSX),
    ".dbf": ("dBase 数据表（.dbf）", USE_TEMPLATE),
}
# Formats a WPS or Excel user may save a workbook in that the reader can open when the bytes are
# an .xls's or an .xlsx's after all: WPS writes .et as an OLE file much like .xls.
TRY_AS_WORKBOOK = (".et",)
DOCUMENTS = {".pdf": "PDF 文件", ".ofd": "OFD 版式文件", ".doc": "Word 文档", ".docx": "Word 文档",
             ".docm": "Word 文档", ".dot": "Word 模板", ".dotx": "Word 模板", ".wps": "WPS 文字文档",
             ".rtf": "RTF 文档", ".odt": "文本文档（.odt）", ".txt": "文本文件", ".ppt": "演示文稿",
             ".pptx": "演示文稿", ".dps": "WPS 演示文稿", ".odp": "演示文稿", ".htm": "网页文件",
             ".html": "网页文件", ".mht": "网页文件", ".mhtml": "网页文件", ".caj": "CAJ 文档"}
IMAGES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".heic", ".heif", ".webp")
SHORTCUTS = (".lnk", ".url")
SYSTEM_FILES = ("thumbs.db", "ehthumbs.db", "desktop.ini")  # hidden on Windows, yet copied along
MACOS_FOLDER = "__MACOSX"  # what a Mac puts in every .zip it makes: "._" copies of each file

# Why a file is ignored, when it might have been a return (a missing unit's finding names these).
LINK_OUTSIDE = "指向输入文件夹以外的链接，不读取"
LINK_NOT_FILE = "链接指向的不是文件"
SHORTCUT = "快捷方式（{suffix}），不跟随（要汇总的表格请把文件本身放进 input 文件夹）"
MAYBE_RETURNS = (LINK_OUTSIDE, "快捷方式（")


@dataclass(frozen=True)
class Outcome:
    """How a file that is not read ends: its status and the finding saying why."""

    status: str
    code: Code
    values: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The short reason in the report's file list."""
        if self.code == Code.F003:
            return self.values["detail"]
        return self.values.get("reason") or self.code.title


@dataclass(frozen=True)
class Triage:
    action: str  # READ / SNIFF / UNZIP / DECIDED
    then: Outcome | None = None  # DECIDED: how it ends; SNIFF: how it ends when the bytes are no workbook's


def ignored(detail: str) -> Outcome:
    return Outcome(IGNORED, Code.F003, {"detail": detail})


def not_unzipped(what: str, fix: str = UNZIP_FIX, reason: str = "") -> Outcome:
    return Outcome(REJECTED, Code.F014, {"what": what, "fix": fix, "reason": reason or what})


def not_a_sheet(what: str) -> Outcome:
    return Outcome(UNREAD, Code.F016, {"what": spaced(what), "reason": f"{what}，本工具无法读取"})


def suffix_of(name: str) -> str:
    last = name.rsplit("/", 1)[-1]
    return "." + last.rsplit(".", 1)[-1].lower() if "." in last.lstrip(".") else ""


def ignore_reason(rel: str) -> str:
    """Why a file nobody sends on purpose is ignored, from its path ("" when it is not one of them)."""
    parts = rel.split("/")
    name = parts[-1]
    if name.startswith("~$"):
        return "Office 临时锁定文件（有人正打开这个表格）"
    if MACOS_FOLDER in parts[:-1]:
        return "苹果电脑压缩时附带的文件（__MACOSX 文件夹）"
    if any(part.startswith(".") for part in parts):
        return "隐藏文件或隐藏文件夹中的文件"
    if name.lower() in SYSTEM_FILES:
        return f"系统自动生成的文件（{name}）"
    return ""


# What the tool writes (and the clerk's settings), by name: set aside wherever they lie in input/.
# Marked copies (“…（退回修改）.xlsx”) are not here: fixed, they are returns (one sent back unchanged
# is known by its SHA-256, decide.settle).
OUR_FILES = (
    (re.compile(r"^排名汇总_.*\.xlsx$"), "本工具生成的排名汇总表，不是报回的表格"),
    (re.compile(r"^通报草稿_.*\.docx$"), "本工具生成的通报草稿，不是报回的材料"),
    (re.compile(r"^催报消息_.*\.txt$"), "本工具生成的催报消息"),
    (re.compile(r"^错误记录_.*\.txt$"), "本工具的错误记录"),
    (re.compile(r"\.sqlite$", re.I), "本工具的归档（数据库文件），不是报回的表格"),
    (re.compile(r"（修改说明）\.xlsx$"), "本工具生成的修改说明，不是报回的表格"),
    (re.compile(r"\.toml$", re.I), "检查活动的设置文件（配置、考评细则或调度表表样），不是报回的表格"),
    (re.compile(r"^检查活动设置(_解析结果)?\.xlsx$"), "检查活动设置表格，不是报回的表格"),
)


def our_file(rel: str) -> str:
    """Why the file at `rel` is the tool's own output or the campaign's settings ("" when it is not)."""
    name = rel.rsplit("/", 1)[-1]
    return next((why for pattern, why in OUR_FILES if pattern.search(name)), "")


def triage(rel: str, *, in_archive: bool = False) -> Triage:
    """What becomes of the file at `rel` (relative to input/, or to the archive it is in), by name."""
    reason = ignore_reason(rel) or our_file(rel)
    if reason:
        return Triage(DECIDED, ignored(reason))
    suffix = suffix_of(rel)
    if suffix in SPREADSHEET_SUFFIXES:
        return Triage(READ)
    if suffix in SHORTCUTS:
        return Triage(DECIDED, ignored(SHORTCUT.format(suffix=suffix)))
    archive = "zip 压缩包" if suffix == ".zip" else OTHER_ARCHIVES.get(suffix)
    if archive is None and _VOLUME.search(rel.lower()):
        archive = "分卷压缩包的一部分"
    if archive and in_archive:
        return Triage(DECIDED, not_unzipped(f"这是压缩包中的{spaced(archive)}，本工具只解压一层",
                                            reason="压缩包中的压缩包，没有解压"))
    if suffix == ".zip":
        return Triage(UNZIP)
    if archive:
        return Triage(DECIDED, not_unzipped(f"这是{spaced(archive)}，本工具只能解压 .zip 压缩包",
                                            reason=f"{archive}，没有解压"))
    if suffix in SHEETS_NOT_READ:
        what, fix = SHEETS_NOT_READ[suffix]
        unread = Outcome(REJECTED, Code.F015, {"what": spaced(what), "fix": fix, "reason": f"{what}，本工具无法读取"})
        return Triage(SNIFF if suffix in TRY_AS_WORKBOOK else DECIDED, unread)
    if suffix in DOCUMENTS:
        return Triage(DECIDED, not_a_sheet(DOCUMENTS[suffix]))
    if suffix in IMAGES:
        return Triage(DECIDED, not_a_sheet("图片（照片或扫描件）"))
    # Unknown: a return whose name lost its ".xlsx" (as some chat programs do) is still read.
    return Triage(SNIFF, not_a_sheet(f"无法识别的文件（{suffix}）" if suffix else "没有扩展名、无法识别的文件"))


def spaced(text: str) -> str:
    """A space between Chinese and a Latin word that follows it: "这是 RAR 压缩包"."""
    return f" {text}" if text[:1].isascii() else text


def looks_like_workbook(head: bytes) -> bool:
    """A zip (.xlsx, .ods) or an OLE file (.xls, WPS .et): worth handing to the reader."""
    return head[:4] == b"PK\x03\x04" or head[:8] == CFB_MAGIC
