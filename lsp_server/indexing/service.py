"""The daemon's index of a workspace: one writer thread, a watcher, overlays, readers.

Every write (the start-up scan, watcher batches, the unsaved text of open documents)
is a job on one thread that owns the only write connection, so writes never conflict and
readers (``index.reader``, one connection per thread) never wait. The watcher starts
before the first scan, so nothing that changes during it is missed. If the database turns
out to be corrupt mid-run it is set aside and rebuilt by a fresh scan. A full disk or a
read-only folder fails the job with ``IndexWriteError`` (passed to ``on_error`` too, for
the user): the database keeps its last commit, so readers go on answering from it.

Overlays: ``overlay(path, text)`` indexes an open document's unsaved text in place of
the file's, and file events for that path are ignored until ``clear_overlay(path)``
re-reads it from disk. Overlay rows are flagged, so a daemon that dies with overlays
leaves rows that the next start re-reads.
"""

from __future__ import annotations

import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsp_server.errors import IndexWriteError
from lsp_server.indexing.database import index_file, is_corrupt, set_aside, write_errors_reported
from lsp_server.indexing.indexer import Indexer, Progress
from lsp_server.indexing.parse import extract_source
from lsp_server.indexing.policy import Policy, SkipReason, extension_languages, policy_from_settings
from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.report import IndexReport
from lsp_server.indexing.store import Store
from lsp_server.indexing.walk import Skip, Walker
from lsp_server.indexing.watcher import Debouncer, Watcher

if TYPE_CHECKING:
    from lsp_server.config import Settings

log = logging.getLogger(__name__)

Job = Callable[[], Any]


class WorkspaceIndex:
    def __init__(self, roots: Sequence[Path], *, database: Path, policy: Policy,
                 workers: int | None = None, debounce_ms: int = 10,
                 progress: Progress | None = None, watch: bool = True,
                 on_error: Callable[[IndexWriteError], None] = lambda error: None) -> None:
        self.roots = [Path(root).resolve() for root in roots]
        self.database = database
        self.policy = policy
        self.walker = Walker(self.roots, policy)
        self.reader = IndexReader(database)
        # (first event, visible to queries) of the last watcher batch, monotonic seconds
        self.last_batch: tuple[float, float] | None = None
        self._workers, self._progress, self._on_error = workers, progress, on_error
        self._overlays: set[str] = set()
        self._jobs: queue.Queue[tuple[Job, Future[Any]] | None] = queue.Queue()
        self._store: Store | None = None
        self._indexer: Indexer | None = None
        self._thread = threading.Thread(target=self._serve, name="index-writer", daemon=True)
        self._debouncer = Debouncer(self._on_batch, debounce_ms / 1000) if watch else None
        self._watcher = (Watcher(self.roots, self._debouncer, sorted(policy.skip_dirs))
                         if self._debouncer else None)

    @classmethod
    def for_settings(cls, roots: Sequence[Path], settings: Settings, *,
                     progress: Progress | None = None, watch: bool = True,
                     on_error: Callable[[IndexWriteError], None] = lambda error: None,
                     ) -> WorkspaceIndex:
        database = index_file(settings.cache_dir, list(roots))
        policy = policy_from_settings(settings, [str(database.parent)])
        return cls(roots, database=database, policy=policy, workers=settings.index_workers,
                   debounce_ms=settings.index_debounce_ms, progress=progress, watch=watch,
                   on_error=on_error)

    def start(self) -> Future[IndexReport]:
        """Start the writer and the watcher; the future completes when the first scan has."""
        self._thread.start()
        if self._watcher is not None:
            self._watcher.start()
        return self._submit(self._scan)

    def close(self) -> None:
        if self._watcher is not None and self._thread.is_alive():
            self._watcher.stop()
        if self._debouncer is not None:
            self._debouncer.close()
        self._jobs.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        self.reader.close()

    def rescan(self) -> Future[IndexReport]:
        return self._submit(self._scan)

    def overlay(self, path: Path | str, text: str) -> Future[None]:
        """Index unsaved text for ``path``; the future completes once queries see it."""
        return self._submit(lambda: self._write_overlay(os.path.abspath(path), text))

    def clear_overlay(self, path: Path | str) -> Future[None]:
        """Back to the file on disk (the document was closed or saved)."""
        return self._submit(lambda: self._drop_overlay(os.path.abspath(path)))

    def _submit(self, job: Job) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((job, future))
        return future

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, future = item
            try:
                with write_errors_reported(self.database):
                    result = self._run(job)
                future.set_result(result)
            except IndexWriteError as exc:  # not a bug: no traceback, the user is told
                log.warning("%s", exc)
                self._on_error(exc)
                future.set_exception(exc)
            except BaseException as exc:  # the caller sees it through the future
                log.exception("index job failed")
                future.set_exception(exc)
        if self._store is not None:
            self._store.close()

    def _run(self, job: Job) -> Any:
        if self._store is None:
            self._open()
        try:
            return job()
        except sqlite3.DatabaseError as exc:
            if not is_corrupt(exc):
                raise  # locked, read-only, a full disk...: not a broken file
            assert self._store is not None
            self._store.close()
            set_aside(self.database, f"it failed mid-run ({exc})")
            self._open()
            self._scan()
            return job()

    def _open(self) -> None:
        self._store = Store(self.database)
        self.reader.reset()
        self._indexer = Indexer(self._store, self.walker, workers=self._workers,
                                progress=self._progress)

    def _scan(self) -> IndexReport:
        assert self._indexer is not None
        return self._indexer.run(self._overlays)

    def _on_batch(self, files: set[str], dirs: set[str], rescan: bool, first: float) -> None:
        def apply() -> None:
            assert self._indexer is not None
            if rescan:
                self._indexer.run(self._overlays, quiet=True)
            else:
                self._indexer.apply(files, dirs, self._overlays)
            self.last_batch = (first, time.monotonic())
            log.debug("index updated %.1f ms after the first event",
                      (self.last_batch[1] - first) * 1000)
        self._submit(apply)

    def _write_overlay(self, path: str, text: str) -> None:
        assert self._store is not None and self._indexer is not None
        outcome = self.walker.classify(Path(path))
        language = extension_languages().get(os.path.splitext(path)[1].lower())
        data = text.encode("utf-8")
        if ((isinstance(outcome, Skip) and outcome.reason is not SkipReason.UNREADABLE)
                or language is None or len(data) > self.policy.max_file_bytes):
            return
        result = extract_source(path, language, data, -1, trees=self._indexer.trees)
        if result.skipped is not None:
            return
        self._overlays.add(path)
        root = next((r for r in self.roots if Path(path).is_relative_to(r)), Path(path).parent)
        with self._store.transaction():
            self._store.write([(result, Path(path).relative_to(root).as_posix())], overlay=True)

    def _drop_overlay(self, path: str) -> None:
        assert self._indexer is not None
        if path in self._overlays:
            self._overlays.discard(path)
            self._indexer.apply([path], [], self._overlays)
