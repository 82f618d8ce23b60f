"""The code around the places the user edited or visited last, newest first.

Read from the index, which holds the unsaved text of open documents, so an edit made a
second ago in another tab is what the model sees. Places inside the local window are
skipped (the model sees them already).
"""

from __future__ import annotations

from pathlib import Path

from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import SourceEnv

AROUND = 10  # lines shown on each side of a place


def find(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
    found: list[Snippet] = []
    first_shown, last_shown = query.window
    for place in env.activity.recent():
        if len(found) >= env.limit:
            break
        current = place.path == query.path
        if current and first_shown - AROUND <= place.line <= last_shown + AROUND:
            continue  # the window shows it (and the index may hold its pre-edit text)
        snippet = _around(place.path, place.line, query, env)
        if snippet is not None and not query.in_window(place.path, snippet.start_line,
                                                       snippet.end_line):
            found.append(snippet)
    return found


def _around(path: Path, line: int, query: ContextQuery, env: SourceEnv) -> Snippet | None:
    """Up to AROUND lines on each side of ``line``, from the chunk that holds it (or the
    next one: a blank line between definitions belongs to none)."""
    for chunk in env.reader.chunks(path):
        if chunk.start_line <= line <= chunk.end_line or chunk.start_line > line:
            offset = max(line - AROUND, chunk.start_line) - chunk.start_line
            body = "\n".join(chunk.text.split("\n")[offset: offset + 2 * AROUND + 1])
            start = chunk.start_line + offset
            if not body.strip():
                return None
            return Snippet(query.relative(path), start, start + body.count("\n"), body,
                           "recent")
    return None
