"""Nothing to show: whitespace-only completions, and trailing whitespace.

Earlier cuts often leave a completion ending in blank lines or spaces (a cut before the
next definition, before a repeated ``)``); shown as ghost text they would insert them.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext


def drop_blank(completion: str, ctx: FilterContext) -> str | None:
    trimmed = completion.rstrip()
    return trimmed if trimmed.strip() else None
