"""File events -> debounced batches of changed paths for the one writer.

watchdog reports creates, modifies, deletes and moves of files and directories. They are
reduced to two sets, files and directories whose state may have changed, because the
writer decides from the disk as it is when the batch runs (a file created then deleted
within one batch is simply gone; a moved directory is a deleted one plus a new one). A
batch is handed over after ``debounce`` seconds without a new event (an editor's save
is several events), or after ``max_wait`` at the latest when events keep coming. A
changed ignore file asks for a full (incremental) rescan instead.

All roots are watched recursively, excluded directories included: watchdog has no
per-directory filter, so their events are dropped here (``.git``, the index's own
directory) or by the walk's rules when the batch runs.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from lsp_server.indexing.policy import GIT_EXCLUDE, IGNORE_FILES

# (files, directories, rescan everything, monotonic time of the batch's first event)
Flush = Callable[[set[str], set[str], bool, float], None]
FILE_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})
DIR_EVENTS = frozenset({"created", "deleted", "moved"})


class Debouncer:
    """Collects paths and hands them to ``flush`` once events pause."""

    def __init__(self, flush: Flush, debounce: float, max_wait: float = 1.0) -> None:
        self._flush = flush
        self._debounce = debounce
        self._max_wait = max_wait
        self._lock = threading.Condition()
        self._files: set[str] = set()
        self._dirs: set[str] = set()
        self._rescan = False
        self._first = 0.0
        self._last = 0.0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="index-debounce", daemon=True)
        self._thread.start()

    def add(self, files: Sequence[str] = (), dirs: Sequence[str] = (),
            rescan: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not (self._files or self._dirs or self._rescan):
                self._first = now
            self._last = now
            self._files.update(files)
            self._dirs.update(dirs)
            self._rescan |= rescan
            self._lock.notify()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._closed and not (self._files or self._dirs or self._rescan):
                    self._lock.wait()
                if self._closed:
                    return
                now = time.monotonic()
                due = min(self._last + self._debounce, self._first + self._max_wait)
                if now < due:
                    self._lock.wait(due - now)
                    continue
                batch = (self._files, self._dirs, self._rescan, self._first)
                self._files, self._dirs, self._rescan = set(), set(), False
            self._flush(*batch)


class Watcher(FileSystemEventHandler):
    """Feeds a Debouncer from watchdog events under the roots."""

    def __init__(self, roots: Sequence[Path], debouncer: Debouncer,
                 skip_dirs: Sequence[str] = ()) -> None:
        self.roots = [str(root) for root in roots]
        self.debouncer = debouncer
        self.skip = tuple(d.rstrip("/") + "/" for d in skip_dirs)
        self.observer = Observer()

    def start(self) -> None:
        for root in self.roots:
            self.observer.schedule(self, root, recursive=True)
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)]
        if event.event_type == "moved":
            paths.append(os.fsdecode(event.dest_path))
        paths = [p for p in paths if self._wanted(p)]
        if not paths:
            return
        rescan = any(os.path.basename(p) in IGNORE_FILES or p.endswith(GIT_EXCLUDE)
                     for p in paths)
        if event.is_directory:
            if event.event_type in DIR_EVENTS or rescan:
                self.debouncer.add(dirs=paths, rescan=rescan)
        elif event.event_type in FILE_EVENTS:
            self.debouncer.add(files=paths, rescan=rescan)

    def _wanted(self, path: str) -> bool:
        if path.startswith(self.skip):
            return False
        return "/.git/" not in path + "/" or path.endswith(GIT_EXCLUDE)
