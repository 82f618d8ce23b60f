"""A model stuck in a loop: the same line, or the same block of lines, again and again.

Greedy decoding with a small model falls into cycles (``x += 1`` five times, a test
case pasted twice). The first occurrence is kept; the completion ends where the block
starts over. Lines of brackets alone do not count as a repetition (``}`` / ``}``).
The first line is compared with the cursor's line in front of it: on an indented empty
line the model writes it unindented and every later copy indented.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.text import before_line, cut, has_word, line_offsets

MAX_BLOCK = 12  # longest repeated block looked for, in lines


def repetition_start(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Start of the first immediate repeat of a line or block, or None."""
    lines = [line.rstrip() for line in text.split("\n")]
    # The first line starts at the cursor; the indentation before it is the prefix's.
    lines[0] = ctx.cursor.line_prefix + lines[0]
    judged = len(lines) if final else len(lines) - 1
    for start in range(1, judged):
        for size in range(1, min(start, judged - start, MAX_BLOCK) + 1):
            block = lines[start - size : start]
            if lines[start : start + size] == block and any(map(has_word, block)):
                return before_line(line_offsets(text.split("\n")), start)
    return None


def drop_repetition(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, repetition_start(completion, ctx, final=True))
