"""Brackets and quotes balanced against the suffix: nothing closed twice.

Editors auto-close: the cursor sits in ``print("█")``, and a model that writes
``Hello")`` would leave ``print("Hello")")``. A closing bracket of the completion that
does not close one of its own is kept only if it closes a bracket the document leaves
open (the suffix does not close it); otherwise the completion ends before it. In the
same way, inside a string the suffix closes, the completion ends before its own
closing quote.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.lexing import scan
from lsp_server.postprocessing.text import cut


def unbalanced_end(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Where the completion first closes something it should not, or None."""
    found = scan(text, ctx.dialect, ctx.opened.state)
    ends: list[int] = []
    if ctx.suffix_closes_literal and found.literal_end >= 0:
        ends.append(found.literal_end - len(ctx.in_line_literal))
    for index, (closer, at, bare) in enumerate(found.unmatched):
        if not (bare and ctx.may_close(index, closer)):
            ends.append(at)
            break
    return min(ends, default=None)


def balance_brackets(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, unbalanced_end(completion, ctx, final=True))
