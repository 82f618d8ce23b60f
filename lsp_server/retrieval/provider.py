"""The retrieval stage as the pipeline calls it: one ``Retrieve`` callback per cursor.

It knows the session's index (None until the first scan is done: completions then use
the local window only), the workspace folders, the user's recent activity, and, per
loaded model, the order of the context blocks in its KV cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsp_server.documents.cursor import Cursor
from lsp_server.indexing.reader import IndexReader
from lsp_server.prompting.context_pack import ContextOrder, ContextRequest
from lsp_server.prompting.fim_request import LocalWindow, Retrieve
from lsp_server.retrieval.activity import Activity
from lsp_server.retrieval.gather import gather
from lsp_server.retrieval.names import near_names
from lsp_server.retrieval.repository import repository_name
from lsp_server.retrieval.snippet import ContextQuery
from lsp_server.retrieval.sources import SourceEnv

if TYPE_CHECKING:
    from lsp_server.config import Settings


class ContextProvider:
    def __init__(self, reader: Callable[[], IndexReader | None],
                 roots: Callable[[], list[Path]], activity: Activity | None = None) -> None:
        self.reader, self.roots = reader, roots
        self.activity = activity or Activity()
        self._orders: dict[int, tuple[object, ContextOrder]] = {}

    def order(self, model: object) -> ContextOrder:
        """The block order of ``model``'s KV cache (a new model starts empty)."""
        entry = self._orders.get(id(model))
        if entry is None or entry[0] is not model:
            self._orders = {id(model): (model, ContextOrder())}  # one model at a time
            entry = self._orders[id(model)]
        return entry[1]

    def retrieve(self, path: Path | None, cursor: Cursor, language: str, settings: Settings,
                 model: object, *, invoked: bool) -> Retrieve | None:
        """The callback for this cursor, or None when there is no context to be had.
        ``invoked``: the user asked and waits (not a keystroke), so new context is used at
        once and the sources get the longer time box."""
        reader = self.reader()
        if reader is None or path is None or not settings.context_sources:
            return None
        root = self._root_of(path)
        order = self.order(model)
        timeout_ms = settings.context_timeout_ms if not invoked else max(
            settings.context_timeout_ms, settings.context_invoked_timeout_ms)

        def run(window: LocalWindow) -> ContextRequest:
            query = ContextQuery(path, root, language, cursor.prefix, cursor.suffix,
                                 cursor.line, (window.first_line, window.last_line),
                                 near_names(cursor.prefix, cursor.suffix))
            env = SourceEnv(reader, self.activity)
            found = gather(query, env, list(settings.context_sources),
                           timeout_ms, window.prefix + window.suffix)
            report: dict[str, Any] = {"sourceMs": found.ms, "late": found.late,
                                      "failed": found.failed, "found": len(found.snippets)}
            return ContextRequest(found.snippets, repository_name(root), query.relative(path),
                                  order, invoked, report)

        return run

    def _root_of(self, path: Path) -> Path:
        """The innermost workspace folder holding ``path`` (its own folder otherwise)."""
        return folder_holding(path, self.roots()) or path.parent


def folder_holding(path: Path, folders: Sequence[Path]) -> Path | None:
    """The innermost of ``folders`` (resolved here) holding ``path`` (a resolved path)."""
    return innermost(path, _resolved(tuple(folders)))


def innermost(path: Path, folders: Iterable[Path]) -> Path | None:
    """The innermost of ``folders`` holding ``path``, compared as written."""
    holders = [folder for folder in folders if path.is_relative_to(folder)]
    return max(holders, key=lambda folder: len(folder.parts)) if holders else None


@lru_cache(maxsize=8)
def _resolved(roots: tuple[Path, ...]) -> tuple[Path, ...]:
    """The folders as the index names them (resolved), once per set of folders."""
    return tuple(root.resolve() for root in roots)
