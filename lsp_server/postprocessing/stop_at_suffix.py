"""Cut a completion where it starts repeating the text after the cursor.

FIM models often regenerate the suffix: the ``)`` or ``:`` the line already has, or the
lines below the cursor; accepted, it would be there twice. Mid-line the cut is at the
first place where the rest of the line appears with the completion's own brackets
balanced (``foo(x))`` before ``)`` keeps ``foo(x)``). Below the cursor a line equal to
the very next line, or to one of the next lines still in the cursor's block, ends the
completion; a line of brackets alone (``}``) only when it is the very next line and
everything before it is balanced, since ``}`` lines are common.
A completion whose first line is already the next line is a duplicate: it becomes empty.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.lexing import scan
from lsp_server.postprocessing.text import before_line, cut, has_word, line_offsets


def _balanced(text: str, ctx: FilterContext) -> bool:
    found = scan(text, ctx.dialect, ctx.opened.state)
    return not found.stack and not found.unmatched


def _rest_of_line_start(text: str, ctx: FilterContext) -> int | None:
    rest = ctx.cursor.line_suffix.strip()
    if not rest:
        return None
    first_line = text.split("\n", 1)[0]
    at = first_line.find(rest)
    while at >= 0:
        if _balanced(text[:at], ctx):
            return at
        at = first_line.find(rest, at + 1)
    return None


def pending_start(text: str, ctx: FilterContext) -> int | None:
    """While streaming: where the first line may be starting to repeat the rest of the
    line (it ends with only a part of it). No other cut is certain then: once the repeat
    is complete, the completion ends before it and the other cuts judge less text."""
    rest = ctx.cursor.line_suffix.strip()
    if not rest or "\n" in text:
        return None
    for size in range(len(rest) - 1, 0, -1):
        at = len(text) - size
        if at >= 0 and text.endswith(rest[:size]) and _balanced(text[:at], ctx):
            return at
    return None


def _repeats_below(line: str, before: str, ctx: FilterContext) -> bool:
    below = ctx.next_lines
    if not line.strip() or not below:
        return False
    if has_word(line):
        return line.rstrip() in ctx.next_lines_in_block
    return line.rstrip() == below[0] and _balanced(before, ctx)


def suffix_start(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Where the completion starts repeating the suffix, or None."""
    at = _rest_of_line_start(text, ctx)
    if at is not None:
        return at
    lines = text.split("\n")
    judged = lines if final else lines[:-1]
    offsets = line_offsets(lines)
    for index, line in enumerate(judged):
        if index == 0:
            line = ctx.cursor.line_prefix + line + ctx.cursor.line_suffix
        if _repeats_below(line, text[: offsets[index]], ctx):
            return before_line(offsets, index)
    return None


def stop_at_suffix(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, suffix_start(completion, ctx, final=True))
