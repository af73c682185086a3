"""A progress bar a person can see: files done, rate, time left — only on a terminal, only for
runs that last more than a second, never with --quiet."""

from contextlib import contextmanager
import os
import sys

from tqdm import tqdm


def default_jobs() -> int:
    """The cores this process may use (the affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows and macOS
        return max(1, os.cpu_count() or 1)


@contextmanager
def file_progress(total: int, *, quiet: bool, what: str = "读取报回文件", stream=None, delay: float = 1.0):
    """Yield update(n); draws to `stream` (stderr) when it is a terminal and the run is not quiet."""
    stream = stream or sys.stderr
    show = not quiet and total > 0 and stream.isatty()
    with tqdm(total=total, desc=what, unit="个", file=stream, delay=delay, disable=not show,
              dynamic_ncols=True, leave=False) as bar:
        yield bar.update


@contextmanager
def silent_progress(total: int):
    """The progress of a run nobody watches (the library default)."""
    yield lambda n: None
