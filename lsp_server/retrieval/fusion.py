"""One ranking from several: reciprocal rank fusion, overlaps and repeats removed.

RRF (Cormack, Clarke & Büttcher, SIGIR 2009) needs no score calibration between sources
whose scores mean different things (BM25, import distance, recency): a snippet scores
the sum of ``weight / (K + rank)`` over the sources that found it. Then, best first, a
snippet is dropped when it mostly overlaps a better one of the same file or mostly
repeats lines the local window already shows.
"""

from __future__ import annotations

from collections.abc import Mapping

from lsp_server.retrieval.snippet import Snippet

K = 60
REPEAT_SHARE = 0.6  # a snippet whose lines are this much in the local window adds nothing
# The outline (the file's repository imports, the signatures around the cursor) is small
# and stays the same from keystroke to keystroke: ranked with the best so that it is
# never the block the budget leaves out.
WEIGHTS = {"definitions": 1.0, "similar": 1.0, "recent": 0.6, "outline": 1.0}


def fuse(ranked: Mapping[str, list[Snippet]], local_window: str) -> list[Snippet]:
    scores: dict[str, float] = {}
    snippets: dict[str, Snippet] = {}
    for source, found in ranked.items():
        weight = WEIGHTS.get(source, 0.5)
        for rank, snippet in enumerate(found):
            key = snippet.key
            scores[key] = scores.get(key, 0.0) + weight / (K + rank + 1)
            snippets.setdefault(key, snippet)
    window_lines = _lines(local_window)
    kept: list[Snippet] = []
    for key in sorted(scores, key=lambda k: -scores[k]):
        snippet = snippets[key]
        if any(_overlap(snippet, other) for other in kept):
            continue
        if repeats(snippet.text, window_lines):
            continue
        kept.append(snippet)
    return kept


def repeats(text: str, window_lines: set[str]) -> bool:
    """Most of ``text``'s non-blank lines are in the local window already."""
    lines = _lines(text)
    return bool(lines) and len(lines & window_lines) >= REPEAT_SHARE * len(lines)


def _overlap(a: Snippet, b: Snippet) -> bool:
    if a.path != b.path or a.source == "outline" or b.source == "outline":
        return False
    shared = min(a.end_line, b.end_line) - max(a.start_line, b.start_line) + 1
    return shared * 2 > min(a.lines, b.lines)


def _lines(text: str) -> set[str]:
    return {stripped for line in text.split("\n") if len(stripped := line.strip()) > 3}
