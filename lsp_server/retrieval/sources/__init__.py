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

from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.records import ResolvedImport, Symbol
from lsp_server.retrieval.activity import Activity
from lsp_server.retrieval.excerpts import file_lines
from lsp_server.retrieval.snippet import ContextQuery, Snippet


@dataclass
class SourceEnv:
    """What every source may read."""

    reader: IndexReader
    activity: Activity = field(default_factory=Activity)
    limit: int = 10  # snippets per source
    _lines: dict[Path, list[str]] = field(default_factory=dict)
    _symbols: dict[Path, list[Symbol]] = field(default_factory=dict)
    _imports: dict[Path, list[ResolvedImport]] = field(default_factory=dict)
    _imports_lock: threading.Lock = field(default_factory=threading.Lock)

    def symbols(self, path: Path) -> list[Symbol]:
        """A file's definitions (an outline), read once per request."""
        if path not in self._symbols:
            self._symbols[path] = self.reader.symbols(path)
        return self._symbols[path]

    def imports(self, path: Path) -> list[ResolvedImport]:
        """A file's imports, resolved, read once per request: definitions and the outline
        both want the current file's, at the same time (they run in parallel), so the
        second waits for the first's read instead of doing it again."""
        with self._imports_lock:
            if path not in self._imports:
                self._imports[path] = self.reader.imports(path)
            return self._imports[path]

    def lines(self, path: Path) -> list[str]:
        """A file's lines as indexed, read once per request."""
        if path not in self._lines:
            self._lines[path] = file_lines(self.reader.chunks(path))
        return self._lines[path]


Source = Callable[[ContextQuery, SourceEnv], list[Snippet]]


def sources() -> dict[str, Source]:
    """Name -> source, in the order their results are listed when ranks tie."""
    from lsp_server.retrieval.sources import definitions, outline, recent, similar

    return {"definitions": definitions.find, "similar": similar.find,
            "recent": recent.find, "outline": outline.find}
