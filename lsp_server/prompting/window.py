"""Cut the local FIM window to exact token budgets, at line boundaries.

Counts come from the model's own tokenizer, so the window never overflows n_ctx. Whole
lines are kept (a half line of context confuses small models more than a missing one),
except the cursor's own lines, which are always kept in full.

The far edges of a large window snap to document lines that are multiples of
``ALIGN_LINES``: a few tokens typed near the cursor then leave the window's first line
where it was, and the next request shares the whole prompt up to the edit with the KV
cache. The price is up to ``ALIGN_LINES - 1`` lines of unused budget, so windows of
fewer than ``4 * ALIGN_LINES`` lines (cheap to re-evaluate anyway) are not snapped.

This runs on every keystroke, so it never tokenizes the whole document: only text within
``CHARS_PER_TOKEN`` characters per budget token of the cursor can be in the window, and
the number of lines that fit is estimated from cached per-line counts, then checked
exactly with a few tokenizations of window-sized text (a 3,500-line file: ~10 ms, not
~200 ms).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from weakref import WeakKeyDictionary, ref

from lsp_server.prompting.fim import Tokenizer, tokenize_continuation

ALIGN_LINES = 16
CHARS_PER_TOKEN = 48  # no window token is longer; text farther away cannot be in it


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
    reach = budget * CHARS_PER_TOKEN
    skipped = 0  # document lines before the reachable text
    if len(prefix) > reach:
        cut = prefix.find("\n", len(prefix) - reach) + 1  # 0: one huge line, kept whole
        skipped, prefix = prefix.count("\n", 0, cut), prefix[cut:]
    lines = prefix.split("\n")
    if anchor is not None and skipped < anchor < skipped + len(lines):
        window = "\n".join(lines[anchor - skipped :])
        if budget // 2 <= len(tokenizer.tokenize(window)) <= budget:
            return window, anchor
    if not skipped and len(tokenizer.tokenize(prefix)) <= budget:
        return prefix, 0
    budget -= budget // 8  # room to grow before the start has to move
    current = lines.pop()  # the cursor's line is always kept (whole, unless it alone is over)
    if len(tokenizer.tokenize(current)) > budget:
        return _fit_chars(tokenizer, current, budget, tail=True), skipped + len(lines)
    kept = _fit_lines(tokenizer, list(reversed(lines)), budget, current, tail=True)
    start = skipped + len(lines) - len(kept)
    if len(kept) >= 4 * ALIGN_LINES:
        start = -(-start // ALIGN_LINES) * ALIGN_LINES
    return "\n".join([*lines[start - skipped :], current]), start


def fit_suffix(tokenizer: Tokenizer, suffix: str, budget: int, cursor_line: int = 0) -> str:
    """The longest head of ``suffix`` made of whole lines that fits ``budget`` tokens,
    ending on a document line (``cursor_line`` + kept lines) that is aligned."""
    reach = budget * CHARS_PER_TOKEN
    if len(suffix) <= reach and len(tokenize_continuation(tokenizer, suffix)) <= budget:
        return suffix
    if len(suffix) > reach:  # whole lines only: up to the last newline within reach
        suffix = suffix[: suffix.rfind("\n", 0, reach) + 1 or reach]
    lines = suffix.split("\n")
    current = lines.pop(0)
    if len(tokenize_continuation(tokenizer, current)) > budget:
        return _fit_chars(tokenizer, current, budget, tail=False)
    kept = _fit_lines(tokenizer, lines, budget, current, tail=False)
    end = len(kept)
    if end >= 4 * ALIGN_LINES:
        end = (cursor_line + end) // ALIGN_LINES * ALIGN_LINES - cursor_line
    return "\n".join([current, *kept[:end]])


def _fit_lines(
    tokenizer: Tokenizer, lines: list[str], budget: int, current: str, *, tail: bool
) -> list[str]:
    """How many lines (nearest the cursor first) still fit, exactly: estimated from the
    lines' own token counts, then bracketed and bisected with exact counts."""

    def fits(n: int) -> bool:
        chosen = lines[:n]
        text = "\n".join([*reversed(chosen), current] if tail else [current, *chosen])
        return len(tokenizer.tokenize(text)) <= budget

    count = _line_counter(tokenizer)
    total, guess = count(current), 0
    while guess < len(lines) and total + count(lines[guess]) + 1 <= budget:
        total += count(lines[guess]) + 1
        guess += 1
    low, high = _bracket(fits, guess, len(lines))
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return lines[:low]


def _fit_chars(tokenizer: Tokenizer, line: str, budget: int, *, tail: bool) -> str:
    """The longest end (``tail``) or start of one over-long line (minified code, a data
    literal) that fits ``budget``: the only case where the window cuts a line."""
    low, high = 0, len(line)
    while low < high:
        mid = (low + high + 1) // 2
        piece = line[len(line) - mid:] if tail else line[:mid]
        if len(tokenizer.tokenize(piece)) <= budget:
            low = mid
        else:
            high = mid - 1
    return line[len(line) - low:] if tail else line[:low]


def _bracket(fits: Callable[[int], bool], guess: int, most: int) -> tuple[int, int]:
    """(low, high) with the answer between them, galloping out from ``guess``."""
    step = 1
    if fits(guess):
        low = guess
        while low < most:
            probe = min(low + step, most)
            if not fits(probe):
                return low, probe - 1
            low, step = probe, step * 2
        return low, low
    high = guess - 1
    while high > 0:
        probe = max(high - step, 0)
        if fits(probe):
            return probe, high
        high, step = probe - 1, step * 2
    return 0, 0


def _line_counter(tokenizer: Tokenizer) -> Callable[[str], int]:
    """Token counts of single lines, cached per tokenizer (lines recur between requests;
    the cache goes with the model)."""
    counter = _COUNTERS.get(tokenizer)
    if counter is None:
        alive = ref(tokenizer)  # the cache must not keep an unloaded model alive

        def count(line: str) -> int:
            owner = alive()
            assert owner is not None  # only called while the caller holds it
            return len(owner.tokenize(line))

        counter = lru_cache(maxsize=1 << 16)(count)
        _COUNTERS[tokenizer] = counter
    return counter


_COUNTERS: WeakKeyDictionary[Tokenizer, Callable[[str], int]] = WeakKeyDictionary()
