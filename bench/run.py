"""Benchmark: `templates` and `run` on synthetic campaigns of N units. Prints a table; not a test.

    python bench/run.py --n 11 500
    python bench/run.py --n 11 --all-kinds   # also a 50-row 交办清单 and a 调度表 from every unit
"""

import argparse
from pathlib import Path
import resource
import sys
import tempfile
import time

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign import fill_dispatch_returns, fill_progress_returns, fill_returns, write_config  # noqa: E402

from inspection.run import run  # noqa: E402
from inspection.templates import generate_templates, load_campaign  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[11, 500])
    parser.add_argument("--all-kinds", action="store_true",
                        help="every unit also returns a 交办清单 of 50 hazards and a 调度表")
    args = parser.parse_args()
    print(f"{'N':>6} {'templates s':>12} {'files':>6} {'hazards':>8} {'run s':>8} {'files/s':>8} {'peak RSS MB':>12}")
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            config, rubric = load_campaign(write_config(tmp / "campaign", n))
            started = time.perf_counter()
            templates = generate_templates(config, rubric, tmp / "templates")
            t_templates = time.perf_counter() - started
            fill_returns(templates.scoring, rubric, tmp / "input")
            if args.all_kinds:
                fill_dispatch_returns(templates.dispatch, tmp / "input")
                fill_progress_returns(templates.progress_units, tmp / "input")
            started = time.perf_counter()
            result = run(config, rubric, tmp / "input", tmp / "output")
            t_run = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            files = len(result.files)
            print(f"{n:>6} {t_templates:>12.2f} {files:>6} {len(result.hazards):>8} {t_run:>8.2f} {files / t_run:>8.0f} {rss:>12.0f}")


if __name__ == "__main__":
    main()
