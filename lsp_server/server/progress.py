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
        if token is None:
            token = await create_token(ls, "llama-lsp")
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


async def create_token(ls: LanguageServer, prefix: str) -> str | None:
    """A new server-initiated progress token, or None when the client cannot show one
    (no ``window.workDoneProgress``) or refused it: then only the results carry text."""
    if not _client_creates_progress(ls):
        return None
    token = f"{prefix}-{next(_tokens)}"
    try:
        await ls.work_done_progress.create_async(token)
    except Exception as exc:  # a refusal must not fail the work it would have shown
        log.info("work done progress not created: %s", exc)
        return None
    return token


def _client_creates_progress(ls: LanguageServer) -> bool:
    capabilities = ls.client_capabilities
    window = capabilities.window if capabilities else None
    return bool(window and window.work_done_progress)


class ScanProgress:
    """The start-up indexing scan as work-done progress: *begin* at the first call,
    *report* with a percentage as batches are written, *end* from ``finish``.

    Called from the index's writer thread; events go through a queue to one task on the
    event loop, which first creates the token (a request to the client) and then sends
    them in order. Reports that would not change the percentage are skipped."""

    def __init__(self, ls: LanguageServer, loop: asyncio.AbstractEventLoop) -> None:
        self.ls, self.loop = ls, loop
        self.token: types.ProgressToken = ""  # set once the client has accepted one
        self._queue: asyncio.Queue[tuple[int, int, str] | str] | None = None
        self._task: asyncio.Task[None] | None = None

    def __call__(self, done: int, total: int, message: str) -> None:
        self._put((done, total, message))

    def finish(self, message: str) -> None:
        self._put(message)

    def _put(self, event: tuple[int, int, str] | str) -> None:
        self.loop.call_soon_threadsafe(self._enqueue, event)

    def _enqueue(self, event: tuple[int, int, str] | str) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._task = self.loop.create_task(self._send())
        self._queue.put_nowait(event)

    async def _send(self) -> None:
        assert self._queue is not None
        token = await create_token(self.ls, "llama-lsp-index")
        if token is None:
            return
        self.token, progress, last = token, self.ls.work_done_progress, -1
        progress.begin(self.token, types.WorkDoneProgressBegin(
            title="Indexing the workspace", cancellable=False, percentage=0))
        while not isinstance(event := await self._queue.get(), str):
            done, total, message = event
            percentage = done * 100 // total if total else 0
            if percentage != last:
                last = percentage
                progress.report(self.token, types.WorkDoneProgressReport(
                    message=message, percentage=percentage))
        progress.end(self.token, types.WorkDoneProgressEnd(message=event))
