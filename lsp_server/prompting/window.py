"""Cut the local FIM window to exact token budgets, at line boundaries.

Counts come from the model's own tokenizer, so the window never overflows n_ctx. Whole
lines are kept (a half line of context confuses small models more than a missing one),
except the cursor's own lines, which are always kept in full.
"""

from __future__ import annotations

from lsp_server.prompting.fim import Tokenizer, tokenize_continuation


def fit_prefix(tokenizer: Tokenizer, prefix: str, budget: int) -> str:
    """The longest tail of ``prefix`` made of whole lines that fits ``budget`` tokens."""
    if len(tokenizer.tokenize(prefix)) <= budget:
        return prefix
    lines = prefix.split("\n")
    current = lines.pop()  # the cursor's line is always kept
    kept = _fit_lines(tokenizer, list(reversed(lines)), budget, current, tail=True)
    return "\n".join([*reversed(kept), current])


def fit_suffix(tokenizer: Tokenizer, suffix: str, budget: int) -> str:
    """The longest head of ``suffix`` made of whole lines that fits ``budget`` tokens."""
    if len(tokenize_continuation(tokenizer, suffix)) <= budget:
        return suffix
    lines = suffix.split("\n")
    current = lines.pop(0)
    kept = _fit_lines(tokenizer, lines, budget, current, tail=False)
    return "\n".join([current, *kept])


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
