"""Code elsewhere that looks like the code at the cursor (BM25 over the index's chunks).

The query is the few lines around the cursor: similar code (another handler, the test
of a sibling function) shows the names and the shape the next line is likely to take.
A long chunk is cut to its best-matching lines, so one large class never fills the
budget; chunks in the local window are left out (the model sees them already), and so
is code in other languages (in a polyglot repository the Rust or Java twin of a TS
function would fill the context with syntax the line cannot use).
"""

from __future__ import annotations

from lsp_server.indexing.tokens import query_terms
from lsp_server.languages import family
from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import SourceEnv

QUERY_LINES_ABOVE = 10
QUERY_LINES_BELOW = 3
MAX_LINES = 30


def find(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
    above = query.prefix[-3000:].split("\n")[-QUERY_LINES_ABOVE:]
    below = query.suffix[:1000].split("\n")[:QUERY_LINES_BELOW]
    text = "\n".join([*above, *below])
    terms = set(query_terms(text))
    found: list[Snippet] = []
    for hit in env.reader.search(text, k=env.limit * 2, languages=family(query.language)):
        if len(found) >= env.limit:
            break
        start, body = best_lines(hit.text, terms, MAX_LINES)
        first = hit.start_line + start
        last = first + body.count("\n")
        if body.strip() and not query.in_window(hit.path, first, last):
            found.append(Snippet(query.relative(hit.path), first, last, body, "similar"))
    return found


def best_lines(text: str, terms: set[str], most: int) -> tuple[int, str]:
    """The ``most`` consecutive lines of ``text`` that hold the most query terms."""
    lines = text.split("\n")
    if len(lines) <= most:
        return 0, text
    hits = [len(terms.intersection(query_terms(line))) for line in lines]
    window = sum(hits[:most])
    best, best_start = window, 0
    for start in range(1, len(lines) - most + 1):
        window += hits[start + most - 1] - hits[start - 1]
        if window > best:
            best, best_start = window, start
    return best_start, "\n".join(lines[best_start: best_start + most])
