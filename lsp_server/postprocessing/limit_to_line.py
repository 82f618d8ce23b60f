"""Mid-line, a completion is the rest of the line and nothing more.

Where the cursor has code to its right, or sits after a complete expression, a block
cannot start: a second line would be the model running on. Whether the cursor's place
allows a block is ``FilterContext.multiline``.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.text import cut


def line_end(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    if ctx.multiline:
        return None
    newline = text.find("\n")
    return newline if newline >= 0 else None


def limit_to_line(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, line_end(completion, ctx, final=True))
