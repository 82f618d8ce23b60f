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
    first = text.find("\n")
    if first < 0 or ctx.cursor.line_suffix.strip():
        return first if first >= 0 else None
    newline, lines = first, 1
    while _opens_brackets(text[:newline], ctx):
        newline = text.find("\n", newline + 1)
        lines += 1
        if newline < 0:  # the text's end is a line end too once it is final
            if not final or not _opens_brackets(text, ctx):
                return None
            return first  # never closed: the line alone, as before
        if lines > SPREAD_LINES:
            return first  # the model is running on inside the bracket
    return newline


def _opens_brackets(text: str, ctx: FilterContext) -> bool:
    """Whether ``text`` leaves brackets of its own open (in code, not in a string)."""
    return bool(scan(text, ctx.dialect, ctx.opened.state).stack)


def limit_to_line(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, line_end(completion, ctx, final=True))
