"""Oracle context for ``bench/quality.py``: the case's expected name, as if found.

A dev case names the file that defines its cross-file identifier (``defined_in``,
``def_name``). ``oracle`` puts that definition, rendered as the definitions source
renders it, into the prompt as the only repository context; ``full+oracle`` ranks it
first among everything ``full`` finds. ``usage`` and ``full+usage`` do the same with a
use of the name instead: the place in another file that uses it most like the cursor's
last lines do. They measure what better retrieval could buy at most with a given model:
if the model does not write a name it is shown, no ranking of the sources will make it.
Bench only: the editor never knows the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, get_args

from lsp_server.config import ContextSource
from lsp_server.indexing.reader import IndexReader
from lsp_server.prompting.context_pack import ContextRequest
from lsp_server.prompting.fim_request import LocalWindow, Retrieve
from lsp_server.retrieval.excerpts import definition, file_lines
from lsp_server.retrieval.snippet import Snippet

FULL: list[str] = list(get_args(ContextSource))  # every source


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


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NOT_A_USE = re.compile(r"\s*(def|class|import|from)\b")
USAGE_ABOVE, USAGE_BELOW = 8, 3  # lines shown around the use
COMPARED_LINES = 4  # the cursor's last lines and the use's, compared


def expected_usage(case: dict[str, Any], root: Path) -> Snippet | None:
    """The place in another file that uses ``case``'s cross-file identifier most like the
    cursor's last lines do (identifier overlap), with the lines around it."""
    name = case["cross_file_identifier"]
    use = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    near = set(_WORD.findall("\n".join(case["prefix"].split("\n")[-COMPARED_LINES:])))
    best: tuple[float, str, int, list[str]] | None = None
    for relative, lines in _python_files(root):
        if relative == case["path"]:
            continue
        for i, line in enumerate(lines):
            if not use.search(line) or _NOT_A_USE.match(line):
                continue
            words = set(_WORD.findall("\n".join(lines[max(0, i - COMPARED_LINES + 1):i + 1])))
            score = len(words & near) / (len(words | near) or 1)
            if best is None or score > best[0]:
                best = (score, relative, i, lines)
    if best is None:
        return None
    _, relative, i, lines = best
    first, last = max(0, i - USAGE_ABOVE), min(len(lines) - 1, i + USAGE_BELOW)
    return Snippet(relative, first, last, "\n".join(lines[first:last + 1]), "oracle")


@cache
def _python_files(root: Path) -> tuple[tuple[str, list[str]], ...]:
    """The repository's Python files and their lines, read once for all its cases."""
    return tuple((path.relative_to(root).as_posix(),
                  path.read_text("utf-8", errors="replace").split("\n"))
                 for path in sorted(root.rglob("*.py")))


class Oracle(NamedTuple):
    """A mode: the sources that run, what the oracle adds, and whether only it is kept."""

    sources: list[str]
    find: Callable[[dict[str, Any], IndexReader, Path], Snippet | None]
    only: bool


def _usage(case: dict[str, Any], reader: IndexReader, root: Path) -> Snippet | None:
    return expected_usage(case, root)


# ``oracle`` and ``usage`` run a source only so that there is a context request to fill.
ORACLE_MODES = {"oracle": Oracle(["definitions"], expected_definition, only=True),
                "full+oracle": Oracle(FULL, expected_definition, only=False),
                "usage": Oracle(["definitions"], _usage, only=True),
                "full+usage": Oracle(FULL, _usage, only=False)}
