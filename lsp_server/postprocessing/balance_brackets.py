"""Brackets and quotes balanced against the suffix: nothing closed twice.

Editors auto-close: the cursor sits in ``print("█")``, and a model that writes
``Hello")`` would leave ``print("Hello")")``. A closing bracket of the completion that
does not close one of its own is kept only if it closes a bracket the document leaves
open (the suffix does not close it); otherwise the completion ends before it. In the
same way, inside a string the suffix closes, the completion ends before its own
closing quote, unless it goes on to open a string of that kind again and ends inside
it (``Failed to ' + name + '!`` in ``'█')``): the suffix's quote then closes that one.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.lexing import scan
from lsp_server.postprocessing.text import cut


def unbalanced_end(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Where the completion first closes something it should not, or None.

    While streaming, a closed string is not judged until a bracket ends the completion
    anyway: the model may yet re-open it (limit_to_line stops the line meanwhile).
    """
    found = scan(text, ctx.dialect, ctx.opened.state)
    end = None
    for index, (closer, at, bare) in enumerate(found.unmatched):
        if not (bare and ctx.may_close(index, closer)):
            end = at
            break
    if end is None and not final:
        return None
    reopened = end is None and found.state == ctx.in_line_literal
    if ctx.suffix_closes_literal and found.literal_end >= 0 and not reopened:
        return found.literal_end - len(ctx.in_line_literal)
    return end


def balance_brackets(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, unbalanced_end(completion, ctx, final=True))
