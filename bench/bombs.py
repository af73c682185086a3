"""Bombs and broken containers against the guard: how fast each is refused and in how much memory.

    python bench/bombs.py

Builds each hostile file (tests/bombs.py) next to a real template and a filled return, then, in a
fresh process per file (so the resident-memory figure is that file's alone, and a regression that
blows up cannot take the benchmark with it), times check_container (best of 3), measures its peak
traced allocation (tracemalloc) and the growth of the process's peak resident memory (VmHWM, reset just before),
and times ingest() of an input folder holding only that file. Prints a table; not a test.
"""

import argparse
import json
import os
from pathlib import Path
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inspection.intake.book import UnreadableFile  # noqa: E402
from inspection.intake.guard import check_container  # noqa: E402
from inspection.intake.limits import MB, Limits  # noqa: E402
from tests import bombs  # noqa: E402

MEMORY_LIMIT = 4 * 1024**3  # a child that blows up fails alone instead of starving the machine


def build_cases(folder: Path) -> list[tuple[str, str]]:
    """(label, file name) of every case, written into `folder`."""
    from inspection.spec.campaign import load_campaign
    from inspection.templates import generate_templates
    from tests.filling import fill_scoring

    campaign = load_campaign(ROOT / "config.toml")
    config, rubric = campaign.config, campaign.rubric
    templates = generate_templates(campaign, folder / "templates")
    template = templates.scoring[0].read_bytes()
    unit = config.visits[0].unit
    filled = fill_scoring(templates.scoring[0], folder / "filled.xlsx", rubric,
                          deductions={"c01": (2, "未明确第一责任人")}).read_bytes()
    cases = [
        ("真实模板（对照）", f"{unit}_模板.xlsx", template),
        ("真实报回表（对照）", f"{unit}.xlsx", filled),
        ("压缩炸弹 2 GB（目录如实）", "bomb.xlsx", bombs.zip_bomb(filled, 2)),
        ("压缩炸弹 2 GB（目录说谎）", "bomb_lie.xlsx", bombs.zip_bomb(filled, 2, lie=True)),
        ("压缩炸弹 8 GB（目录说谎）", "bomb_lie8.xlsx", bombs.zip_bomb(filled, 8, lie=True)),
        ("同一部件列名 2000 次", "overlap.xlsx", bombs.overlapping_bomb(filled, 2000)),
        ("600 MB、压缩比 186（低于比例上限）", "dense.xlsx", bombs.dense_bomb(filled, 600)),
        ("10001 个部件", "parts.xlsx", bombs.many_parts(filled, 10_001)),
        ("实体炸弹（sheet1.xml）", "laughs.xlsx", bombs.entity_bomb(template)),
        ("XFD1048576 有值", "far.xlsx", bombs.far_cell(filled)),
        ("共享字符串声明 42 亿条", "sst.xlsx", bombs.string_count_lie(template)),
        (".ods 重复行列 10 亿格", "repeat.ods", bombs.ods_of(1_000_000, 1000)),
        (".xls DIMENSIONS 说谎", "dims.xls", bombs.xls_sheet(bombs.dimensions(0xFFFFFFFF, 255))),
        (".xls 目录链成环", "loop.xls", bombs.ole_directory_loop()),
        (".xls 乱码", "garbage.xls", bombs.OLE_MAGIC + os.urandom(64 * 1024)),
    ]
    for _, name, data in cases:
        (folder / name).write_bytes(data)
    return [(label, name) for label, name, _ in cases]


def measure(path: Path) -> dict:
    """Run in a child process: the figures for one file."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    data = path.read_bytes()
    limits = Limits()
    outcome = "通过"
    baseline = _reset_peak_rss()
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        try:
            check_container(data, limits)
        except UnreadableFile as err:
            outcome = type(err).__name__
        seconds.append(time.perf_counter() - start)
    rss = _peak_rss() - baseline
    tracemalloc.start()
    try:
        check_container(data, limits)
    except UnreadableFile:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    from inspection.decisions.settle import settle  # only now: their imports would hide the guard's memory above
    from inspection.intake.ingest import ingest
    from tests.fuzzing import load_fuzz_campaign
    campaign = load_fuzz_campaign()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / path.name).write_bytes(data)
        start = time.perf_counter()
        _, findings = settle(ingest(Path(tmp), campaign))
        ingest_seconds = time.perf_counter() - start
    codes = sorted({f.code.name for f in findings if f.is_error})
    return {"size": len(data), "outcome": outcome, "check": min(seconds), "peak": peak, "rss": rss,
            "ingest": ingest_seconds, "codes": codes}


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak_rss() -> int:
    """Reset the kernel's peak-resident mark to now (Linux: clear_refs 5) and return resident now;
    without it, ru_maxrss would still hold the peak of importing modules."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status("VmRSS")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _peak_rss() -> int:
    try:
        return _status("VmHWM")
    except (OSError, KeyError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measure", metavar="FILE", help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return 0
    print(f"{'文件':<24}{'大小':>10}  {'结果':<16}{'代码':<6}{'检查 ms':>9}{'峰值 MB':>9}{'RSS 增量 MB':>12}{'ingest ms':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for label, name in build_cases(folder):
            child = subprocess.run([sys.executable, __file__, "--measure", str(folder / name)],
                                   capture_output=True, text=True, timeout=300, check=False)
            if child.returncode:
                print(f"{label:<24} 子进程失败（{child.returncode}）：{child.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(child.stdout)
            size = f"{r['size'] / MB:.1f} MB" if r["size"] >= MB else f"{r['size'] / 1024:.0f} KB"
            print(f"{label:<24}{size:>10}  {r['outcome']:<16}{','.join(r['codes']) or '-':<6}{r['check'] * 1000:>9.1f}"
                  f"{r['peak'] / MB:>9.1f}{r['rss'] / MB:>12.1f}{r['ingest'] * 1000:>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
