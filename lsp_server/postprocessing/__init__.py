"""Post-processing: pure filters ``(completion, ctx) -> completion | None``, in order.

The order is declared once, here. A filter returning None drops the completion.
Normalizing filters come first (what they drop is a leading part), then the cuts (each
keeps a leading part), then the ones that judge the result as a whole. The cuts also
run during generation (``early_stop``): once one of them fires, the completion is
certainly over and no more tokens are generated for it. A cut fires while streaming
only where it would fire on any longer text too, so stopping early never changes what
``postprocess`` returns.
"""

from __future__ import annotations

from collections.abc import Callable

from lsp_server.postprocessing.balance_brackets import balance_brackets, unbalanced_end
from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.drop_blank import drop_blank
from lsp_server.postprocessing.drop_repetition import drop_repetition, repetition_start
from lsp_server.postprocessing.keep_indentation_valid import keep_indentation_valid
from lsp_server.postprocessing.keep_parse_valid import keep_parse_valid
from lsp_server.postprocessing.limit_to_line import limit_to_line, line_end
from lsp_server.postprocessing.limit_to_scope import limit_to_scope, scope_end
from lsp_server.postprocessing.stop_at_redaction import redaction_start, stop_at_redaction
from lsp_server.postprocessing.stop_at_suffix import pending_start, stop_at_suffix, suffix_start
from lsp_server.postprocessing.strip_code_fences import (
    fence_end,
    opening_fence,
    strip_code_fences,
)
from lsp_server.postprocessing.trim_leading_space import leading_space, trim_leading_space

Filter = Callable[[str, FilterContext], str | None]
Cut = Callable[..., int | None]  # (text, ctx, *, final) -> length to keep, or None

FILTERS: tuple[Filter, ...] = (
    strip_code_fences,
    trim_leading_space,
    limit_to_line,
    limit_to_scope,
    stop_at_suffix,
    drop_repetition,
    stop_at_redaction,
    balance_brackets,
    keep_indentation_valid,
    keep_parse_valid,
    drop_blank,
)

# The streaming halves of the cutting filters, in the same order.
CUTS: tuple[Cut, ...] = (
    fence_end, line_end, scope_end, suffix_start, repetition_start, redaction_start,
    unbalanced_end,
)


def postprocess(completion: str, ctx: FilterContext, *, truncated: bool = False) -> str | None:
    """The filters in order. ``truncated``: generation stopped at ``max_tokens``, so the
    text's last line is cut off wherever the count ran out (``assert resu``); a text of
    several lines loses it, a single line is kept as far as it goes."""
    current: str | None = completion
    if truncated and "\n" in completion:
        current = completion[: completion.rindex("\n")]
    for step in FILTERS:
        if current is None:
            return None
        current = step(current, ctx)
    return current


def early_stop(ctx: FilterContext) -> Callable[[str], int | None]:
    """A stop check for generation: called with the text so far, it returns the length
    to keep once the filters would certainly cut there (None: go on). Cutting there
    changes nothing in what ``postprocess`` returns; it only saves the tokens."""

    def check(text: str) -> int | None:
        fence = opening_fence(text, final=False)
        if fence is None:
            return None
        start = fence + leading_space(text[fence:], ctx)
        body, final = text[start:], False
        if pending_start(body, ctx) is not None:
            return None  # the next token may complete a repeat of the rest of the line
        for cut in CUTS:
            end = cut(body, ctx, final=final)
            if end is not None:
                # Once one cut fired, the text is over: the later cuts judge it as
                # complete, exactly as postprocess runs them after that one.
                body, final = body[:end], True
        return start + len(body) if final else None

    return check


__all__ = ["CUTS", "FILTERS", "FilterContext", "early_stop", "postprocess"]
