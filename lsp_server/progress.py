"""Stream text made on a worker thread to the editor as ``$/progress`` reports, in order.

Explanations and answers are generated off the event loop; each piece is handed to the
loop with ``call_soon_threadsafe`` (FIFO), so reports arrive in generation order and
all of them before the command's response, which completes through the same queue.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)
_tokens = itertools.count(1)


class TextProgress:
    """A work-done progress whose reports carry the new text (``message``)."""

    def __init__(self, ls: LanguageServer, token: types.ProgressToken | None) -> None:
        self.ls, self.token = ls, token
        self.loop = asyncio.get_running_loop()

    @classmethod
    async def open(cls, ls: LanguageServer, token: types.ProgressToken | None,
                   title: str) -> TextProgress:
        """Use the client's token, or create one when the client supports server-initiated
        progress; without either the text is only in the command's result."""
        if token is None and _client_creates_progress(ls):
            token = f"llama-lsp-{next(_tokens)}"
            try:
                await ls.work_done_progress.create_async(token)
            except Exception as exc:  # the client refused: stream nothing, still answer
                log.info("work done progress not created: %s", exc)
                token = None
        progress = cls(ls, token)
        if token is not None:
            ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                title=title, cancellable=False))
        return progress

    def piece(self, text: str) -> None:
        """Called from the generating thread for each new piece of text."""
        if self.token is not None and text:
            report = types.WorkDoneProgressReport(message=text)
            self.loop.call_soon_threadsafe(self.ls.work_done_progress.report, self.token, report)

    def end(self, message: str) -> None:
        if self.token is not None:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))


def _client_creates_progress(ls: LanguageServer) -> bool:
    capabilities = ls.client_capabilities
    window = capabilities.window if capabilities else None
    return bool(window and window.work_done_progress)
