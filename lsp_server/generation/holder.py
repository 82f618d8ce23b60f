"""Hold the daemon's one model: loaded in the background, swapped when settings change.

Loading a 7B model takes seconds, so the server answers ``initialize`` at once and the
first completions wait (up to their deadline) for the load. A failed load is kept as an
error: reported once to the user, then every completion answers empty without retrying
until the settings change.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from lsp_server.errors import LlamaLspError
from lsp_server.generation.loader import LoadedModel, load_model

if TYPE_CHECKING:
    from lsp_server.config import Settings

log = logging.getLogger(__name__)

# The settings that need a new model when they change.
LOAD_KEYS = ("model", "cache_dir", "n_ctx", "n_threads", "n_batch", "n_gpu_layers", "main_gpu",
             "tensor_split", "flash_attn", "kv_cache_type", "use_mmap", "use_mlock", "seed")


def load_key(settings: Settings) -> tuple[object, ...]:
    return tuple(repr(getattr(settings, key)) for key in LOAD_KEYS)


class ModelHolder:
    def __init__(self, on_error: Callable[[LlamaLspError], None]) -> None:
        self._on_error = on_error
        self._future: Future[LoadedModel] | None = None
        self._key: tuple[object, ...] | None = None
        self._lock = threading.Lock()

    def load(self, settings: Settings) -> None:
        """Start loading for these settings unless the same model is already there."""
        key = load_key(settings)
        with self._lock:
            if key == self._key:
                return
            old, self._key = self._future, key
            future: Future[LoadedModel] = Future()
            self._future = future
            future.set_running_or_notify_cancel()  # a waiter's timeout must not cancel it
        threading.Thread(target=self._load, args=(settings, future, old), daemon=True,
                         name="llama-lsp-load").start()

    def _load(self, settings: Settings, future: Future[LoadedModel],
              old: Future[LoadedModel] | None) -> None:
        if old is not None and old.done() and old.exception() is None:
            old.result().close()
        try:
            future.set_result(load_model(settings))
            log.info("model loaded: %s", future.result().path)
        except LlamaLspError as exc:
            future.set_exception(exc)
            self._on_error(exc)
        except Exception as exc:  # a bug or a llama.cpp surprise: still report, stay up
            log.exception("model load failed")
            error = LlamaLspError(f"loading the model failed: {exc}")
            future.set_exception(error)
            self._on_error(error)

    async def get(self, timeout: float) -> LoadedModel:
        """The loaded model; raises the load's LlamaLspError, or TimeoutError."""
        if self._future is None:
            raise LlamaLspError("no model has been configured yet")
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._future)), timeout)

    def loaded(self) -> LoadedModel | None:
        future = self._future
        if future is None or not future.done() or future.exception() is not None:
            return None
        return future.result()

    def close(self) -> None:
        model = self.loaded()
        if model is not None:
            model.close()
