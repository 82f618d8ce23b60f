"""What explain and ask share: the model's chat format, the answer's room, streaming.

The chat format decodes the whole vocabulary (a few hundred ms for a 150k-token one), so
it is computed once per loaded model and kept as long as the model is.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsp_server.generation.backend import GenerationRequest, GenerationResult, Sampling
from lsp_server.prompting.chat import ChatFormat, chat_format

if TYPE_CHECKING:
    from lsp_server.config import Settings
    from lsp_server.generation.loader import LoadedModel

OnText = Callable[[str], None]

_FORMATS: weakref.WeakKeyDictionary[object, ChatFormat] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def format_for(model: LoadedModel) -> ChatFormat:
    """The model's chat format, read from its GGUF once."""
    with _LOCK:
        fmt = _FORMATS.get(model.backend)
        if fmt is None:
            fmt = _FORMATS[model.backend] = chat_format(model.info)
        return fmt


def prompt_room(n_ctx: int, max_tokens: int) -> tuple[int, int]:
    """(most prompt tokens, most answer tokens) for a context window: the answer gets what
    it asks for, but never more than half the window, so a small n_ctx still has room
    for the code being asked about."""
    answer = max(1, min(max_tokens, n_ctx // 2))
    return n_ctx - answer, answer


def stream_answer(
    model: LoadedModel, fmt: ChatFormat, settings: Settings, prompt_ids: list[int],
    max_tokens: int, on_text: OnText | None, cancel: threading.Event | None,
) -> GenerationResult:
    """Generate on the engine thread, handing each text piece to ``on_text`` in order.

    If ``on_text`` raises (e.g. the client went away) the generation is cancelled
    before the error propagates, so the engine is not left working for nobody.
    """
    request = GenerationRequest(
        prompt_ids=prompt_ids,
        max_tokens=max_tokens,
        stop_ids=fmt.stop_ids,
        stop_strings=fmt.stop_strings,
        sampling=Sampling(settings.temperature, settings.top_k, settings.top_p, settings.seed),
        cancel=cancel if cancel is not None else threading.Event(),
    )
    handle = model.engine.submit(request)
    try:
        for piece in handle:
            if on_text is not None:
                on_text(piece)
    except BaseException:
        handle.cancel()
        raise
    return handle.result()
