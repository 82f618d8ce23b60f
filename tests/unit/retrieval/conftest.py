"""Real parts for the retrieval tests: temporary repositories indexed into a real SQLite
index (tree-sitter and all), tiny real GGUF models, cursors at the end of a file."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lsp_server.config import Settings
from lsp_server.documents.cursor import Cursor, split_at
from lsp_server.generation.loader import LoadedModel, load_model
from lsp_server.indexing.policy import Policy
from lsp_server.indexing.service import WorkspaceIndex
from lsp_server.retrieval.provider import ContextProvider

Files = Mapping[str, str]
# Small windows and a small n_ctx keep the tiny models fast; the generous time box keeps
# the sources from being dropped as late on a busy two-core machine.
BASE: dict[str, Any] = {"n_ctx": 1024, "n_batch": 128, "max_tokens": 4,
                        "max_prefix_tokens": 256, "max_suffix_tokens": 64,
                        "max_context_tokens": 512, "context_timeout_ms": 5000}


def settings(**overrides: Any) -> Settings:
    return Settings(**{**BASE, **overrides})


def cursor_at_end(text: str) -> Cursor:
    lines = text.split("\n")
    return split_at(text, len(lines) - 1, len(lines[-1]))


@dataclass
class Workspace:
    root: Path
    index: WorkspaceIndex
    provider: ContextProvider

    def path(self, rel: str) -> Path:
        return self.root / rel


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Callable[[Files], Workspace]]:
    """``workspace(files)``: the files written under a fresh folder, indexed (first scan
    done), and a ContextProvider over that index."""
    made: list[WorkspaceIndex] = []

    def make(files: Files) -> Workspace:
        root = (tmp_path / "repo").resolve()
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        index = WorkspaceIndex([root], database=tmp_path / "cache" / "index.sqlite",
                               policy=Policy(), workers=1, watch=False)
        made.append(index)
        index.start().result(timeout=60)
        return Workspace(root, index, ContextProvider(lambda: index.reader, lambda: [root]))

    yield make
    for index in made:
        index.close()


@pytest.fixture
def load(tiny_model: Callable[..., Path]) -> Iterator[Callable[..., LoadedModel]]:
    """``load(kind, **settings)``: a tiny real model of that vocabulary, engine started."""
    loaded: list[LoadedModel] = []

    def make(kind: str, **overrides: Any) -> LoadedModel:
        model = load_model(settings(**overrides), tiny_model(kind))
        loaded.append(model)
        return model

    yield make
    for model in loaded:
        model.close()
