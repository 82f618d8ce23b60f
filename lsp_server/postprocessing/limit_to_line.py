"""Mid-line, a completion is the rest of the line and nothing more.

Where the cursor has code to its right, or sits after a complete expression, a block
cannot start: a second line would be the model running on. Whether the cursor's place
allows a block is ``FilterContext.multiline``.

At the end of a line there is one exception: a bracket the completion opens carries the
statement on (``raise Redirect(`` with its arguments on the lines below, then ``)``), so
the completion ends at the first line break where its own brackets are all closed. Cut
at the first break, such a call stayed open and keep_parse_valid then dropped it whole.
A bracket still open after SPREAD_LINES lines, or never closed, gets the old cut.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.lexing import scan
from lsp_server.postprocessing.text import cut

SPREAD_LINES = 16  # a bracket still open after this many lines is the model running on


def line_end(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    if ctx.multiline:
        return None
    breaks = [at for at, char in enumerate(text) if char == "\n"]
    if not breaks or ctx.cursor.line_suffix.strip():
        return breaks[0] if breaks else None
    # Where the completion may end: a line break, or the text's end once it is final.
    ends = breaks[:SPREAD_LINES]
    if final and len(breaks) <= SPREAD_LINES:
        ends.append(len(text))
    for end in ends:
        if not _opens_brackets(text[:end], ctx):
            return end if end < len(text) else None
    if final or len(breaks) > SPREAD_LINES:
        return breaks[0]  # never closed, or the model runs on inside it: the line alone
    return None


def _opens_brackets(text: str, ctx: FilterContext) -> bool:
    """Whether ``text`` leaves brackets of its own open (in code, not in a string)."""
    return bool(scan(text, ctx.dialect, ctx.opened.state).stack)


def limit_to_line(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, line_end(completion, ctx, final=True))
