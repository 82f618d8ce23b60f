"""Cut the local FIM window to exact token budgets, at line boundaries.

Counts come from the model's own tokenizer, so the window never overflows n_ctx. Whole
lines are kept (a half line of context confuses small models more than a missing one),
except the cursor's own lines, which are always kept in full.

The far edges of a large window snap to document lines that are multiples of
``ALIGN_LINES``: a few tokens typed near the cursor then leave the window's first line
where it was, and the next request shares the whole prompt up to the edit with the KV
cache. The price is up to ``ALIGN_LINES - 1`` lines of unused budget, so windows of
fewer than ``4 * ALIGN_LINES`` lines (cheap to re-evaluate anyway) are not snapped.
"""

from __future__ import annotations

from lsp_server.prompting.fim import Tokenizer, tokenize_continuation

ALIGN_LINES = 16


def fit_prefix(tokenizer: Tokenizer, prefix: str, budget: int) -> str:
    """The longest tail of ``prefix`` that fits ``budget`` tokens and starts on an aligned
    document line (or the whole prefix when it fits)."""
    return fit_prefix_anchored(tokenizer, prefix, budget, None)[0]


def fit_prefix_anchored(
    tokenizer: Tokenizer, prefix: str, budget: int, anchor: int | None
) -> tuple[str, int]:
    """Like fit_prefix, but keep starting at document line ``anchor`` (the previous
    request's start) while that window still fits and fills at least half the budget.

    This is the hysteresis that alignment alone cannot give: a fresh fit fills at most
    7/8 of the budget, and a kept start may grow into the rest, so the edits of a typing
    session do not move the start (which would invalidate the whole KV cache).
    Returns the window and its first line.
    """
    lines = prefix.split("\n")
    if anchor is not None and 0 < anchor < len(lines):
        window = "\n".join(lines[anchor:])
        if budget // 2 <= len(tokenizer.tokenize(window)) <= budget:
            return window, anchor
    if len(tokenizer.tokenize(prefix)) <= budget:
        return prefix, 0
    budget -= budget // 8  # room to grow before the start has to move
    current = lines.pop()  # the cursor's line is always kept
    kept = _fit_lines(tokenizer, list(reversed(lines)), budget, current, tail=True)
    start = len(lines) - len(kept)
    if len(kept) >= 4 * ALIGN_LINES:
        start = -(-start // ALIGN_LINES) * ALIGN_LINES
    return "\n".join([*lines[start:], current]), start


def fit_suffix(tokenizer: Tokenizer, suffix: str, budget: int, cursor_line: int = 0) -> str:
    """The longest head of ``suffix`` made of whole lines that fits ``budget`` tokens,
    ending on a document line (``cursor_line`` + kept lines) that is aligned."""
    if len(tokenize_continuation(tokenizer, suffix)) <= budget:
        return suffix
    lines = suffix.split("\n")
    current = lines.pop(0)
    kept = _fit_lines(tokenizer, lines, budget, current, tail=False)
    end = len(kept)
    if end >= 4 * ALIGN_LINES:
        end = (cursor_line + end) // ALIGN_LINES * ALIGN_LINES - cursor_line
    return "\n".join([current, *kept[:end]])


def _fit_lines(
    tokenizer: Tokenizer, lines: list[str], budget: int, current: str, *, tail: bool
) -> list[str]:
    """Binary search on how many lines (nearest the cursor first) still fit."""

    def fits(n: int) -> bool:
        chosen = lines[:n]
        text = "\n".join([*reversed(chosen), current] if tail else [current, *chosen])
        return len(tokenizer.tokenize(text)) <= budget

    low, high = 0, len(lines)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return lines[:low]
