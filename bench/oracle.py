"""Oracle context for ``bench/quality.py``: the case's expected definition, as if found.

A dev case names the file that defines its cross-file identifier (``defined_in``,
``def_name``). These modes put that definition, rendered as the definitions source
renders it, into the prompt: ``oracle`` as the only repository context, ``full+oracle``
ranked first among everything ``full`` finds. They measure what better retrieval could
buy at most with a given model: if the model does not write a name whose definition it
is shown, no ranking of the sources will make it. Bench only: the editor never knows
the answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsp_server.indexing.reader import IndexReader
from lsp_server.prompting.context_pack import ContextRequest
from lsp_server.prompting.fim_request import LocalWindow, Retrieve
from lsp_server.retrieval.excerpts import definition, file_lines
from lsp_server.retrieval.snippet import Snippet

ORACLE_MODES = {"oracle": ["definitions"], "full+oracle":
                ["definitions", "similar", "recent", "outline"]}


def expected_definition(case: dict[str, Any], reader: IndexReader, root: Path) -> Snippet | None:
    """The definition of ``case``'s cross-file identifier in the file the case names."""
    path = (root / case["defined_in"]).resolve()
    symbol = next((s for s in reader.definitions(case["def_name"], limit=100)
                   if s.path == path), None)
    if symbol is None:
        return None
    text = definition(symbol, file_lines(reader.chunks(path)), reader.symbols(path))
    return Snippet(case["defined_in"], symbol.start_line, symbol.end_line, text, "oracle")


def with_oracle(retrieve: Retrieve, oracle: Snippet | None, only: bool) -> Retrieve:
    """``retrieve`` with ``oracle`` first (``only``: instead of what the sources found)."""
    def run(window: LocalWindow) -> ContextRequest | None:
        request = retrieve(window)
        if request is None:
            return None
        found = [] if only else [s for s in request.snippets
                                 if oracle is None or s.key != oracle.key]
        request.snippets = ([oracle] if oracle else []) + found
        return request
    return run
