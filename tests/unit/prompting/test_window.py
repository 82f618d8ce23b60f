"""The local window fits its token budget exactly, in whole lines."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.generation.llama_cpp import LlamaCppBackend
from lsp_server.prompting.fim import tokenize_continuation
from lsp_server.prompting.window import (
    ALIGN_LINES,
    _fit_lines,
    fit_prefix,
    fit_prefix_anchored,
    fit_suffix,
)


@pytest.fixture(scope="module")
def backend(tiny_model: Callable[..., Path]) -> Iterator[LlamaCppBackend]:
    model = LlamaCppBackend(tiny_model("codellama"), Settings(n_ctx=256))
    yield model
    model.close()


PREFIX = "".join(f"line_{i} = {i}\n" for i in range(200)) + "    cur"
SUFFIX = "sor()\n" + "".join(f"after_{i} = {i}\n" for i in range(200))


@pytest.mark.parametrize("budget", [10, 57, 300, 1500])
def test_prefix_fits_and_keeps_nearest_whole_lines(backend: LlamaCppBackend, budget: int) -> None:
    fitted = fit_prefix(backend, PREFIX, budget)
    assert PREFIX.endswith(fitted) and fitted.endswith("    cur")
    assert len(backend.tokenize(fitted)) <= budget or fitted == "    cur"
    start_line = PREFIX.count("\n") - fitted.count("\n")
    large = fitted.count("\n") >= 4 * ALIGN_LINES
    step = ALIGN_LINES if large else 1
    assert start_line % step == 0  # a whole line; an aligned one in a large window
    earlier = "".join(PREFIX.splitlines(keepends=True)[start_line - step :])
    reserve = budget // 8  # a fresh fit leaves room to grow (see fit_prefix_anchored)
    assert len(backend.tokenize(earlier)) > budget - reserve  # and no longer window fits


@pytest.mark.parametrize("budget", [1000, 1200, 1500])
def test_prefix_start_stays_put_when_typing_near_the_cursor(
    backend: LlamaCppBackend, budget: int
) -> None:
    lines = PREFIX.split("\n")
    lines[-2] += "  # edited"
    edited = "\n".join(lines) + "ab"
    before, after = fit_prefix(backend, PREFIX, budget), fit_prefix(backend, edited, budget)
    assert before.split("\n", 1)[0] == after.split("\n", 1)[0]


@pytest.mark.parametrize("budget", [10, 57, 300, 1500])
def test_suffix_fits_and_keeps_nearest_whole_lines(backend: LlamaCppBackend, budget: int) -> None:
    fitted = fit_suffix(backend, SUFFIX, budget, cursor_line=7)
    assert SUFFIX.startswith(fitted) and fitted.startswith("sor()")
    assert len(tokenize_continuation(backend, fitted)) <= budget
    if fitted.count("\n") >= 4 * ALIGN_LINES:
        assert (7 + fitted.count("\n")) % ALIGN_LINES == 0


def test_anchor_keeps_the_window_start_while_typing(backend: LlamaCppBackend) -> None:
    budget = 900
    _, start = fit_prefix_anchored(backend, PREFIX, budget, None)
    lines = PREFIX.split("\n")
    for step in range(5):  # a typing session: the line above the cursor keeps growing
        lines[-2] += f" + extra_{step}"
        window, kept = fit_prefix_anchored(backend, "\n".join(lines), budget, start)
        assert kept == start and window.endswith("    cur")
        assert len(backend.tokenize(window)) <= budget
    lines[-2] += " + x" * 200  # far past the reserve: the start has to move
    window, moved = fit_prefix_anchored(backend, "\n".join(lines), budget, start)
    assert moved > start and len(backend.tokenize(window)) <= budget


def test_estimated_fit_equals_a_plain_bisection(backend: LlamaCppBackend) -> None:
    """The per-line estimate only chooses where to start looking: the answer is the same
    as bisecting with exact counts, for lines of any length and any budget."""
    rng = random.Random(3)
    for _ in range(30):
        lines = [" ".join(f"w{rng.randrange(999)}" for _ in range(rng.randrange(0, 12)))
                 for _ in range(rng.randrange(1, 80))]
        budget, tail = rng.randrange(1, 400), rng.random() < 0.5

        def fits(n: int, lines: list[str] = lines, tail: bool = tail,
                 budget: int = budget) -> bool:
            text = "\n".join([*reversed(lines[:n]), "cur"] if tail else ["cur", *lines[:n]])
            return len(backend.tokenize(text)) <= budget

        expected = max((n for n in range(len(lines) + 1) if fits(n)), default=0)
        assert len(_fit_lines(backend, lines, budget, "cur", tail=tail)) == expected


def test_a_huge_document_is_cut_near_the_cursor_without_reading_it_all(
    backend: LlamaCppBackend,
) -> None:
    prefix = "".join(f"value_{i} = {i}\n" for i in range(100_000)) + "x = "
    window, start = fit_prefix_anchored(backend, prefix, 300, None)
    assert prefix.endswith(window) and len(backend.tokenize(window)) <= 300
    assert prefix.split("\n")[start] == window.split("\n", 1)[0]  # start is a document line
    again, kept = fit_prefix_anchored(backend, prefix + "1", 300, start)
    assert kept == start and again == window + "1"  # the next keystroke keeps the start
    suffix = "\n" + "".join(f"after_{i} = {i}\n" for i in range(100_000))
    fitted = fit_suffix(backend, suffix, 300, cursor_line=100_000)
    assert suffix.startswith(fitted) and len(backend.tokenize(fitted)) <= 300
    assert fitted.count("\n") > 10  # nearest lines kept, not an empty window
