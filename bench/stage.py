"""One benchmark stage, run in this fresh process; the last line printed is JSON with its wall time
and the peak RSS of this process and of its largest child (a pool worker). Used by bench/run.py.

    python bench/stage.py cli templates --config C --output D   # process.py's own main(argv)
    python bench/stage.py cli run --config C --input I --output O --quiet
    python bench/stage.py floor DIR        # python-calamine reads every sheet of every file, nothing else
    python bench/stage.py naive DIR        # what a user would script: a pandas.read_excel loop
    python bench/stage.py writefloor REPORT  # xlsxwriter writes REPORT's cell values, nothing else
    python bench/stage.py profile run ...  # cli under cProfile: top 25 cumulative, top 15 own time, JSON
    python bench/stage.py phases run ...   # cli with the wall time of each step of run() printed, JSON

Wall time is the stage's own call: interpreter start-up and module imports are not in it (nor, for
writefloor, loading the values it writes).
"""

from contextlib import redirect_stdout
from datetime import date, datetime, time as clock_time, timedelta
import io
import json
from pathlib import Path
import resource
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = (".xlsx", ".xlsm")


def spreadsheets(folder: Path) -> list[Path]:
    """Every workbook under folder, in a stable order, without Excel's ~$ lock files."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and not p.name.startswith("~$"))


def floor(folder: Path) -> int:
    from python_calamine import CalamineWorkbook

    files = spreadsheets(folder)
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        book.close()
    return len(files)


def report_values(path: Path) -> list[tuple[str, dict[str, list[tuple]]]]:
    """Every sheet of a consolidated report, in order, as (name, {kind: [(row, col, value), …]}):
    the values python-calamine reads, sorted by kind here so that the timed loop does nothing but
    call the writer. Empty cells (and the blank parts of merged ranges) are left out."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in book.sheet_names:
        kinds: dict[str, list[tuple]] = {"string": [], "number": [], "boolean": [], "datetime": []}
        for r, values in enumerate(book.get_sheet_by_name(name).to_python()):
            for c, value in enumerate(values):
                if isinstance(value, str):
                    if value:
                        kinds["string"].append((r, c, value))
                elif isinstance(value, bool):
                    kinds["boolean"].append((r, c, value))
                elif isinstance(value, (int, float)):
                    kinds["number"].append((r, c, value))
                elif isinstance(value, (date, datetime, clock_time, timedelta)):
                    kinds["datetime"].append((r, c, value))
                else:
                    raise SystemExit(f"{path} {name}!R{r + 1}C{c + 1}: no writer for {type(value).__name__}")
        sheets.append((name, kinds))
    book.close()
    return sheets


def write_floor(sheets: list[tuple[str, dict[str, list[tuple]]]], path: Path) -> int:
    """Write the values into the same sheets with xlsxwriter and nothing else: no formats, widths,
    merges, charts, conditional formats, notes, print setup. Returns the number of cells.

    The workbook is opened as the real writer opens it (inspection/writers/common.py, atomic_workbook):
    strings_to_formulas and strings_to_urls off, constant_memory off. constant_memory is left off
    because the real writer does not use it, and a floor must take the same path per cell: every cell
    kept in the worksheet's table until close(), text in the shared-strings table, each sheet's XML
    written at close(). constant_memory on would write each row as it is finished, with inline
    strings: another path, with another cost (on the N=500 report it was about 12 % slower, so off is
    also the lower of the two). Text goes through write_string, so nothing becomes a formula; dates
    through write_datetime (a plain serial number, no number format). The values are written sheet by
    sheet, text first, then numbers: without constant_memory the order of the calls does not matter.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "constant_memory": False})
    cells = 0
    for name, kinds in sheets:
        sheet = book.add_worksheet(name)
        for kind, write in (("string", sheet.write_string), ("number", sheet.write_number),
                            ("boolean", sheet.write_boolean), ("datetime", sheet.write_datetime)):
            for r, c, value in kinds[kind]:
                write(r, c, value)
            cells += len(kinds[kind])
    book.close()
    return cells


def naive(folder: Path) -> int:
    import pandas

    files = spreadsheets(folder)
    for path in files:
        pandas.read_excel(path, sheet_name=None, engine="openpyxl")
    return len(files)


def cli(argv: list[str]) -> int:
    from inspection.cli import main

    try:
        return main(argv)
    except SystemExit as err:  # argparse
        return err.code if isinstance(err.code, int) else 2


# The steps of inspection.run._run worth timing one by one (names in inspection.run's namespace).
PHASES = ("ingest", "settle", "hazard_ids", "rank", "common_problems", "compare", "record", "view", "owed",
          "write_report", "write_reminder_messages", "send_back")


def time_phases(spent: dict[str, float]) -> None:
    """Wrap the steps run() calls so that `spent` collects their wall time."""
    import inspection.run as run_module

    for name in PHASES:
        original = getattr(run_module, name)

        def timed(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - started
        setattr(run_module, name, timed)


def peak_self_mb() -> float:
    """This process's peak RSS. Linux keeps ru_maxrss across exec, so a process started from a big
    parent would report the parent's size; VmHWM is the peak of this program's own address space."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def peak_children_mb(before: float) -> float:
    """The peak RSS of the largest child process waited for (the pool's workers); 0 when the stage
    started none (the count comes with a few MB from whatever started this process)."""
    now = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return now if now > before else 0.0


def main() -> None:
    sys.path.insert(0, str(ROOT))
    stage, rest = sys.argv[1], sys.argv[2:]
    spent: dict[str, float] = {}
    if stage in ("cli", "profile", "phases"):
        import inspection.cli  # noqa: F401  (imported before the clock starts, as for the others)
        if stage == "phases":
            time_phases(spent)
    elif stage == "naive":
        import pandas  # noqa: F401
        import openpyxl  # noqa: F401
    elif stage == "writefloor":
        import xlsxwriter  # noqa: F401
        sheets = report_values(Path(rest[0]))  # loaded before the clock starts
        written = tempfile.TemporaryDirectory(prefix="writefloor-", dir=Path(rest[0]).resolve().parent)
    output = io.StringIO()
    cells = None
    profiler = None
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    started = time.perf_counter()
    if stage == "floor":
        files, code = floor(Path(rest[0])), 0
    elif stage == "naive":
        files, code = naive(Path(rest[0])), 0
    elif stage == "writefloor":
        cells, files, code = write_floor(sheets, Path(written.name) / "writefloor.xlsx"), 1, 0
    elif stage in ("cli", "profile", "phases"):
        if stage == "profile":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        with redirect_stdout(output):
            code = cli(rest)
        if profiler:
            profiler.disable()
        files = None
    else:
        raise SystemExit(f"unknown stage {stage!r}")
    seconds = time.perf_counter() - started
    if stage == "writefloor":
        written.cleanup()
    if profiler:
        import pstats

        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)  # where the time is spent, not just passed through
    for name in PHASES:
        if name in spent:
            print(f"{name:<16} {spent[name]:7.2f} s")
    print(json.dumps({"stage": stage, "seconds": seconds, "files": files, "cells": cells, "exit": code,
                      "rss_self_mb": peak_self_mb(), "rss_children_mb": peak_children_mb(children_before),
                      "output": output.getvalue()[-2000:]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
