"""Work on many items in a pool of processes, or one by one: the same results, in the same order.

Each worker process gets `state` once (the campaign to read against, the template writer), not
with every item; `work` is a module-level function work(state, item).
"""

from concurrent.futures import ProcessPoolExecutor
from functools import partial
import os

# Windows cannot wait on more than 61 worker processes (ProcessPoolExecutor raises ValueError above it).
MAX_WORKERS = 61 if os.name == "nt" else 1024


def run_all(work, state, items: list, *, jobs: int, min_items: int, update):
    """Yield work(state, item) for each item, in order, calling update(1) as each is done. A pool of
    `jobs` processes starts only from `min_items` items: below that it costs more than it saves."""
    if jobs > 1 and len(items) >= min_items:
        with ProcessPoolExecutor(max_workers=min(jobs, MAX_WORKERS), initializer=_start, initargs=(state,)) as pool:
            # Small chunks: the last one decides when the pool is done.
            chunk = max(1, min(16, len(items) // (jobs * 8)))
            for out in pool.map(partial(_call, work), items, chunksize=chunk):
                update(1)
                yield out
    else:
        for item in items:
            out = work(state, item)
            update(1)
            yield out


def single_worker(state) -> ProcessPoolExecutor:
    """One worker process holding `state`; give it work with submit(pool, work, item)."""
    return ProcessPoolExecutor(max_workers=1, initializer=_start, initargs=(state,))


def submit(pool: ProcessPoolExecutor, work, item):
    return pool.submit(_call, work, item)


_state = None


def _start(state) -> None:
    global _state
    _state = state


def _call(work, item):
    return work(_state, item)
