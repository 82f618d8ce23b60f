"""Markdown fences around the code: instruct models answer as if in a chat.

Asked to fill a hole, an instruct model often writes ```` ```python ```` first, the code,
a closing fence and a sentence about it. The opening fence line is dropped and the
completion ends at the next fence; the prose after it never reaches the editor.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.text import cut, line_offsets

FENCE = "```"


def opening_fence(text: str, *, final: bool) -> int | None:
    """Length of the leading fence line (0: none); None while the text could become one."""
    body = text.lstrip(" \t\r\n")
    skipped = len(text) - len(body)
    if body.startswith(FENCE):
        newline = body.find("\n")
        if newline >= 0:
            return skipped + newline + 1
        return len(text) if final else None
    if FENCE.startswith(body) and not final:
        return None
    return 0


def fence_end(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Where a closing fence line begins (its line break excluded)."""
    lines = text.split("\n")
    offsets = line_offsets(lines)
    for index, line in enumerate(lines):
        if line.lstrip().startswith(FENCE):
            return max(offsets[index] - 1, 0)
    return None


def strip_code_fences(completion: str, ctx: FilterContext) -> str | None:
    start = opening_fence(completion, final=True) or 0
    body = completion[start:]
    return cut(body, fence_end(body, ctx, final=True))
