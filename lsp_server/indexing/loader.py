"""Many batches of parse results into the database, in a few transactions (``Store.loading``).

Commits come every ``commit_bytes`` of source or ``COMMIT_SECONDS``, whichever is first,
so readers and a killed run see steady progress, while fewer commits mean fewer FTS5
segments to merge and fewer pages written twice (WAL, then the database).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING

from lsp_server.indexing.parse import FileResult

if TYPE_CHECKING:
    from lsp_server.indexing.store import Store

COMMIT_SECONDS = 0.5  # at most between commits of a bulk load


class Loader:
    """Writes batches in one open transaction, committed by size or time.

    ``fresh``: the index was empty when the load began, so every file is new to it and
    the writer skips looking up stored rows.
    """

    def __init__(self, store: Store, commit_bytes: int, *, fresh: bool = False) -> None:
        self.store = store
        self.commit_bytes = commit_bytes
        self.fresh = fresh
        self._open = False
        self._bytes = 0
        self._since = 0.0

    def add(self, results: list[tuple[FileResult, str]], gone: Sequence[str] = ()) -> None:
        """Write ``(result, path relative to its root)`` pairs and drop ``gone`` paths."""
        if not self._open:
            self.store.conn.execute("BEGIN IMMEDIATE")
            self._open, self._bytes, self._since = True, 0, time.monotonic()
        self.store.delete(gone)
        self.store.write(results, fresh=self.fresh)
        self._bytes += sum(result.size for result, _rel in results)
        if (self._bytes >= self.commit_bytes
                or time.monotonic() - self._since >= COMMIT_SECONDS):
            self.commit()

    def commit(self) -> None:
        if self._open:
            self._open = False
            self.store.conn.execute("COMMIT")

    def rollback(self) -> None:
        self._open = False
        with suppress(sqlite3.Error):  # the file broke: the caller rebuilds it anyway
            self.store.rollback()
