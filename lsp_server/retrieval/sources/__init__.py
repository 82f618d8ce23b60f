"""The context sources: each a function (query, env) -> snippets, best first.

Each one answers in a few milliseconds from the index's read API; ``gather`` runs them in
parallel within a time box and drops what arrives late. Adding a source is a module here
and a row in ``SOURCES`` (the ``context_sources`` setting names them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.records import Symbol
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

    def symbols(self, path: Path) -> list[Symbol]:
        """A file's definitions (an outline), read once per request."""
        if path not in self._symbols:
            self._symbols[path] = self.reader.symbols(path)
        return self._symbols[path]

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
