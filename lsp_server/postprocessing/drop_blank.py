"""Nothing to show: whitespace-only completions and trailing blank lines."""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext


def drop_blank(completion: str, ctx: FilterContext) -> str | None:
    trimmed = completion.rstrip() if "\n" in completion else completion.rstrip("\r\n")
    return trimmed if trimmed.strip() else None
