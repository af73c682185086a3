"""Fuzzing: mutated templates and returns through ingest; every one must end accepted or rejected.

    python bench/fuzz.py --cases 10000              # prints ran / accepted / rejected / escaped
    python bench/fuzz.py --seed 1 --case 417 --save case.xlsx   # one case again, kept for a test

Case i of seed S is always the same file (random.Random(f"{S}:{i}")), so an escape printed here
can be reproduced alone. Exits 1 when anything escaped. python-calamine prints a Rust panic message
on stderr for a few cases (a date cell far out of range); the reader catches it and rejects the
file (F001), so those cases count as rejected, not escaped.
"""

import argparse
from concurrent.futures import ProcessPoolExecutor
import os
from pathlib import Path
import random
import resource
import sys
import tempfile
import time
import traceback

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inspection.model import ACCEPTED  # noqa: E402
from tests.fuzzing import build_seeds, check_one, check_run, load_fuzz_campaign, mutate  # noqa: E402

MEMORY_LIMIT = 4 * 1024**3  # a worker that blows up fails alone instead of starving the machine
_state: dict = {}


def _init(seeds, campaign) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    _state["seeds"] = seeds
    _state["campaign"] = campaign
    _state["folder"] = Path(tempfile.mkdtemp(prefix="fuzz-"))


def make_case(seeds, seed: int, index: int) -> tuple[str, bytes]:
    return mutate(seeds, random.Random(f"{seed}:{index}"))


def _run_chunk(seed: int, indices: range, detail: str = "", run_every: int = 0) -> dict:
    counts = {"accepted": 0, "rejected": 0, "escaped": 0, "runs": 0, "not made": 0}
    codes, found = {}, []
    escapes, slowest, grew = [], (0.0, -1, ""), (0, -1, "")
    for i in indices:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            how, data = make_case(_state["seeds"], seed, i)
        except Exception:  # the fuzzer's own failure (openpyxl on a mutated sheet), not the tool's
            counts["not made"] += 1
            escapes.append((i, "not made", traceback.format_exc()))
            continue
        started = time.perf_counter()
        try:
            status, findings = check_one(data, _state["folder"], _state["campaign"])
            errors = [f for f in findings if f.is_error]
            counts["accepted" if status == ACCEPTED else "rejected"] += 1
            if errors:
                codes[errors[0].code.name] = codes.get(errors[0].code.name, 0) + 1
                if detail and detail in errors[0].message and len(found) < 5:
                    found.append((i, how, errors[0].message))
            if run_every and i % run_every == 0:  # now and then the whole run, report written
                with tempfile.TemporaryDirectory(prefix="fuzz-run-") as tmp:
                    check_run(data, Path(tmp), _state["campaign"], _state["seeds"][1:2])
                counts["runs"] += 1
        except KeyboardInterrupt:
            raise
        except BaseException:  # a Rust panic in a reader arrives as a BaseException
            counts["escaped"] += 1
            escapes.append((i, how, traceback.format_exc()))
        took = time.perf_counter() - started
        if took > slowest[0]:
            slowest = (took, i, how)
        step = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
        if step > grew[0]:
            grew = (step, i, how)
    return {"counts": counts, "escapes": escapes, "slowest": slowest, "grew": grew, "codes": codes, "found": found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--case", type=int, help="make only this case (with --save, write it to a file)")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--show", type=int, default=3, help="tracebacks printed (default 3)")
    parser.add_argument("--run-every", type=int, default=200,
                        help="every Nth case also goes through the whole run, report written (0: never)")
    parser.add_argument("--find", default="", help="list the first cases rejected with this text in the message")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        campaign = load_fuzz_campaign()
        seeds = build_seeds(campaign, Path(tmp))
    if args.case is not None:
        how, data = make_case(seeds, args.seed, args.case)
        if args.save:
            args.save.write_bytes(data)
        with tempfile.TemporaryDirectory() as tmp:
            status, findings = check_one(data, Path(tmp), campaign)
        print(f"case {args.case} ({how}, {len(data)} bytes): {status}")
        for f in findings:
            print(f"  {f.code.name} {f.cell} {f.message}")
        return 0

    chunk = 100
    chunks = [range(s, min(s + chunk, args.cases)) for s in range(0, args.cases, chunk)]
    started = time.perf_counter()
    totals = {"accepted": 0, "rejected": 0, "escaped": 0, "runs": 0, "not made": 0}
    escapes, slowest, grew, codes, found = [], (0.0, -1, ""), (0, -1, ""), {}, []
    with ProcessPoolExecutor(args.jobs, initializer=_init, initargs=(seeds, campaign)) as pool:
        n = len(chunks)
        for result in pool.map(_run_chunk, [args.seed] * n, chunks, [args.find] * n, [args.run_every] * n):
            for key, n in result["counts"].items():
                totals[key] += n
            for key, n in result["codes"].items():
                codes[key] = codes.get(key, 0) + n
            found += result["found"]
            escapes += result["escapes"]
            slowest = max(slowest, result["slowest"])
            grew = max(grew, result["grew"])
    seconds = time.perf_counter() - started
    ran = totals["accepted"] + totals["rejected"] + totals["escaped"]
    print(f"seeds: {', '.join(s.name for s in seeds)}")
    print(f"ran {ran} cases (seed {args.seed}, {args.jobs} processes) in {seconds:.1f} s, {ran / seconds:.0f} cases/s")
    print(f"accepted {totals['accepted']}, rejected {totals['rejected']}, escaped {totals['escaped']} "
          f"(of which {totals['runs']} also through the whole run, report written and reopened)")
    print("rejected by first error: " + ", ".join(f"{k} {n}" for k, n in sorted(codes.items(), key=lambda kv: -kv[1])))
    print(f"slowest case: {slowest[1]} ({slowest[2]}), {slowest[0]:.2f} s; "
          f"most memory: case {grew[1]} ({grew[2]}), peak RSS up {grew[0] / 1024:.0f} MB")
    if totals["not made"]:
        print(f"cases the fuzzer failed to make (its own failure, not counted as ran): {totals['not made']}")
    for i, how, message in found[:5]:
        print(f"found: case {i} ({how}): {message[:200]}")
    for i, how, tb in escapes[:args.show]:
        print(f"\n--- {'not made' if how == 'not made' else 'escaped'}: case {i} ({how}); "
              f"again with --seed {args.seed} --case {i}\n{tb}")
    if len(escapes) > args.show:
        kinds = {}
        for _, _, tb in escapes:
            last = tb.strip().splitlines()[-1]
            kinds[last] = kinds.get(last, 0) + 1
        print("all escapes by last line:")
        for last, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            print(f"  {n:>5}  {last[:150]}")
    return 1 if totals["escaped"] else 0


if __name__ == "__main__":
    sys.exit(main())
