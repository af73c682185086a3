"""What the program could not foresee, kept for whoever maintains it: 错误记录_{time}.txt in the output folder.

A clerk sees one Chinese line (the file skipped, F013; or the command stopped, exit 2) and is asked
to send this file on; the traceback is in it, never on the clerk's screen (unless --verbose).
"""

from datetime import datetime
from pathlib import Path
import platform
import sys

from inspection import __version__

LOG_FILE = "错误记录_{time}.txt"


def log_name(when: datetime) -> str:
    return LOG_FILE.format(time=f"{when:%Y%m%d-%H%M%S}")


def short_error(trace: str) -> str:
    """The last line of a traceback ("ValueError: …"), on one line and short, for a message."""
    lines = [line.strip() for line in trace.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "未知错误")[:160]


def write_log(folder: Path, name: str, what: str, entries: list[tuple[str, str]]) -> Path:
    """Append `entries` ((where, traceback) pairs) to folder/name, under a heading saying `what`
    happened and on which machine; returns the path. Raises OSError when it cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    heading = (f"===== {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}：{what}\n"
               f"检查打分汇总工具 {__version__}；Python {sys.version.split()[0]}；{platform.platform()}\n")
    body = "".join(f"\n--- {where}\n{trace.rstrip()}\n" for where, trace in entries)
    with path.open("a", encoding="utf-8", errors="replace") as f:
        f.write(heading + body + "\n")
    return path
