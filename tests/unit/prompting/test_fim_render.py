"""Exact FIM prompt token sequences per family, on the real llama.cpp tokenizer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.generation.llama_cpp import LlamaCppBackend
from lsp_server.prompting.families import detect_family
from lsp_server.prompting.fim import render_fim

EXPECTED = {
    # Code Llama: BOS, "▁<PRE>", prefix with SentencePiece's dummy space ("▁x"),
    # "▁<SUF>", suffix WITHOUT a leading space ("y", not "▁y"), "▁<MID>".
    "codellama": ["<s>", "▁<PRE>", "▁x", "=", "1", "▁<SUF>", "y", "<0x0A>", "▁<MID>"],
    "qwen": ["<|fim_prefix|>", "x", "=", "1", "<|fim_suffix|>", "y", "Ċ", "<|fim_middle|>"],
    "starcoder": ["<fim_prefix>", "x", "=", "1", "<fim_suffix>", "y", "Ċ", "<fim_middle>"],
    "deepseek": ["<｜begin▁of▁sentence｜>", "<｜fim▁begin｜>", "x", "=", "1", "<｜fim▁hole｜>",
                 "y", "Ċ", "<｜fim▁end｜>"],
    "codegemma": ["<bos>", "<|fim_prefix|>", "x", "=", "1", "<|fim_suffix|>", "y", "Ċ",
                  "<|fim_middle|>"],
}
FAMILY_NAMES = {"codellama": "codellama", "qwen": "qwen2.5-coder", "starcoder": "starcoder",
                "deepseek": "deepseek-coder", "codegemma": "codegemma"}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_prompt_tokens_are_exact(kind: str, tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model(kind), Settings(n_ctx=256))
    spec = detect_family(backend.info)
    assert spec is not None and spec.name == FAMILY_NAMES[kind]
    ids = render_fim(spec, backend, "x=1", "y\n")
    assert [backend.info.tokens[i] for i in ids] == EXPECTED[kind]
    backend.close()


def test_suffix_starting_with_newline_keeps_no_dummy_space(
    tiny_model: Callable[..., Path],
) -> None:
    backend = LlamaCppBackend(tiny_model("codellama"), Settings(n_ctx=256))
    spec = detect_family(backend.info)
    assert spec is not None
    ids = render_fim(spec, backend, "", "\n  z")
    texts = [backend.info.tokens[i] for i in ids]
    assert texts[:2] == ["<s>", "▁<PRE>"]
    assert texts[2:-1] == ["▁<SUF>", "<0x0A>", "▁▁", "z"]
    backend.close()


def test_control_token_text_in_user_code_is_not_parsed(tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model("qwen"), Settings(n_ctx=256))
    spec = detect_family(backend.info)
    assert spec is not None
    ids = render_fim(spec, backend, "s = '<|fim_middle|>'", "")
    assert ids.count(spec.ids["middle"]) == 1  # only the one the template put there
    assert ids[-1] == spec.ids["middle"]
    backend.close()
