"""Bad model files give errors that name the path and the reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.errors import ModelInvalidError, ModelNotFoundError
from lsp_server.generation.gguf_file import read_gguf
from lsp_server.generation.llama_cpp import LlamaCppBackend


def test_reads_architecture_and_sizes(tiny_model: Callable[..., Path]) -> None:
    info = read_gguf(tiny_model("qwen"))
    assert info.architecture == "llama"
    assert info.arch_value("block_count") == 2
    assert info.arch_value("context_length") == 4096
    assert "<|fim_prefix|>" in info.tokens


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=str(tmp_path / "nope.gguf")):
        LlamaCppBackend(tmp_path / "nope.gguf", Settings())


def test_not_a_gguf(tmp_path: Path) -> None:
    bogus = tmp_path / "model.gguf"
    bogus.write_text("<html>rate limited</html>")
    with pytest.raises(ModelInvalidError, match="not a GGUF file") as err:
        LlamaCppBackend(bogus, Settings())
    assert str(bogus) in str(err.value)


@pytest.mark.parametrize("keep", [0.02, 0.5, 0.97])
def test_truncated_file(tiny_model: Callable[..., Path], tmp_path: Path, keep: float) -> None:
    data = tiny_model("codellama").read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ModelInvalidError, match="truncated") as err:
        LlamaCppBackend(cut, Settings())
    assert str(cut) in str(err.value)
