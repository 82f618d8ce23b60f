"""The session's repository index: started on the workspace folders, fed the editor's
unsaved text, restarted when the folders or the index settings change.

Indexing runs on its own writer thread (and parse processes); nothing here blocks the
event loop. Until the first scan has finished, ``reader`` is None and the question panel
falls back to walking the files near the current one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

from lsp_server.config import Settings
from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.report import IndexReport
from lsp_server.indexing.service import WorkspaceIndex

log = logging.getLogger(__name__)

# The settings that need a new index when they change.
INDEX_KEYS = ("index_enabled", "cache_dir", "index_max_file_bytes", "index_exclude",
              "index_secret_globs", "index_workers", "index_debounce_ms")


class ScanReporter(Protocol):
    """Where the start-up scan's progress goes (the server's ``$/progress``)."""

    def __call__(self, done: int, total: int, message: str) -> None: ...

    def finish(self, message: str) -> None: ...


class IndexKeeper:
    def __init__(self, progress: Callable[[], ScanReporter | None] = lambda: None) -> None:
        self._progress = progress  # a fresh $/progress reporter for each start-up scan
        self.index: WorkspaceIndex | None = None
        self.scan: Future[IndexReport] | None = None
        self._key: tuple[object, ...] | None = None
        self._overlay_ms = 500
        self._timers: dict[Path, threading.Timer] = {}
        self._lock = threading.Lock()

    def start(self, roots: Sequence[Path], settings: Settings) -> None:
        """Index ``roots`` (or keep the running index when nothing it depends on changed)."""
        self._overlay_ms = settings.index_overlay_ms
        key = (tuple(sorted(str(r) for r in roots)),
               *(repr(getattr(settings, name)) for name in INDEX_KEYS))
        if key == self._key:
            return
        self.close()
        self._key = key
        if not settings.index_enabled or not roots:
            return
        try:
            reporter = self._progress()
            self.index = WorkspaceIndex.for_settings(list(roots), settings, progress=reporter)
            self.scan = self.index.start()
            self.scan.add_done_callback(_log_scan)
            if reporter is not None:
                self.scan.add_done_callback(lambda scan: reporter.finish(_summary(scan)))
        except OSError as exc:  # an unwritable cache dir, a full disk: work without it
            log.warning("repository index unavailable: %s", exc)
            self.index = self.scan = None

    @property
    def reader(self) -> IndexReader | None:
        """The read API once the first scan has completed, else None."""
        scan = self.scan
        if self.index is None or scan is None or not scan.done() or scan.exception():
            return None
        return self.index.reader

    def edited(self, path: Path, text: str) -> None:
        """Unsaved text of an open document: indexed once typing pauses."""
        if self.index is None:
            return
        index = self.index
        timer = threading.Timer(self._overlay_ms / 1000, index.overlay, (path, text))
        timer.daemon = True
        with self._lock:
            old = self._timers.pop(path, None)
            self._timers[path] = timer
        if old is not None:
            old.cancel()
        timer.start()

    def saved_or_closed(self, path: Path) -> None:
        """The disk is the truth again (the watcher sees a save)."""
        with self._lock:
            timer = self._timers.pop(path, None)
        if timer is not None:
            timer.cancel()
        if self.index is not None:
            self.index.clear_overlay(path)

    def close(self) -> None:
        with self._lock:
            timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            timer.cancel()
        if self.index is not None:
            self.index.close()
        self.index = self.scan = None
        self._key = None


def _summary(scan: Future[IndexReport]) -> str:
    if scan.cancelled():
        return "indexing stopped"
    if (error := scan.exception()) is not None:
        return f"indexing failed: {error}"
    report = scan.result()
    return (f"indexed {report.files} files, {report.lines} lines, {report.symbols} symbols"
            f" in {report.seconds:.1f} s")


def _log_scan(scan: Future[IndexReport]) -> None:
    failed = not scan.cancelled() and scan.exception() is not None
    (log.warning if failed else log.info)("%s", _summary(scan))
