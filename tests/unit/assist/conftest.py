"""Loaded tiny models for the assist tests, with and without a chat template."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.generation.loader import LoadedModel, load_model
from tests.unit.assist.chat_models import CHATML, with_chat_template


@pytest.fixture(scope="session")
def chat_model_path(
    tiny_model: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The tiny Qwen-vocab model that always says "a", with a ChatML template."""
    target = tmp_path_factory.mktemp("chat-models") / "qwen-chatml.gguf"
    return with_chat_template(tiny_model("qwen", emit="a"), target, CHATML)


@pytest.fixture
def load() -> Iterator[Callable[..., LoadedModel]]:
    """``load(path, **settings)`` -> a loaded model, closed after the test."""
    loaded: list[LoadedModel] = []

    def make(path: Path, **settings: object) -> LoadedModel:
        model = load_model(Settings.model_validate(settings), path)
        loaded.append(model)
        return model

    yield make
    for model in loaded:
        model.close()
