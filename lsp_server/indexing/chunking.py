"""Chunk layout: which line ranges of a file become search chunks.

The chunk query marks candidates (functions, classes, impl blocks). Each candidate that
fits ``MAX_LINES`` becomes one chunk; a larger one is split at the candidates nested in
it (a class at its methods, the class header becoming its own chunk) or, when it has
none, into windows. Whatever lies between candidates (imports, constants, top-level
statements) is grouped into runs of up to ``GROUP_LINES``. So every non-blank line lands
in exactly one chunk, and a chunk is small enough to rank well and to fit a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_LINES = 80
GROUP_LINES = 60

Span = tuple[int, int]  # first and last line, 0-based, inclusive


@dataclass
class _Node:
    first: int
    last: int
    children: list[_Node] = field(default_factory=list)


def _forest(spans: list[Span]) -> list[_Node]:
    """Candidates nested by containment (sorted outermost first)."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for first, last in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        while stack and not (first >= stack[-1].first and last <= stack[-1].last):
            stack.pop()
        node = _Node(first, last)
        (stack[-1].children if stack else roots).append(node)
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
        for child in children:
            if child.last < cursor:
                continue  # shares a line with what came before; already covered
            group(cursor, child.first - 1)
            candidate(max(child.first, cursor), child.last, child.children)
            cursor = child.last + 1
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
