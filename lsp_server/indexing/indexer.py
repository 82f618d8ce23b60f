"""Bringing the index up to date: a full incremental scan, or a batch of changed paths.

A scan walks the roots, compares each file's size and mtime with the stored ones, and
parses only what differs (a file whose content hash is unchanged only gets its stat
updated). Parsing runs on a process pool when there is enough to do (``pool``); the
results are written here, by the one writer, in transactions of whole files.

Progress is reported through ``progress(done, total, message)``: once with ``total == 0``
while the files are being found, then after every written batch, and once at the end with
``done == total``. A ``quiet`` scan (one the watcher asked for) reports nothing.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Collection
from pathlib import Path

from lsp_server.indexing.database import database_bytes
from lsp_server.indexing.parse import Job
from lsp_server.indexing.pool import POOL_MIN_FILES, parse_files, start_early
from lsp_server.indexing.report import IndexReport, extraction_version
from lsp_server.indexing.store import Store, StoredFile
from lsp_server.indexing.trees import TreeCache
from lsp_server.indexing.walk import Candidate, Walker

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    pass


class Indexer:
    def __init__(self, store: Store, walker: Walker, *, workers: int | None = None,
                 progress: Progress | None = None) -> None:
        self.store = store
        self.walker = walker
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress or _no_progress
        self.trees = TreeCache()  # for files parsed here, not in the pool (edits, overlays)

    def run(self, overlays: Collection[str] = (), *, quiet: bool = False) -> IndexReport:
        """A full scan: index what changed since the last one, drop what disappeared."""
        start = time.perf_counter()
        progress = _no_progress if quiet else self.progress
        progress(0, 0, "Finding files")
        self._check_version()
        if self.store.is_empty():
            start_early(self.workers)
        walked = self.walker.walk()
        stored = self.store.files()
        skipped = Counter(skip.reason.value for skip in walked.skips)
        current = {c.path for c in walked.files}
        gone = [path for path in stored if path not in current and path not in overlays]
        todo = [c for c in walked.files if c.path not in overlays and _changed(c, stored)]
        with self.store.transaction():
            self.store.delete(gone)
        parsed_lines = self._parse(todo, stored, skipped, progress)
        self.store.checkpoint()
        report = self._report(start, len(todo), len(gone), parsed_lines, skipped)
        progress(len(todo), len(todo), f"Indexed {report.files} files")
        return report

    def apply(self, files: Collection[str], dirs: Collection[str],
              overlays: Collection[str] = ()) -> int:
        """Update the index for paths that watcher events named; returns files changed."""
        candidates: dict[str, Candidate] = {}
        gone: list[str] = []
        for directory in dirs:
            if os.path.isdir(directory):
                walked = self.walker.walk_dir(Path(directory))
                candidates.update((c.path, c) for c in walked.files)
            else:
                with self.store.transaction():
                    gone += self.store.delete_under(directory)
        for path in files:
            outcome = self.walker.classify(Path(path))
            if isinstance(outcome, Candidate):
                candidates[outcome.path] = outcome
            else:
                gone.append(outcome.path)
        stored = self.store.files([*candidates, *gone], dirs)
        if dirs:  # files of a rescanned directory that are no longer there
            gone += [p for p in stored for d in dirs
                     if p.startswith(d.rstrip("/") + "/") and p not in candidates]
        todo = [c for c in candidates.values() if c.path not in overlays and _changed(c, stored)]
        gone = [path for path in gone if path in stored and path not in overlays]
        with self.store.transaction():
            self.store.delete(gone)
        self._parse(todo, stored, Counter(), _no_progress)
        return len(todo) + len(gone)

    def _check_version(self) -> None:
        """Extraction rules changed (queries, language table, schema): re-parse everything."""
        version = extraction_version()
        if self.store.meta("extraction") == version:
            return
        with self.store.transaction():
            if self.store.meta("extraction") is not None:
                log.info("index extraction rules changed; re-indexing every file")
                self.store.clear()
            self.store.set_meta("extraction", version)

    def _parse(self, todo: list[Candidate], stored: dict[str, StoredFile],
               skipped: Counter[str], progress: Progress) -> int:
        """Parse and write ``todo``; returns the number of lines parsed."""
        rel = {c.path: c.rel for c in todo}
        limit = self.walker.policy.max_file_bytes
        jobs = [(Job(c.path, c.language, _hash(stored.get(c.path)), limit), c.size)
                for c in todo]
        total, done, lines = len(jobs), 0, 0
        with self.store.loading(bulk=total >= POOL_MIN_FILES) as loader:
            for batch in parse_files(jobs, self.workers, self.trees):
                kept, dropped = [], []
                for result in batch:
                    if result.skipped is None:
                        kept.append((result, rel[result.path]))
                        lines += result.lines if result.extraction is not None else 0
                    else:  # found out by reading it: binary, not UTF-8, grown too large
                        log.info("skipped %s: %s", result.path, result.skipped.value)
                        skipped[result.skipped.value] += 1
                        dropped.append(result.path)
                loader.add(kept, dropped)
                done += len(batch)
                progress(done, total, f"Indexed {done}/{total} files")
        return lines

    def _report(self, start: float, parsed: int, removed: int, parsed_lines: int,
                skipped: Counter[str]) -> IndexReport:
        totals = self.store.conn.execute(
            "SELECT (SELECT count(*) FROM files), (SELECT coalesce(sum(lines), 0) FROM files),"
            " (SELECT count(*) FROM symbols), (SELECT count(*) FROM imports),"
            " (SELECT count(*) FROM chunks)").fetchone()
        return IndexReport(
            files=totals[0], lines=totals[1], symbols=totals[2], imports=totals[3],
            chunks=totals[4], parsed=parsed, parsed_lines=parsed_lines, removed=removed,
            seconds=time.perf_counter() - start, skipped=dict(sorted(skipped.items())),
            database=str(self.store.path), database_bytes=database_bytes(self.store.path),
        )


def _changed(candidate: Candidate, stored: dict[str, StoredFile]) -> bool:
    known = stored.get(candidate.path)
    return known is None or known.overlay or (known.size, known.mtime_ns) != (
        candidate.size, candidate.mtime_ns)


def _hash(known: StoredFile | None) -> str:
    """The stored hash to compare against; none for overlays (their rows are not the disk's)."""
    return "" if known is None or known.overlay else known.hash
