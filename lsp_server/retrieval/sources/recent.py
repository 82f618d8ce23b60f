"""The code around the places the user edited or visited last, newest first.

Read from the index, which holds the unsaved text of open documents, so an edit made a
second ago in another tab is what the model sees. Places inside the local window are
skipped (the model sees them already).
"""

from __future__ import annotations

from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import SourceEnv

AROUND = 10  # lines shown on each side of a place


def find(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
    found: list[Snippet] = []
    for place in env.activity.recent():
        if len(found) >= env.limit:
            break
        first, last = max(0, place.line - AROUND), place.line + AROUND
        if query.in_window(place.path, first, last):
            continue
        for chunk in env.reader.chunks(place.path):
            if chunk.start_line <= place.line <= chunk.end_line or chunk.start_line > place.line:
                lines = chunk.text.split("\n")
                offset = max(first, chunk.start_line) - chunk.start_line
                body = "\n".join(lines[offset: offset + 2 * AROUND + 1])
                start = chunk.start_line + offset
                if body.strip():
                    found.append(Snippet(query.relative(place.path), start,
                                         start + body.count("\n"), body, "recent"))
                break
    return found
