"""The current file beyond the local window: what encloses the cursor, and the file's
other top-level names, as signatures.

With a large file the local window starts inside a class or a long function; the
model then does not see ``class Parser(...)`` or the helpers defined far above. Their
signatures, indented by depth, restore that frame at a few tokens each.
"""

from __future__ import annotations

from lsp_server.indexing.records import Symbol
from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import SourceEnv

MAX_LINES = 40
MAX_WIDTH = 160
INDENT = "    "


def find(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
    first, last = query.window
    lines: list[str] = []
    for symbol in env.reader.symbols(query.path):
        if len(lines) >= MAX_LINES:
            break
        outside = symbol.start_line < first or symbol.start_line > last
        encloses = symbol.start_line < first and symbol.end_line >= query.line
        if outside and (encloses or not symbol.scope):
            lines.append(_head(symbol))
    if not lines:
        return []
    return [Snippet(query.relative(query.path), 0, 0, "\n".join(lines), "outline")]


def _head(symbol: Symbol) -> str:
    """The signature on one line (a multi-line parameter list joined), indented by depth."""
    depth = symbol.scope.count(".") + 1 if symbol.scope else 0
    text = " ".join(line.strip() for line in (symbol.signature or symbol.name).split("\n"))
    text = text.replace("( ", "(").replace(", )", ")").replace(",)", ")")
    return INDENT * depth + (text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 3] + "...")
