"""An n_ctx whose KV cache cannot fit is refused before llama.cpp allocates it, with the
n_ctx that would fit; the budget split gives repository context what n_ctx leaves."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.errors import ConfigError
from lsp_server.generation import memory
from lsp_server.generation.gguf_file import read_gguf
from lsp_server.generation.loader import load_model
from lsp_server.prompting.fim_request import TEMPLATE_TOKENS, budgets


def test_a_context_that_cannot_fit_is_refused_with_what_would(
        tiny_model: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tiny_model("qwen")
    info = read_gguf(path)
    per_token = memory.kv_bytes_per_token(info, "f16")
    room = path.stat().st_size + 1000 * per_token  # weights and a 1000-token cache
    monkeypatch.setattr(memory, "available_ram_bytes", lambda: room)
    with pytest.raises(ConfigError) as refused:
        load_model(Settings(n_ctx=4096), path)
    assert "n_ctx=4096" in str(refused.value) and "n_ctx=1000 would fit" in str(refused.value)
    model = load_model(Settings(n_ctx=512), path)  # fits: loads
    assert model.backend.n_ctx == 512
    model.close()


def test_past_the_trained_context_is_a_warning(
        tiny_model: Callable[..., Path], caplog: pytest.LogCaptureFixture) -> None:
    path = tiny_model("qwen")
    trained = int(read_gguf(path).arch_value("context_length"))
    with caplog.at_level(logging.WARNING, logger="lsp_server.generation.memory"):
        memory.check_fits(read_gguf(path), Settings(n_ctx=trained * 2))
    assert f"trained context of {trained}" in caplog.text


@pytest.mark.parametrize(("n_ctx", "context"), [(4096, 4096 - 128 - TEMPLATE_TOKENS - 2048),
                                                (131072, 100_000)])
def test_budget_split_gives_context_what_is_left(n_ctx: int, context: int) -> None:
    split = budgets(Settings(n_ctx=n_ctx, max_context_tokens=100_000), n_ctx)
    assert (split.prefix, split.suffix, split.context) == (1536, 512, context)
    assert split.prefix + split.suffix + split.context + 128 + TEMPLATE_TOKENS <= n_ctx


def test_a_small_context_scales_window_and_context_together() -> None:
    split = budgets(Settings(n_ctx=1024), 1024)  # wants 1536 + 512 + 2048 in 888
    assert split.prefix + split.suffix + split.context == 1024 - 128 - TEMPLATE_TOKENS
    assert split.prefix == 1536 * 888 // 4096 and split.suffix == 512 * 888 // 4096
