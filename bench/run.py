"""Benchmark: `templates` and `run` on synthetic campaigns of N units, beside the floor (python-calamine
reading every sheet and nothing else), the write floor (xlsxwriter writing the report's values and nothing
else) and the naive baseline (a pandas.read_excel loop). Prints a table.

    python bench/run.py --n 11 500 3000
    python bench/run.py --n 11 --all-kinds    # every unit also returns a 50-row 交办清单 and a 调度表
    python bench/run.py --n 500 --with-self   # every unit also returns its 自评表 (自评与复核)
    python bench/run.py --n 3000 --phases     # and the wall time of each step of `run`
    python bench/run.py --n 500 --profile     # and where `run` spends its time (cProfile, one process)

For each N the campaign (config, templates, N filled scoring returns with varied deductions, filled
with openpyxl through the tool's own templates, in as many processes as there are cores) is built once
and cached in /tmp/inspection-bench/N{n} (--cache, --fresh to rebuild; rebuilt by itself when the
template writers, rubrics, forms or fillers change). Each stage is then timed in a fresh process, on
the same files, so its peak RSS is its own: "RSS main" is the stage's process, "RSS worker" the largest of
its pool processes (0: it started none). Wall time excludes interpreter start-up and imports (about 0.3 s).
The write floor writes the cell values of the report that the first timed `run` produced (a copy is kept
in the scratch folder) into the same sheets, with no formats, charts or conditional formats; loading those
values is not in its wall time. run, floor and write floor are timed --repeat times in turns and the fastest
of each counts ("spread": slowest/fastest). run/(floor+write floor) has a target: at most 2.0 at N=3000.
The naive baseline needs pandas: pip install -e ".[bench]".
"""

import argparse
import hashlib
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
import time

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))
from campaign import write_config, write_returns  # noqa: E402
from inspection.progressbar import default_jobs  # noqa: E402

PROCESS = ROOT / "process.py"
STAGE = BENCH / "stage.py"
MARKER = "bench.json"
# What the cached returns are made from: when any of these change, the cache is rebuilt.
# What the generated returns depend on (the report writers do not count).
INGREDIENTS = ("config.toml", "rubrics", "forms", "inspection/writers/common.py",
               "inspection/writers/scoring_template.py", "inspection/writers/dispatch_template.py",
               "inspection/writers/progress_template.py", "inspection/constants.py",
               "bench/campaign.py", "tests/filling.py")
STAGES = ("templates", "run", "floor", "writefloor", "naive")
REPORT_GLOB = "排名汇总_*.xlsx"  # the consolidated report `run` writes
TARGET_N, TARGET_RATIO = 3000, 2.0  # run / (floor + write floor) at N=3000


def fingerprint(all_kinds: bool, with_self: bool = False) -> str:
    digest = hashlib.sha256(f"all_kinds={all_kinds}{' with_self' if with_self else ''}".encode())
    for name in INGREDIENTS:
        path = ROOT / name
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def setup(cache: Path, n: int, all_kinds: bool, fresh: bool, jobs: int, with_self: bool = False) -> dict:
    """The cached campaign for N units, built unless a complete one made from the same code is there."""
    folder = cache / f"N{n}{'-all-kinds' if all_kinds else ''}{'-self' if with_self else ''}"
    marker = folder / MARKER
    stamp = fingerprint(all_kinds, with_self)
    if marker.exists() and not fresh:
        meta = json.loads(marker.read_text(encoding="utf-8"))
        if meta.get("fingerprint") == stamp:
            return {**meta, "reused": True, "folder": str(folder), "config": str(folder / "campaign" / "config.toml"),
                    "input": str(folder / "input")}
        print(f"N={n}: the cached returns in {folder} were made by other code; rebuilding", file=sys.stderr)
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    config_path = write_config(folder / "campaign", n)
    total = n * ((3 if all_kinds else 1) + (1 if with_self else 0))
    files = write_returns(config_path, folder / "templates", folder / "input", all_kinds=all_kinds, jobs=jobs,
                          with_self=with_self, done=_counter(f"N={n}: writing returns", total))
    meta = {"n": n, "all_kinds": all_kinds, "with_self": with_self, "files": files, "fingerprint": stamp, "jobs": jobs,
            "folder": str(folder), "config": str(config_path), "input": str(folder / "input"),
            "setup_seconds": round(time.perf_counter() - started, 1),
            "reused": False}
    marker.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def _counter(what: str, total: int):
    """done(k): a line on stderr at every tenth of the way."""
    state = {"done": 0, "shown": 0}

    def done(k: int) -> None:
        state["done"] += k
        tenth = state["done"] * 10 // max(total, 1)
        if tenth > state["shown"]:
            state["shown"] = tenth
            print(f"{what} {state['done']}/{total}", file=sys.stderr, flush=True)
    return done


