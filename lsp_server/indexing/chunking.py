"""Chunk layout: which line ranges of a file become search chunks.

The chunk query marks candidates (functions, classes, impl blocks). Each candidate that
fits ``MAX_LINES`` becomes one chunk; a larger one is split at the candidates nested in
it (a class at its methods, the class header becoming its own chunk) or, when it has
none, into windows. Whatever lies between candidates (imports, constants, top-level
statements) is grouped into runs of up to ``GROUP_LINES``. So every non-blank line lands
in exactly one chunk, and a chunk is small enough to rank well and to fit a prompt.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from lsp_server.indexing.tokens import name_terms

if TYPE_CHECKING:
    from lsp_server.indexing.extract import SymbolRow

MAX_LINES = 80
GROUP_LINES = 60

Span = tuple[int, int]  # first and last line, 0-based, inclusive
ChunkRow = tuple[str, str, int, int, str, str]  # kind, name, first, last line, text, terms


# A candidate and the candidates nested in it: (first, last, children). A plain tuple:
# one is made per function and class of every file, and a class instance costs more.
_Node = tuple[int, int, list["_Node"]]


def _forest(spans: list[Span]) -> list[_Node]:
    """Candidates nested by containment (sorted outermost first)."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for first, last in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        while stack and not (first >= stack[-1][0] and last <= stack[-1][1]):
            stack.pop()
        node: _Node = (first, last, [])
        (stack[-1][2] if stack else roots).append(node)
        stack.append(node)
    return roots


def layout(spans: list[Span], lines: list[str]) -> list[tuple[int, int, bool]]:
    """``(first, last, is_candidate)`` for every chunk of a file, in order."""
    out: list[tuple[int, int, bool]] = []

    def group(first: int, last: int) -> None:
        while first <= last and not lines[first].strip():
            first += 1
        while last >= first and not lines[last].strip():
            last -= 1
        for start in range(first, last + 1, GROUP_LINES):
            out.append((start, min(start + GROUP_LINES - 1, last), False))

    def region(first: int, last: int, children: list[_Node]) -> None:
        cursor = first
        for child_first, child_last, grandchildren in children:
            if child_last < cursor:
                continue  # shares a line with what came before; already covered
            group(cursor, child_first - 1)
            candidate(max(child_first, cursor), child_last, grandchildren)
            cursor = child_last + 1
        group(cursor, last)

    def candidate(first: int, last: int, children: list[_Node]) -> None:
        if last - first < MAX_LINES:
            out.append((first, last, True))
        elif children:
            region(first, last, children)
        else:
            for start in range(first, last + 1, MAX_LINES):
                out.append((start, min(start + MAX_LINES - 1, last), True))

    region(0, len(lines) - 1, _forest(spans))
    return out


def chunk_rows(spans: list[Span], lines: list[str],
               symbols: list[SymbolRow]) -> list[ChunkRow]:
    """Chunk rows named after the outermost definition that starts inside them.

    Their search terms are the camelCase parts of the names they define (finding those
    in the whole text costs a sixth of a cold index; the query side splits its own).
    """
    starts = [row[5] for row in symbols]
    rows: list[ChunkRow] = []
    for first, last, is_candidate in layout(spans, lines):
        kind, name = "statements", ""
        i = bisect_left(starts, first)
        if is_candidate and i < len(symbols) and starts[i] <= last:
            kind, scope, name = symbols[i][1], symbols[i][2], symbols[i][0]
            name = f"{scope}.{name}" if scope else name
        j = bisect_right(starts, last, lo=i)
        text = "\n".join(lines[first:last + 1])
        rows.append((kind, name, first, last, text, name_terms(row[0] for row in symbols[i:j])))
    return rows
