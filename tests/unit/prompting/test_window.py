"""The local window fits its token budget exactly, in whole lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.generation.llama_cpp import LlamaCppBackend
from lsp_server.prompting.fim import tokenize_continuation
from lsp_server.prompting.window import fit_prefix, fit_suffix


@pytest.fixture(scope="module")
def backend(tiny_model: Callable[..., Path]) -> Iterator[LlamaCppBackend]:
    model = LlamaCppBackend(tiny_model("codellama"), Settings(n_ctx=256))
    yield model
    model.close()


PREFIX = "".join(f"line_{i} = {i}\n" for i in range(200)) + "    cur"
SUFFIX = "sor()\n" + "".join(f"after_{i} = {i}\n" for i in range(200))


@pytest.mark.parametrize("budget", [10, 57, 300])
def test_prefix_fits_and_keeps_nearest_whole_lines(backend: LlamaCppBackend, budget: int) -> None:
    fitted = fit_prefix(backend, PREFIX, budget)
    assert PREFIX.endswith(fitted) and fitted.endswith("    cur")
    assert len(backend.tokenize(fitted)) <= budget or fitted == "    cur"
    one_more = PREFIX[: len(PREFIX) - len(fitted)].rstrip("\n").rsplit("\n", 1)[-1]
    assert len(backend.tokenize(one_more + "\n" + fitted)) > budget
    assert fitted == "    cur" or PREFIX[len(PREFIX) - len(fitted) - 1] == "\n"


@pytest.mark.parametrize("budget", [10, 57, 300])
def test_suffix_fits_and_keeps_nearest_whole_lines(backend: LlamaCppBackend, budget: int) -> None:
    fitted = fit_suffix(backend, SUFFIX, budget)
    assert SUFFIX.startswith(fitted) and fitted.startswith("sor()")
    assert len(tokenize_continuation(backend, fitted)) <= budget
