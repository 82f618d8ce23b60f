"""Keep a multi-line completion inside the cursor's block.

Small models, instruct ones most of all, run on past the hole: the rest of the function,
the next function, a ``__main__`` block. The block ends at

- a line indented less than the block (``}``, ``else:``, the next ``def``), unless it
  only closes brackets the document leaves open, which the completion may then close;
- after a finished nested block (or anything, at top level), a blank line followed by a
  line back at the block's indentation: the next definition, not more of this one.

Unmatched closing brackets end it too; that rule is shared with balance_brackets.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.lexing import scan
from lsp_server.postprocessing.text import (
    CLOSING_LINE,
    before_line,
    cut,
    indent_width,
    line_offsets,
)


def _closes_open_block(text: str, line_end: int, ctx: FilterContext) -> bool:
    """Whether the line ending at ``line_end`` only closes brackets left open around."""
    found = scan(text[:line_end], ctx.dialect, ctx.opened.state)
    return bool(found.unmatched) and all(
        bare and ctx.may_close(index, closer)
        for index, (closer, _, bare) in enumerate(found.unmatched)
    )


def scope_end(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Index where ``text`` leaves the block, or None while it is still inside.

    While streaming (``final=False``) a line is judged once its indentation is known.
    """
    if not ctx.multiline:
        return None
    lines = text.split("\n")
    offsets = line_offsets(lines)
    block = ctx.block_indent
    deeper = blank = False
    for index, line in enumerate(lines[1:], start=1):
        complete = final or index < len(lines) - 1
        body = line.strip()
        if not body:
            blank = blank or complete
            continue
        width = indent_width(line)
        if width < block:
            if not CLOSING_LINE.fullmatch(body):
                return before_line(offsets, index)
            if not complete:
                return None  # "}" may yet turn out to be "} else {"
            end = offsets[index] + len(line)
            return end if _closes_open_block(text, end, ctx) else before_line(offsets, index)
        if blank and width == block and (block == 0 or deeper) and body[0] not in ")]}":
            return before_line(offsets, index)
        deeper = deeper or width > block
        blank = False
    return None


def limit_to_scope(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, scope_end(completion, ctx, final=True))
