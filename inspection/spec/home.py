"""Where the tool's own files are (its built-in rubrics/ and forms/, its sample config.toml): beside
process.py, which the Windows package runs from its folder, or the source tree the package lives in."""

from functools import cache
import os
from pathlib import Path
import sys


@cache
def homes() -> tuple[Path, ...]:
    """The folders holding the tool's rubrics/ and forms/, nearest first."""
    found = []
    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    for folder in (script.parent if script and script.name == "process.py" else None,
                   Path(__file__).resolve().parents[2]):
        if folder is not None and (folder / "rubrics").is_dir() and folder not in found:
            found.append(folder)
    return tuple(found)


def builtin(text: str) -> Path | None:
    """The tool's own file a settings path names when it is not found beside the settings: the same
    relative path under the tool's folder, or a file of that name in its rubrics/ or forms/."""
    name = Path(text).name
    for home in homes():
        for candidate in (home / text, home / "rubrics" / name, home / "forms" / name):
            if candidate.is_file():
                return candidate
    return None


def settings_path(target: Path, folder: Path) -> str:
    """How settings in `folder` name the file `target`: relative to the folder when it can be (it may
    be on another drive), the tool's own file by its place in the tool ("forms/progress_unit.toml",
    found again from any campaign folder: see builtin)."""
    target = target.resolve()
    for home in homes():
        if target.is_relative_to(home) and not folder.resolve().is_relative_to(home):
            return target.relative_to(home).as_posix()
    try:
        return Path(os.path.relpath(target, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return target.as_posix()
