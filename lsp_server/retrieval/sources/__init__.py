"""The context sources: each a function (query, env) -> snippets, best first.

Each one answers in a few milliseconds from the index's read API; ``gather`` runs them in
parallel within a time box and drops what arrives late. Adding a source is a module here
and a row in ``SOURCES`` (the ``context_sources`` setting names them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.records import ResolvedImport, Symbol
from lsp_server.retrieval.activity import Activity
from lsp_server.retrieval.excerpts import file_lines
from lsp_server.retrieval.snippet import ContextQuery, Snippet

T = TypeVar("T")


@dataclass
class SourceEnv:
    """What every source may read. A file's symbols, imports and lines are read once per
    request: the sources run in parallel and want the same files (definitions and the
    outline both read the current file's symbols and imports), so a second caller waits
    for the first one's read instead of doing it again."""

    reader: IndexReader
    activity: Activity = field(default_factory=Activity)
    limit: int = 10  # snippets per source
    _read: dict[tuple[str, Path], Any] = field(default_factory=dict)
    _reading: dict[tuple[str, Path], threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def symbols(self, path: Path) -> list[Symbol]:
        """A file's definitions (an outline)."""
        return self._once("symbols", path, self.reader.symbols)

    def imports(self, path: Path) -> list[ResolvedImport]:
        """A file's imports, resolved."""
        return self._once("imports", path, self.reader.imports)

    def lines(self, path: Path) -> list[str]:
        """A file's lines as indexed."""
        return self._once("lines", path, lambda p: file_lines(self.reader.chunks(p)))

    def _once(self, what: str, path: Path, read: Callable[[Path], T]) -> T:
        """``read(path)``, the first time only; other files are read meanwhile."""
        key = (what, path)
        with self._lock:
            reading = self._reading.setdefault(key, threading.Lock())
        with reading:
            if key not in self._read:
                self._read[key] = read(path)
            return cast(T, self._read[key])


Source = Callable[[ContextQuery, SourceEnv], list[Snippet]]


def sources() -> dict[str, Source]:
    """Name -> source, in the order their results are listed when ranks tie."""
    from lsp_server.retrieval.sources import definitions, outline, recent, similar

    return {"definitions": definitions.find, "similar": similar.find,
            "recent": recent.find, "outline": outline.find}