def cli_flags(command: str) -> set[str]:
    """The optional flags `process.py COMMAND --help` lists (--jobs, --quiet appear in newer versions)."""
    out = subprocess.run([sys.executable, str(PROCESS), command, "--help"], capture_output=True, text=True,
                         check=False, cwd=ROOT).stdout
    return {flag for flag in ("--jobs", "--quiet") if flag in out}


def stage(args: list[str], cwd: Path) -> dict:
    """Run bench/stage.py in a fresh process; its last line is the measurement."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(STAGE), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          check=False)
    lines = done.stdout.rstrip().splitlines()
    if done.returncode or not lines:
        sys.exit(f"stage {args[0]} {' '.join(args[1:3])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(lines[-1])
    result["printed"] = "\n".join(lines[:-1])
    if result["exit"]:
        print(f"warning: {' '.join(args[:2])} exited {result['exit']}: {result['output'].strip()}", file=sys.stderr)
    return result


def keep_report(out: Path, scratch: Path) -> Path:
    """Copy the report `run` wrote into `out` to the scratch folder (out is about to be removed)."""
    reports = sorted(out.glob(REPORT_GLOB))
    if len(reports) != 1:
        sys.exit(f"run wrote {len(reports)} reports ({REPORT_GLOB}) in {out}, expected one")
    return Path(shutil.copy2(reports[0], scratch / reports[0].name))


def time_stages(meta: dict, scratch: Path, skip_naive: bool, flags: dict[str, set[str]],
                repeat: int) -> dict[str, dict]:
    """Each stage in a fresh process. run, floor and write floor are timed `repeat` times, one after
    the other (run, floor, write floor, run, …), and the fastest of each counts: the speed of this
    machine drifts by up to half within minutes, and taking them in turns exposes all to the same
    drift. "spread" is slowest/fastest. The write floor writes the values of the report the first
    run wrote."""
    config, input_dir = meta["config"], meta["input"]
    results = {}
    with tempfile.TemporaryDirectory(prefix="templates-", dir=scratch) as out:
        # cwd is the empty scratch folder so that no output/归档.sqlite nearby adds 隐患整改跟踪表.
        results["templates"] = stage(["cli", "templates", "--config", config, "--output", out], Path(out))
        results["templates"]["files"] = sum(1 for _ in Path(out).glob("*.xlsx"))
    quiet = ["--quiet"] if "--quiet" in flags["run"] else []
    tries: dict[str, list[dict]] = {"run": [], "floor": [], "writefloor": []}
    report = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="run-", dir=scratch) as out:  # an empty archive each time
            tries["run"].append(stage(["cli", "run", "--config", config, "--input", input_dir, "--output", out,
                                       *quiet], Path(out)))
            report = report or keep_report(Path(out), scratch)
        tries["floor"].append(stage(["floor", input_dir], scratch))
        tries["writefloor"].append(stage(["writefloor", str(report)], scratch))
    for name, measured in tries.items():
        best = min(measured, key=lambda r: r["seconds"])
        best["spread"] = max(r["seconds"] for r in measured) / best["seconds"]
        best["rss_self_mb"] = max(r["rss_self_mb"] for r in measured)
        best["rss_children_mb"] = max(r["rss_children_mb"] for r in measured)
        results[name] = best
    results["run"]["files"] = meta["files"]
    if not skip_naive:
        results["naive"] = stage(["naive", input_dir], scratch)
    return results


def profile(meta: dict, scratch: Path, flags: dict[str, set[str]]) -> str:
    """`run` under cProfile in one process (--jobs 1 where the CLI has it): what stage.py prints."""
    extra = (["--jobs", "1"] if "--jobs" in flags["run"] else []) + (["--quiet"] if "--quiet" in flags["run"] else [])
    with tempfile.TemporaryDirectory(prefix="profile-", dir=scratch) as out:
        result = stage(["profile", "run", "--config", meta["config"], "--input", meta["input"], "--output", out,
                        *extra], Path(out))
    return result["printed"]


def phases(meta: dict, scratch: Path, flags: dict[str, set[str]]) -> str:
    """`run` as timed, with the wall time of each of its steps: what stage.py prints."""
    quiet = ["--quiet"] if "--quiet" in flags["run"] else []
    with tempfile.TemporaryDirectory(prefix="phases-", dir=scratch) as out:
        result = stage(["phases", "run", "--config", meta["config"], "--input", meta["input"], "--output", out,
                        *quiet], Path(out))
    return f"{result['printed']}\n{'run in all':<16} {result['seconds']:7.2f} s"


def row(n, name: str, r: dict | None) -> str:
    if r is None:
        return f"{n:>6} {name:<10} {'skipped':>6}"
    if r.get("cells") is not None:  # the write floor: one workbook, files/s means nothing
        rate = "-"
    else:
        rate = f"{r['files'] / r['seconds'] if r['seconds'] else float('inf'):.0f}"
    spread = f"{r['spread']:.2f}" if "spread" in r else "-"
    return (f"{n:>6} {name:<10} {r['files']:>6} {r['seconds']:>8.2f} {rate:>8} "
            f"{r['rss_self_mb']:>12.0f} {r['rss_children_mb']:>14.0f} {spread:>7}")


def ratio(a: dict | None, b: dict | None) -> str:
    return f"{a['seconds'] / b['seconds']:.1f}×" if a and b and b["seconds"] else "-"


def floors_ratio(r: dict[str, dict]) -> float:
    """run / (read floor + write floor): the target is TARGET_RATIO at TARGET_N."""
    return r["run"]["seconds"] / (r["floor"]["seconds"] + r["writefloor"]["seconds"])


def target(n: int, value: float) -> str:
    verdict = (": met" if value <= TARGET_RATIO else ": NOT met") if n == TARGET_N else ""
    return f"target ≤ {TARGET_RATIO:.1f}× at N={TARGET_N}{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--n", type=int, nargs="+", default=[11, 500], help="campaign sizes (units), default 11 500")
    parser.add_argument("--all-kinds", action="store_true",
                        help="every unit also returns a 交办清单 of 50 hazards and a 调度表")
    parser.add_argument("--with-self", action="store_true",
                        help="every unit also returns its 自评表, so run compares 自评 with 复核")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached campaigns")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "inspection-bench",
                        help="where the campaigns are kept between runs (default %(default)s)")
    parser.add_argument("--skip-naive", action="store_true", help="do not time the pandas baseline (slow at large N)")
    parser.add_argument("--phases", action="store_true",
                        help="also time one more `run` step by step (reading, archive, report) for each N")
    parser.add_argument("--profile", action="store_true",
                        help="also run `run` once under cProfile for each N, in one process (--jobs 1)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="times run and floor are timed, in turns; the fastest counts (default %(default)s)")
    parser.add_argument("--setup-jobs", type=int, default=default_jobs(),
                        help="processes that fill the returns (default: all cores)")
    args = parser.parse_args()

    flags = {command: cli_flags(command) for command in ("templates", "run")}
    used = {c: " ".join(sorted(f)) or "none" for c, f in flags.items()}
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"cores: {default_jobs()} (os.cpu_count {os.cpu_count()}); load average {load}; Python {sys.version.split()[0]}; "
          f"CLI flags seen: templates {used['templates']}, run {used['run']}"
          f"{' (left at their defaults; run gets --quiet)' if flags['run'] else ''}")
    args.cache.mkdir(parents=True, exist_ok=True)
    summary = []
    header = (f"{'N':>6} {'stage':<10} {'files':>6} {'wall s':>8} {'files/s':>8} {'RSS main MB':>12} "
              f"{'RSS worker MB':>14} {'spread':>7}")
    for n in args.n:
        meta = setup(args.cache, n, args.all_kinds, args.fresh, args.setup_jobs, args.with_self)
        how = "reused, built earlier" if meta["reused"] else "built"
        print(f"\nN={n}: {meta['files']} returns in {meta['folder']} ({how} in {meta['setup_seconds']} s: "
              f"templates written and filled on {meta['jobs']} processes)")
        scratch = Path(tempfile.mkdtemp(prefix="stages-", dir=args.cache))
        try:
            results = time_stages(meta, scratch, args.skip_naive, flags, args.repeat)
            print(header)
            for name in STAGES:
                print(row(n, name, results.get(name)))
            run_, floor_, naive_ = results["run"], results["floor"], results.get("naive")
            both = floors_ratio(results)
            print(f"{'':>6} run/floor {ratio(run_, floor_)}   naive/run {ratio(naive_, run_)}   "
                  f"run/(floor+writefloor) {both:.2f}× ({target(n, both)})")
            print(f"{'':>6} writefloor: the {results['writefloor']['cells']} cell values of the report run wrote")
            summary.append((n, meta, results))
            if args.phases:
                print(f"\nN={n}: where one more `run` spends its wall time, step by step")
                print(phases(meta, scratch, flags))
            if args.profile:
                print(f"\nN={n}: `run` under cProfile, one process: top 25 by cumulative time, top 15 by own time")
                print(profile(meta, scratch, flags))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    print(f"\n{'N':>6} {'files':>6} {'setup s':>8} " + " ".join(f"{s + ' s':>12}" for s in STAGES)
          + f" {'run/floor':>10} {'naive/run':>10} {'run/(fl+wf)':>12}")
    for n, meta, r in summary:
        times = " ".join(f"{r[s]['seconds']:>12.2f}" if s in r else f"{'-':>12}" for s in STAGES)
        print(f"{n:>6} {meta['files']:>6} {meta['setup_seconds']:>8.1f} {times} "
              f"{ratio(r['run'], r['floor']):>10} {ratio(r.get('naive'), r['run']):>10} "
              f"{floors_ratio(r):>11.2f}×")
    print(f"run/(fl+wf): run / (floor + writefloor), target ≤ {TARGET_RATIO:.1f}× at N={TARGET_N}")


if __name__ == "__main__":
    main()
