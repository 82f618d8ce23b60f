"""Fitting a chat prompt to a token limit: context gives way, the question never does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.assist.budget import TRUNCATED, Part, fit_prompt
from lsp_server.assist.generate import format_for, prompt_room
from lsp_server.errors import PromptTooLongError
from lsp_server.generation.loader import LoadedModel

CODE = "\n".join(f"value_{i} = compute({i})" for i in range(60))


def parts() -> list[Part]:
    return [
        Part("Header.\n"),
        Part(CODE, trim=2, before="Scope:\n```\n", after="\n```\n"),
        Part(CODE, trim=1, before="Selection:\n```\n", after="\n```\n"),
        Part("Explain."),
    ]


def test_fits_exactly_and_trims_the_scope_first(
    tiny_model: Callable[..., Path], load: Callable[..., LoadedModel]
) -> None:
    model = load(tiny_model("qwen"))
    fmt = format_for(model)
    full = fit_prompt(fmt, model.backend, "Be brief.", parts(), 100_000)
    assert full.texts == tuple(p.text for p in parts())
    limit = len(full.ids) - 200
    fitted = fit_prompt(fmt, model.backend, "Be brief.", parts(), limit)
    assert len(fitted.ids) <= limit
    header, scope, selection, question = fitted.texts
    assert (header, selection, question) == ("Header.\n", CODE, "Explain.")
    assert scope.endswith(TRUNCATED) and CODE.startswith(scope[: -len(TRUNCATED)])
    text = model.backend.detokenize(fitted.ids)
    assert f"{TRUNCATED}\n```\nSelection:" in text  # the fence survives the cut


def test_whole_parts_are_dropped_and_then_the_selection_is_cut(
    tiny_model: Callable[..., Path], load: Callable[..., LoadedModel]
) -> None:
    model = load(tiny_model("codellama"))
    fmt = format_for(model)
    pieces = [Part(CODE, trim=2, whole=True), Part(CODE, trim=1), Part("Explain.")]
    fitted = fit_prompt(fmt, model.backend, "", pieces, 300)
    assert len(fitted.ids) <= 300
    assert fitted.texts[0] == "" and fitted.texts[1].endswith(TRUNCATED)
    assert fitted.texts[2] == "Explain."


def test_a_question_that_cannot_fit_is_a_clear_error(
    tiny_model: Callable[..., Path], load: Callable[..., LoadedModel]
) -> None:
    model = load(tiny_model("qwen"))
    with pytest.raises(PromptTooLongError, match="raise n_ctx"):
        fit_prompt(format_for(model), model.backend, "", [Part(CODE)], 50)


def test_the_answer_never_takes_more_than_half_the_window() -> None:
    assert prompt_room(4096, 512) == (3584, 512)
    assert prompt_room(512, 512) == (256, 256)
