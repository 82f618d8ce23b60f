"""Shared fixtures: tiny real GGUF models (written once per session) and the eval model."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.tiny_models import write_tiny_model

EVAL_MODEL_DEFAULT = Path.home() / ".cache/eval-models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``tiny_model("codellama")`` -> path of a loadable GGUF; cached per (kind, emit)."""
    root = tmp_path_factory.mktemp("tiny-models")
    made: dict[tuple[str, str | None], Path] = {}

    def make(kind: str, emit: str | None = None) -> Path:
        key = (kind, emit)
        if key not in made:
            name = f"{kind}-{'noise' if emit is None else emit.encode().hex()}.gguf"
            made[key] = write_tiny_model(root / name, kind, emit=emit)
        return made[key]

    return make


@pytest.fixture(scope="session")
def eval_model() -> Path:
    """The real code model (Qwen2.5-Coder-0.5B-Instruct); tests using it are marked `model`."""
    path = Path(os.environ.get("LLAMA_LSP_EVAL_MODEL", EVAL_MODEL_DEFAULT))
    if not path.is_file():
        pytest.skip(f"eval model not found at {path} (run ../shared/tools/fetch-eval-model)")
    return path
