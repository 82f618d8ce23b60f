"""Family detection from GGUF metadata ids and token texts (families.toml is data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.generation.gguf_file import read_gguf
from lsp_server.prompting.families import detect_family, load_families, metadata_ids


def test_families_file_declares_every_family_in_detection_order() -> None:
    names = [family.name for family in load_families()]
    assert names == ["codegemma", "qwen2.5-coder", "starcoder", "deepseek-coder", "codellama",
                     "generic"]


def test_codellama_ids_come_from_metadata_and_agree_with_texts(
    tiny_model: Callable[..., Path],
) -> None:
    info = read_gguf(tiny_model("codellama"))
    spec = detect_family(info)
    assert spec is not None and spec.name == "codellama"
    declared = metadata_ids(info)
    for role in ("prefix", "suffix", "middle", "eot"):
        assert spec.ids[role] == declared[role]
    assert info.tokens[spec.ids["eot"]] == "▁<EOT>"
    assert spec.ids["eot"] in spec.stop_ids and spec.ids["eos"] in spec.stop_ids
    assert spec.add_bos


def test_qwen_detected_with_repo_level_tokens_and_stops(tiny_model: Callable[..., Path]) -> None:
    info = read_gguf(tiny_model("qwen"))
    spec = detect_family(info)
    assert spec is not None and spec.name == "qwen2.5-coder"
    tokens = info.tokens
    assert tokens[spec.ids["repo_name"]] == "<|repo_name|>"
    assert tokens[spec.ids["file_sep"]] == "<|file_sep|>"
    assert {tokens[i] for i in spec.stop_ids} >= {"<|endoftext|>", "<|fim_pad|>", "<|file_sep|>"}
    assert not spec.add_bos


def test_codegemma_is_not_mistaken_for_qwen(tiny_model: Callable[..., Path]) -> None:
    spec = detect_family(read_gguf(tiny_model("codegemma")))
    assert spec is not None and spec.name == "codegemma"
    assert "<|file_separator|>" in {read_gguf(tiny_model("codegemma")).tokens[i]
                                    for i in spec.stop_ids}


def test_model_without_fim_tokens_is_not_a_fim_model(tiny_model: Callable[..., Path]) -> None:
    assert detect_family(read_gguf(tiny_model("nofim"))) is None


@pytest.mark.model
def test_eval_model_is_qwen(eval_model: Path) -> None:
    spec = detect_family(read_gguf(eval_model))
    assert spec is not None and spec.name == "qwen2.5-coder"
    assert spec.ids["prefix"] == 151659 and spec.ids["middle"] == 151660
