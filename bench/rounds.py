"""Benchmark: 12 monthly rounds of N units into one archive. Prints run time per round and the archive size.

    python bench/rounds.py            # 11 units, 12 rounds, each unit a scoring sheet, a 50-row 交办清单, a 调度表
    python bench/rounds.py --n 50 --rounds 6
"""

import argparse
from pathlib import Path
import sys
import tempfile
import time

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign import fill_dispatch_returns, fill_progress_returns, fill_returns, write_config  # noqa: E402

from inspection.spec.campaign import load_campaign  # noqa: E402
from inspection.templates import generate_templates  # noqa: E402
from inspection.run import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = write_config(tmp / "campaign", args.n)
        archive = tmp / "归档.sqlite"
        print(f"{'round':>8} {'files':>6} {'tracked':>8} {'run s':>7} {'archive MB':>11}")
        total = 0.0
        for month in range(1, args.rounds + 1):
            round_ = f"2023-{month:02d}"
            config_path = base.with_name(f"config-{round_}.toml")
            config_path.write_text(base.read_text(encoding="utf-8").replace('round = "2023-08"', f'round = "{round_}"'),
                                   encoding="utf-8")
            campaign = load_campaign(config_path)
            rubric = campaign.rubric
            templates = generate_templates(campaign, tmp / f"templates-{round_}")
            inputs = tmp / f"input-{round_}"
            fill_returns(templates.scoring, rubric, inputs, seed=month)
            fill_dispatch_returns(templates.dispatch, inputs, seed=month)
            fill_progress_returns(templates.progress_units, inputs)
            started = time.perf_counter()
            result = run(campaign, inputs, tmp / "output", archive=archive)
            seconds = time.perf_counter() - started
            total += seconds
            size = archive.stat().st_size / 2**20
            print(f"{round_:>8} {len(result.files):>6} {len(result.tracked):>8} {seconds:>7.2f} {size:>11.2f}")
        print(f"{args.rounds} rounds of {args.n} units: run total {total:.1f} s, archive {size:.2f} MB")


if __name__ == "__main__":
    main()
