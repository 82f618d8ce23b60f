"""KV block shifting and cache warming on the real llama.cpp with tiny GGUF models.

Counts are exact. Output equality after a shift is checked on a one-layer model only: with
more layers the kept blocks' keys and values were computed while the dropped block was in
context, so their deeper layers legitimately differ from a cold evaluation (the same
approximation llama.cpp's server makes when it reuses cache chunks). With one layer the
cached keys depend on the token and its position only, and a shift is exact up to the f16
rounding of re-applying RoPE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

import llama_cpp
import numpy as np
import pytest

from lsp_server.config import Settings
from lsp_server.generation.backend import GenerationRequest, GenerationResult
from lsp_server.generation.llama_cpp import LlamaCppBackend
from tests.fixtures import tiny_models

Blocks = dict[str, list[int]]
TEXTS = {"A": "def alpha(x):\n    return x + 1\n", "B": "class Beta:\n    pass\n",
         "C": "GAMMA = [1, 2, 3]\n", "D": "delta = {'d': 4}\n",
         "T": "import os\n\ndef main():\n    return "}


def blocks(backend: LlamaCppBackend) -> Blocks:
    out = {name: backend.tokenize(text) for name, text in TEXTS.items()}
    out["H"] = [1, *backend.tokenize("# header\n")]
    return out


def request(parts: Blocks, names: str, max_tokens: int = 4) -> GenerationRequest:
    """The prompt of the named blocks; the last name is the tail."""
    ids = [t for name in names for t in parts[name]]
    segments = tuple(accumulate(len(parts[name]) for name in names[:-1]))
    return GenerationRequest(ids, max_tokens=max_tokens, segments=segments)


def length(parts: Blocks, names: str) -> int:
    return sum(len(parts[name]) for name in names)


def cache_is_consistent(backend: LlamaCppBackend, prompt: list[int]) -> bool:
    llm = backend.llm
    memory = llama_cpp.llama_get_memory(llm._ctx.ctx)
    last = llama_cpp.llama_memory_seq_pos_max(memory, 0)
    return bool(llm.input_ids[: len(prompt)].tolist() == prompt and last == llm.n_tokens - 1)


@pytest.fixture
def noise(tiny_model: Callable[..., Path]) -> Iterator[LlamaCppBackend]:
    backend = LlamaCppBackend(tiny_model("codellama"), Settings(n_ctx=512, n_batch=64))
    yield backend
    backend.close()


def test_dropped_middle_block_is_cut_and_the_rest_shifted(noise: LlamaCppBackend) -> None:
    assert noise.can_shift
    parts = blocks(noise)
    noise.generate(request(parts, "HABCT"))
    result = noise.generate(request(parts, "HACT"))
    tokens = result.tokens
    assert tokens.dropped == len(parts["B"])
    assert tokens.shifted == len(parts["C"]) + len(parts["T"]) - 1  # the tail moved too
    assert tokens.evaluated == 1  # only the last token, for its logits
    assert tokens.reused + tokens.evaluated == tokens.prompt == length(parts, "HACT")
    assert cache_is_consistent(noise, request(parts, "HACT").prompt_ids)


def test_edited_tail_after_a_drop_evaluates_only_the_edit(noise: LlamaCppBackend) -> None:
    parts = blocks(noise)
    noise.generate(request(parts, "HABCT"))
    parts["T"] = parts["T"][:-3] + noise.tokenize("path")
    tokens = noise.generate(request(parts, "HACT")).tokens
    kept_tail = len(parts["T"]) - len(noise.tokenize("path"))
    assert tokens.dropped == len(parts["B"])
    assert tokens.shifted == len(parts["C"]) + kept_tail
    assert tokens.evaluated == len(noise.tokenize("path"))


def test_new_block_after_a_drop_is_evaluated_and_the_kept_one_shifted(
    noise: LlamaCppBackend,
) -> None:
    parts = blocks(noise)
    noise.generate(request(parts, "HABCT"))
    tokens = noise.generate(request(parts, "HACDT")).tokens
    assert tokens.dropped == len(parts["B"]) and tokens.shifted == len(parts["C"])
    assert tokens.reused == length(parts, "HAC")
    assert tokens.evaluated == length(parts, "DT")
    assert cache_is_consistent(noise, request(parts, "HACDT").prompt_ids)


def test_quantized_keys_are_not_shifted(tiny_model: Callable[..., Path]) -> None:
    """Re-roping q8_0 keys loses precision (and crashed llama.cpp for head size 32)."""
    settings = Settings(n_ctx=512, n_batch=64, kv_cache_type="q8_0", flash_attn=True)
    backend = LlamaCppBackend(tiny_model("codellama"), settings)
    assert not backend.can_shift
    parts = blocks(backend)
    backend.generate(request(parts, "HABCT"))
    tokens = backend.generate(request(parts, "HACT")).tokens
    assert tokens.shifted == tokens.dropped == 0 and tokens.reused == length(parts, "HA")
    backend.close()


def logits(backend: LlamaCppBackend) -> np.ndarray[Any, np.dtype[np.float32]]:
    row = llama_cpp.llama_get_logits_ith(backend.llm._ctx.ctx, -1)
    return np.ctypeslib.as_array(row, shape=(backend.llm.n_vocab(),)).copy()


def test_shifted_cache_gives_what_a_cold_evaluation_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tiny_models, "N_LAYER", 1)  # see the module docstring
    path = tiny_models.write_tiny_model(tmp_path / "one-layer.gguf", "codellama")
    backend = LlamaCppBackend(path, Settings(n_ctx=512, n_batch=64))
    parts = blocks(backend)
    backend.generate(request(parts, "HABCT"))
    warm = backend.generate(request(parts, "HACT", max_tokens=0))
    assert warm.tokens.shifted > 0 and warm.tokens.evaluated == 1
    shifted_logits = logits(backend)
    shifted = backend.generate(request(parts, "HACT", max_tokens=12))
    backend.llm.n_tokens = 0  # a cleared cache: evaluate everything
    cold = backend.generate(request(parts, "HACT", max_tokens=0))
    assert cold.tokens.evaluated == length(parts, "HACT")
    np.testing.assert_allclose(shifted_logits, logits(backend), atol=0.02)
    again = backend.generate(request(parts, "HACT", max_tokens=12))
    assert shifted.generated_ids == again.generated_ids
    backend.close()


def test_warm_with_max_tokens_zero_then_the_request_reuses_it(noise: LlamaCppBackend) -> None:
    parts = blocks(noise)
    warm = noise.generate(request(parts, "HABCT", max_tokens=0))
    assert warm.tokens.generated == 0 and warm.text == "" and warm.stop_reason == "max_tokens"
    assert noise.llm.n_tokens == length(parts, "HABCT")
    parts["T"] = parts["T"] + noise.tokenize("x + 1")
    tokens = noise.generate(request(parts, "HABCT")).tokens
    assert tokens.reused == warm.tokens.prompt
    assert tokens.evaluated == len(noise.tokenize("x + 1"))


def test_cancelled_warm_keeps_the_chunks_it_evaluated(
    noise: LlamaCppBackend, monkeypatch: pytest.MonkeyPatch,
) -> None:
    parts = blocks(noise)
    parts["T"] = parts["T"] * 4  # longer than two n_batch chunks
    warm = request(parts, "HABCT", max_tokens=0)
    assert len(warm.prompt_ids) > 2 * noise.llm.n_batch
    evaluate = noise.llm.eval

    def eval_then_cancel(tokens: list[int]) -> None:
        evaluate(tokens)
        warm.cancel.set()  # lands between the first chunk and the second

    monkeypatch.setattr(noise.llm, "eval", eval_then_cancel)
    result: GenerationResult = noise.generate(warm)
    monkeypatch.undo()
    assert result.stop_reason == "cancelled" and noise.llm.n_tokens == noise.llm.n_batch
    tokens = noise.generate(request(parts, "HABCT")).tokens
    assert tokens.reused == noise.llm.n_batch
    assert tokens.evaluated == len(warm.prompt_ids) - noise.llm.n_batch


@pytest.mark.model
def test_qwen2_can_shift(eval_model: Path) -> None:
    backend = LlamaCppBackend(eval_model, Settings(n_ctx=512, n_batch=64))
    assert backend.info.metadata.get("general.architecture") == "qwen2" and backend.can_shift
    parts = blocks(backend)
    backend.generate(request(parts, "HABCT", max_tokens=2))
    tokens = backend.generate(request(parts, "HACT", max_tokens=2)).tokens
    assert tokens.dropped == len(parts["B"]) and tokens.evaluated == 1
    backend.close()
