"""One worker thread owns the model; callers get a handle that streams and cancels.

llama.cpp contexts are not thread-safe and a prompt evaluation can take seconds, so the
LSP event loop must never call into the model itself: it submits a request here and
either iterates the handle's text pieces or waits for its result with a timeout.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import TypeVar

from lsp_server.generation.backend import (
    Backend,
    GenerationRequest,
    GenerationResult,
    TokenReport,
)

T = TypeVar("T")
_DONE = object()


class GenerationHandle:
    """A submitted request: iterate for text pieces, ``result()`` for the report."""

    def __init__(self, request: GenerationRequest) -> None:
        self.request = request
        self._pieces: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._done = threading.Event()
        self._result: GenerationResult | None = None
        self._error: BaseException | None = None
        # Resolved when generation ends: asyncio code awaits asyncio.wrap_future(future).
        self.future: Future[GenerationResult] = Future()
        # Running from the start: an awaiting task that is cancelled must not cancel it
        # (use cancel() for that), or the engine thread could not deliver the result.
        self.future.set_running_or_notify_cancel()

    def cancel(self) -> None:
        """Takes effect before the next generated token (or the next prompt batch)."""
        self.request.cancel.set()

    @property
    def cancelled(self) -> bool:
        return self.request.cancel.is_set()

    def __iter__(self) -> Iterator[str]:
        while True:
            item = self._pieces.get()
            if item is _DONE:
                break
            assert isinstance(item, str)
            yield item
        if self._error is not None:
            raise self._error

    def result(self, timeout: float | None = None) -> GenerationResult:
        if not self._done.wait(timeout):
            raise TimeoutError("generation did not finish in time")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def _run(self, backend: Backend) -> None:
        try:
            self._result = backend.generate(self.request, self._pieces.put)
        except BaseException as exc:  # handed to the waiting caller, never lost
            self._error = exc
        finally:
            self._finish()

    def _finish(self) -> None:
        self._done.set()
        self._pieces.put(_DONE)
        if self._error is not None:
            self.future.set_exception(self._error)
        else:
            assert self._result is not None
            self.future.set_result(self._result)


class Engine:
    """Serialises all model work on one daemon thread."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="llama-lsp-engine", daemon=True)
        self._thread.start()

    def submit(self, request: GenerationRequest) -> GenerationHandle:
        handle = GenerationHandle(request)
        self._jobs.put(lambda: self._start(handle))
        return handle

    def call(self, fn: Callable[[], T], timeout: float | None = None) -> T:
        """Run ``fn`` on the engine thread (e.g. tokenizing while no request runs)."""
        box: queue.SimpleQueue[tuple[bool, object]] = queue.SimpleQueue()

        def job() -> None:
            try:
                box.put((True, fn()))
            except BaseException as exc:
                box.put((False, exc))

        self._jobs.put(job)
        ok, value = box.get(timeout=timeout)
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]

    def _start(self, handle: GenerationHandle) -> None:
        if handle.cancelled:  # superseded while it waited in the queue
            report = TokenReport(prompt=len(handle.request.prompt_ids))
            handle._result = GenerationResult("", "cancelled", report)
            handle._finish()
            return
        handle._run(self.backend)

    @property
    def pending(self) -> int:
        """Jobs queued behind the running one (for stats and tests of backpressure)."""
        return self._jobs.qsize()

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()

