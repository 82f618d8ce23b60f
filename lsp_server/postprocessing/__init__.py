"""Post-processing: pure filters ``(completion, ctx) -> completion | None``, in order.

The order is declared once, here. A filter returning None drops the completion.
"""

from __future__ import annotations

from collections.abc import Callable

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.drop_blank import drop_blank
from lsp_server.postprocessing.limit_to_scope import limit_to_scope, scope_end
from lsp_server.postprocessing.stop_at_suffix import stop_at_suffix

Filter = Callable[[str, FilterContext], str | None]

FILTERS: tuple[Filter, ...] = (limit_to_scope, stop_at_suffix, drop_blank)


def postprocess(completion: str, ctx: FilterContext) -> str | None:
    current: str | None = completion
    for step in FILTERS:
        if current is None:
            return None
        current = step(current, ctx)
    return current


def early_stop(ctx: FilterContext) -> Callable[[str], int | None]:
    """The generation-time half of limit_to_scope: stop sampling once the scope is left."""
    return lambda text: scope_end(text, ctx, final=False)


__all__ = ["FILTERS", "FilterContext", "early_stop", "postprocess"]
