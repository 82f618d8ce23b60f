"""Never write the redaction marker: the model copied a value that the prompt hid.

Prompts show secret-looking values as ``<redacted>`` (safety/redact.py). A model that
completes ``"PASSWORD": `` under a redacted password copies the marker, and the editor
would insert it. The completion ends before the line where the marker starts; on its
first line, that drops it. A document that holds the marker itself is left alone (the
marker is then just text the model may repeat).
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.text import cut
from lsp_server.safety.redact import REDACTED


def redaction_start(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Start of the line where the marker begins (its newline excluded), or None. Fires
    while streaming too: any longer text still holds the marker."""
    at = text.find(REDACTED)
    if at < 0 or ctx.holds_marker:
        return None
    return max(text.rfind("\n", 0, at), 0)


def stop_at_redaction(completion: str, ctx: FilterContext) -> str | None:
    return cut(completion, redaction_start(completion, ctx, final=True))
