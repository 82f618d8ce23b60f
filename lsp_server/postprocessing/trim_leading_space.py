"""Leading whitespace the editor already has: the cursor's indentation, a typed space.

On an indented empty line the model often indents its first line again (the ghost text
would start twice as deep) or starts with blank lines; after ``x = `` it may start with
another space. Both are dropped: what is left starts exactly at the cursor.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext


def leading_space(text: str, ctx: FilterContext) -> int:
    """How many leading characters of ``text`` repeat what the cursor's line has."""
    before = ctx.cursor.line_prefix
    start = 0
    if ctx.multiline and not before.strip():
        while (newline := text.find("\n", start)) >= 0 and not text[start:newline].strip():
            start = newline + 1
        if not before:
            return start
    elif not before or not before[-1].isspace():
        return 0
    rest = text[start:]
    return start + len(rest) - len(rest.lstrip(" \t"))


def trim_leading_space(completion: str, ctx: FilterContext) -> str | None:
    return completion[leading_space(completion, ctx) :]
