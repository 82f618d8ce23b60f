"""Nothing to show: whitespace-only completions, and trailing whitespace.

Earlier cuts often leave a completion ending in blank lines or spaces (a cut before the
next definition, before a repeated ``)``); shown as ghost text they would insert them.
Inside a string literal the suffix closes (``"Invalid field: █"``), trailing spaces are
part of the text and stay.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.lexing import scan


def _ends_in_open_literal(completion: str, ctx: FilterContext) -> bool:
    literal = ctx.in_line_literal
    return bool(literal) and scan(completion, ctx.dialect, ctx.opened.state).state == literal


def drop_blank(completion: str, ctx: FilterContext) -> str | None:
    if not completion.strip():
        return None
    return completion if _ends_in_open_literal(completion, ctx) else completion.rstrip()
