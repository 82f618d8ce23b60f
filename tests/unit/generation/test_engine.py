"""The in-process llama.cpp backend on real (tiny) GGUF models: stops, streaming,
cancellation and KV prefix reuse."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.generation.backend import GenerationRequest
from lsp_server.generation.llama_cpp import LlamaCppBackend
from lsp_server.generation.worker import Engine


@pytest.fixture
def noise(tiny_model: Callable[..., Path]) -> Iterator[LlamaCppBackend]:
    backend = LlamaCppBackend(tiny_model("codellama"), Settings(n_ctx=512, n_batch=64))
    yield backend
    backend.close()


def prompt(backend: LlamaCppBackend, text: str) -> list[int]:
    return [1, *backend.tokenize(text)]


def test_stops_on_family_end_token(tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model("codellama", emit="▁<EOT>"), Settings(n_ctx=256))
    eot = backend.info.tokens.index("▁<EOT>")
    result = backend.generate(GenerationRequest(prompt(backend, "x"), stop_ids=frozenset({eot})))
    assert result.stop_reason == "eog" and result.text == "" and result.tokens.generated == 0
    backend.close()


def test_max_tokens_and_streaming_pieces_add_up(tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model("codellama", emit="a"), Settings(n_ctx=256))
    pieces: list[str] = []
    result = backend.generate(GenerationRequest(prompt(backend, "x"), max_tokens=7), pieces.append)
    assert result.text == "a" * 7 and pieces == ["a"] * 7
    assert result.stop_reason == "max_tokens" and result.tokens.generated == 7
    backend.close()


def test_stop_string_ends_generation_and_is_not_returned(noise: LlamaCppBackend) -> None:
    free = noise.generate(GenerationRequest(prompt(noise, "def f(x):"), max_tokens=24))
    assert len(free.text) >= 8, free.text
    stop = free.text[4:7]
    cut = free.text[: free.text.find(stop)]
    pieces: list[str] = []
    request = GenerationRequest(prompt(noise, "def f(x):"), max_tokens=24, stop_strings=(stop,))
    result = noise.generate(request, pieces.append)
    assert result.stop_reason == "stop_string"
    assert result.text == cut and "".join(pieces) == cut


def test_second_request_differing_at_the_end_evaluates_only_new_tokens(
    noise: LlamaCppBackend,
) -> None:
    base = prompt(noise, "import os\n\ndef main():\n    path = os.getcwd()\n    return ")
    first = noise.generate(GenerationRequest(base, max_tokens=4))
    assert first.tokens.reused == 0 and first.tokens.evaluated == len(base)
    edited = base[:-2] + noise.tokenize("path + x")
    second = noise.generate(GenerationRequest(edited, max_tokens=4))
    assert second.tokens.prompt == len(edited)
    assert second.tokens.reused == len(base) - 2
    assert second.tokens.evaluated == len(edited) - (len(base) - 2)
    same = noise.generate(GenerationRequest(edited, max_tokens=4))
    assert same.tokens.evaluated == 1  # the last token is re-evaluated for its logits
    assert same.text == second.text  # reuse does not change greedy output


def test_cancel_takes_effect_within_one_token(tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model("codellama", emit="a"), Settings(n_ctx=4096))
    engine = Engine(backend)
    handle = engine.submit(GenerationRequest(prompt(backend, "x"), max_tokens=3000))
    seen = 0
    for _piece in handle:
        seen += 1
        if seen == 3:
            handle.cancel()
    result = handle.result(timeout=30)
    assert result.stop_reason == "cancelled"
    assert result.tokens.generated <= 4 and seen <= 4
    engine.close()
    backend.close()


def test_cancelled_before_start_never_runs(tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model("codellama", emit="a"), Settings(n_ctx=256))
    engine = Engine(backend)
    gate = threading.Event()
    engine.call(lambda: gate.wait(0))  # the engine thread is alive and serving
    request = GenerationRequest(prompt(backend, "x"), max_tokens=5)
    request.cancel.set()
    result = engine.submit(request).result(timeout=30)
    assert result.stop_reason == "cancelled" and result.tokens.generated == 0
    engine.close()
    backend.close()


def test_generation_never_runs_past_the_context_window(tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model("codellama", emit="a"), Settings(n_ctx=256))
    ids = prompt(backend, "x" * 100)
    result = backend.generate(GenerationRequest(ids, max_tokens=1000))
    assert len(ids) + result.tokens.generated <= backend.n_ctx
    backend.close()


def test_healed_text_is_respelled_by_the_model_but_not_returned(
    tiny_model: Callable[..., Path],
) -> None:
    backend = LlamaCppBackend(tiny_model("codellama", emit="a"), Settings(n_ctx=256))
    request = GenerationRequest(prompt(backend, "x"), max_tokens=6, heal="  q")
    result = backend.generate(request)
    spelled = b"".join(backend.piece(t) for t in result.generated_ids)
    assert spelled.startswith(b"  q")  # constrained although the model prefers "a"
    assert result.text == spelled[3:].decode()
    assert len(result.text) >= 3 and set(result.text) == {"a"}
    backend.close()
