"""Parsing many files on every core: batches of paths out, plain tuples back.

Workers get paths, not contents (each reads its own files), in batches of about
``BATCH_BYTES`` of source so the per-task pickling and scheduling cost is amortized.
Batches go largest first, so the last ones to finish are small and no core idles long
at the end, and only a few are in flight at once, so the parent's memory stays bounded
however large the workspace. A handful of files is parsed in-process: starting a pool
costs more than parsing them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import forkserver, get_context

from lsp_server.indexing.parse import FileResult, Job, run_job, run_jobs
from lsp_server.indexing.trees import TreeCache

PRELOAD = "lsp_server.indexing.parse"
POOL_MIN_FILES = 48  # below this many files to parse, parse in-process
BATCH_BYTES = 384 * 1024  # a worker's batch: large enough to amortize pickling
IN_PROCESS_BATCH = 64  # files per yielded batch when parsing in-process
IN_FLIGHT_PER_WORKER = 3
# forkserver: workers start from a clean process, not a fork of a threaded daemon.
START_METHOD = "forkserver" if os.name == "posix" else "spawn"


def start_early(workers: int) -> None:
    """Start the fork server now (a cold build is coming), so that it boots (a fresh
    interpreter importing the main module) while the files are being found."""
    if workers >= 2 and START_METHOD == "forkserver":
        # Workers fork from the server with the parse module (tree-sitter, the grammars)
        # already imported, instead of each importing it for its first batch.
        forkserver.set_forkserver_preload(["__main__", PRELOAD])
        forkserver.ensure_running()


def parse_files(jobs: Sequence[tuple[Job, int]], workers: int,
                trees: TreeCache | None = None) -> Iterator[list[FileResult]]:
    """Results for ``(job, size in bytes)`` pairs, a batch at a time, in no set order
    (``trees``: the in-process parses' tree cache)."""
    if len(jobs) < POOL_MIN_FILES or workers < 2:
        for start in range(0, len(jobs), IN_PROCESS_BATCH):
            yield [run_job(job, trees) for job, _size in jobs[start:start + IN_PROCESS_BATCH]]
        return
    context = get_context(START_METHOD)
    batches = make_batches(jobs, workers)
    batches.reverse()  # popped from the end: largest first
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending = {pool.submit(run_jobs, batches.pop())
                   for _ in range(min(len(batches), workers * IN_FLIGHT_PER_WORKER))}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                if batches:
                    pending.add(pool.submit(run_jobs, batches.pop()))
                yield future.result()


def make_batches(jobs: Sequence[tuple[Job, int]], workers: int) -> list[list[Job]]:
    """Batches of about BATCH_BYTES (at least 4 per worker, for balance), largest first."""
    total = sum(size for _job, size in jobs)
    target = max(min(BATCH_BYTES, total // (workers * 4)), 1)
    batches: list[list[Job]] = [[]]
    filled = 0
    for job, size in sorted(jobs, key=lambda pair: -pair[1]):
        if filled >= target:
            batches.append([])
            filled = 0
        batches[-1].append(job)
        filled += size
    return [batch for batch in batches if batch]
