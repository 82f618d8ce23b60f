"""The session's repository index: started on the workspace folders, fed the editor's
unsaved text, restarted when the folders or the index settings change.

Indexing runs on its own writer thread (and parse processes); nothing here blocks the
event loop. Until the first scan has finished, ``reader`` is None and the question panel
falls back to walking the files near the current one. An index that cannot be written (a
full disk, a read-only cache folder) is told to the user once, and the reader stays: the
database still holds its last commit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

from lsp_server.config import Settings
from lsp_server.errors import IndexWriteError
from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.report import IndexReport
from lsp_server.indexing.service import WorkspaceIndex
from lsp_server.indexing.watcher import Debouncer

log = logging.getLogger(__name__)

# The settings that need a new index when they change.
INDEX_KEYS = ("index_enabled", "cache_dir", "index_max_file_bytes", "index_exclude",
              "index_secret_globs", "index_workers", "index_debounce_ms", "index_overlay_ms")


class ScanReporter(Protocol):
    """Where the start-up scan's progress goes (the server's ``$/progress``)."""

    def __call__(self, done: int, total: int, message: str) -> None: ...

    def finish(self, message: str) -> None: ...


class IndexKeeper:
    def __init__(self, progress: Callable[[], ScanReporter | None] = lambda: None,
                 tell: Callable[[str], None] = lambda message: None) -> None:
        self._progress = progress  # a fresh $/progress reporter for each start-up scan
        self._tell = tell  # a message for the user (an index it cannot write)
        self.index: WorkspaceIndex | None = None
        self.scan: Future[IndexReport] | None = None
        self._key: tuple[object, ...] | None = None
        self._edits: Debouncer | None = None  # paths whose unsaved text is pending
        self._texts: dict[str, str] = {}  # their latest text
        self._lock = threading.Lock()  # keeps overlay and clear jobs in editor order

    def start(self, roots: Sequence[Path], settings: Settings) -> None:
        """Index ``roots`` (or keep the running index when nothing it depends on changed)."""
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
            self.index = WorkspaceIndex.for_settings(
                list(roots), settings, progress=reporter,
                on_error=lambda error: self._tell(str(error)))
            self.scan = self.index.start()
            self._edits = Debouncer(self._flush_edits, settings.index_overlay_ms / 1000)
            self.scan.add_done_callback(log_scan)
            if reporter is not None:
                self.scan.add_done_callback(lambda scan: reporter.finish(_summary(scan)))
        except OSError as exc:  # the watcher cannot start (inotify limits): work without it
            log.warning("repository index unavailable: %s", exc)
            self._tell(f"repository index unavailable (completions go on without it): {exc}")
            self.index = self.scan = None

    @property
    def reader(self) -> IndexReader | None:
        """The read API once the first scan has completed (or stopped because the index
        cannot be written), else None."""
        scan = self.scan
        if self.index is None or scan is None or not scan.done():
            return None
        error = scan.exception()
        if error is not None and not isinstance(error, IndexWriteError):
            return None
        return self.index.reader

    def edited(self, path: Path, text: str) -> None:
        """Unsaved text of an open document: indexed once typing pauses (the watcher's
        debouncer, so a keystroke costs a dict write, not a timer thread)."""
        if self._edits is None:
            return
        with self._lock:
            self._texts[str(path)] = text
        self._edits.add(files=[str(path)])

    def _flush_edits(self, paths: set[str], dirs: set[str], rescan: bool, first: float) -> None:
        with self._lock:
            for path in paths:
                text = self._texts.pop(path, None)
                if text is not None and self.index is not None:
                    self.index.overlay(path, text)

    def saved_or_closed(self, path: Path) -> None:
        """The disk is the truth again (the watcher sees a save)."""
        with self._lock:
            self._texts.pop(str(path), None)
            if self.index is not None:
                self.index.clear_overlay(path)

    def close(self) -> None:
        if self._edits is not None:
            self._edits.close()
        with self._lock:
            self._texts.clear()
        if self.index is not None:
            self.index.close()
        self.index = self.scan = self._edits = None
        self._key = None


def _summary(scan: Future[IndexReport]) -> str:
    if scan.cancelled():
        return "indexing stopped"
    if (error := scan.exception()) is not None:
        return f"indexing failed: {error}"
    report = scan.result()
    return (f"indexed {report.files} files, {report.lines} lines, {report.symbols} symbols"
            f" in {report.seconds:.1f} s")


def log_scan(scan: Future[IndexReport]) -> None:
    """The scan's outcome; a write failure was logged already where it happened."""
    error = None if scan.cancelled() else scan.exception()
    if isinstance(error, IndexWriteError):
        return
    (log.warning if error is not None else log.info)("%s", _summary(scan))
