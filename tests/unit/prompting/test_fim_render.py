"""Exact FIM prompt token sequences per family, on the real llama.cpp tokenizer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.generation.llama_cpp import LlamaCppBackend
from lsp_server.prompting.families import detect_family
from lsp_server.prompting.fim import render_fim

# Prefix "a=0\nx=1", suffix "y\n". The cursor line's left part ("x=1") follows the
# middle token, so typing on a line only changes the prompt's tail (see fim.py); its
# last token ("1") is left out for the model to re-spell (token healing).
EXPECTED = {
    # Code Llama: BOS, "▁<PRE>", prefix with SentencePiece's dummy space ("▁a"),
    # "▁<SUF>", suffix WITHOUT a leading space ("y", not "▁y"), "▁<MID>".
    "codellama": ["<s>", "▁<PRE>", "▁a", "=", "0", "<0x0A>", "▁<SUF>", "y", "<0x0A>",
                  "▁<MID>", "x", "="],
    "qwen": ["<|fim_prefix|>", "a", "=", "0", "Ċ", "<|fim_suffix|>", "y", "Ċ",
             "<|fim_middle|>", "x", "="],
    "starcoder": ["<fim_prefix>", "a", "=", "0", "Ċ", "<fim_suffix>", "y", "Ċ", "<fim_middle>",
                  "x", "="],
    "deepseek": ["<｜begin▁of▁sentence｜>", "<｜fim▁begin｜>", "a", "=", "0", "Ċ",
                 "<｜fim▁hole｜>", "y", "Ċ", "<｜fim▁end｜>", "x", "="],
    "codegemma": ["<bos>", "<|fim_prefix|>", "a", "=", "0", "Ċ", "<|fim_suffix|>", "y", "Ċ",
                  "<|fim_middle|>", "x", "="],
}
FAMILY_NAMES = {"codellama": "codellama", "qwen": "qwen2.5-coder", "starcoder": "starcoder",
                "deepseek": "deepseek-coder", "codegemma": "codegemma"}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_prompt_tokens_are_exact(kind: str, tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model(kind), Settings(n_ctx=256))
    spec = detect_family(backend.info)
    assert spec is not None and spec.name == FAMILY_NAMES[kind]
    prompt = render_fim(spec, backend, "a=0\nx=1", "y\n")
    assert [backend.info.tokens[i] for i in prompt.ids] == EXPECTED[kind]
    assert prompt.heal == "1"
    backend.close()


def test_suffix_starting_with_newline_keeps_no_dummy_space(
    tiny_model: Callable[..., Path],
) -> None:
    backend = LlamaCppBackend(tiny_model("codellama"), Settings(n_ctx=256))
    spec = detect_family(backend.info)
    assert spec is not None
    ids = render_fim(spec, backend, "", "\n  z").ids
    texts = [backend.info.tokens[i] for i in ids]
    assert texts[:2] == ["<s>", "▁<PRE>"]
    assert texts[2:-1] == ["▁<SUF>", "<0x0A>", "▁▁", "z"]
    backend.close()


def test_control_token_text_in_user_code_is_not_parsed(tiny_model: Callable[..., Path]) -> None:
    backend = LlamaCppBackend(tiny_model("qwen"), Settings(n_ctx=256))
    spec = detect_family(backend.info)
    assert spec is not None
    ids = render_fim(spec, backend, "s = '<|fim_middle|>'\n", "").ids
    assert ids.count(spec.ids["middle"]) == 1  # only the one the template put there
    assert ids[-1] == spec.ids["middle"]
    backend.close()
