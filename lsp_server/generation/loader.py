"""Load the configured model once: resolve its path, read its family, start its engine."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsp_server.errors import CannotInfillError
from lsp_server.generation.gguf_file import GGUFInfo
from lsp_server.generation.llama_cpp import LlamaCppBackend
from lsp_server.generation.worker import Engine
from lsp_server.prompting.families import FimSpec, detect_family

if TYPE_CHECKING:
    from lsp_server.config import Settings

SUGGESTED_FIM_MODELS = "Qwen2.5-Coder-1.5B (base), StarCoder2-3B or Code Llama 7B"


@dataclass
class LoadedModel:
    path: Path
    backend: LlamaCppBackend
    engine: Engine
    fim: FimSpec | None
    load_ms: float

    @property
    def info(self) -> GGUFInfo:
        return self.backend.info

    def require_fim(self) -> FimSpec:
        """The FIM spec, or the clear "cannot fill in the middle" error."""
        if self.fim is None:
            raise CannotInfillError(self.path, SUGGESTED_FIM_MODELS)
        return self.fim

    def close(self) -> None:
        self.engine.close()
        self.backend.close()


def load_model(settings: Settings, path: Path | None = None) -> LoadedModel:
    """Load ``path`` (or the model the settings name) with the settings' parameters."""
    if path is None:
        from lsp_server.generation.models import resolve_model

        path = resolve_model(settings.model, settings.cache_dir)
    start = time.perf_counter()
    backend = LlamaCppBackend(path, settings)
    fim = detect_family(backend.info)
    load_ms = (time.perf_counter() - start) * 1000
    return LoadedModel(Path(path), backend, Engine(backend), fim, load_ms)
