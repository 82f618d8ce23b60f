"""Inline completion as a list of stages: cursor -> prompt -> generation -> filters.

Each stage is timed; the request-level concerns (ids, deadlines, supersession) wrap
this in the language server. The CLI's ``complete`` runs exactly these stages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lsp_server.documents.cursor import Cursor
from lsp_server.generation.backend import GenerationRequest, Sampling, TokenReport
from lsp_server.generation.loader import LoadedModel
from lsp_server.postprocessing import FilterContext, early_stop, postprocess
from lsp_server.prompting.fim import render_fim
from lsp_server.prompting.window import fit_prefix_anchored, fit_suffix

if TYPE_CHECKING:
    from lsp_server.config import Settings


@dataclass
class Completion:
    text: str  # "" when nothing should be shown
    raw: str  # what the model generated, before the filters
    family: str
    prompt_ids: list[int]
    tokens: TokenReport
    stop_reason: str
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass
class WindowState:
    """Per-document memory between requests: where the last prefix window started."""

    prefix_start: int | None = None


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round((now - self._last) * 1000, 3)
        self._last = now


# Room for the FIM control tokens (and BOS) around the two texts.
TEMPLATE_TOKENS = 8


def window_budgets(settings: Settings, n_ctx: int) -> tuple[int, int]:
    """Prefix and suffix budgets, scaled down together when they and the answer would
    not fit n_ctx (so a small n_ctx never turns into an error at the keystroke)."""
    room = max(n_ctx - settings.max_tokens - TEMPLATE_TOKENS, 2)
    wanted = settings.max_prefix_tokens + settings.max_suffix_tokens
    if wanted <= room:
        return settings.max_prefix_tokens, settings.max_suffix_tokens
    prefix = max(1, settings.max_prefix_tokens * room // wanted)
    return prefix, max(0, room - prefix)


def complete(
    model: LoadedModel, cursor: Cursor, settings: Settings, language: str,
    state: WindowState | None = None,
) -> Completion:
    """Run every stage for one cursor and return the completion with its report.

    ``state`` (one per document) keeps the window's start stable across keystrokes.
    """
    clock = _Clock()
    spec = model.require_fim()
    tok = model.backend
    prefix_budget, suffix_budget = window_budgets(settings, model.backend.n_ctx)
    anchor = state.prefix_start if state else None
    prefix, start = fit_prefix_anchored(tok, cursor.prefix, prefix_budget, anchor)
    if state is not None:
        state.prefix_start = start
    suffix = fit_suffix(tok, cursor.suffix, suffix_budget, cursor.line)
    prompt = render_fim(spec, tok, prefix, suffix)
    clock.lap("prompt")
    ctx = FilterContext(cursor, language)
    request = GenerationRequest(
        prompt_ids=prompt.ids,
        heal=prompt.heal,
        max_tokens=settings.max_tokens,
        stop_ids=spec.stop_ids,
        stop_strings=tuple(settings.stop),
        sampling=Sampling(settings.temperature, settings.top_k, settings.top_p, settings.seed),
        stop_check=early_stop(ctx),
    )
    result = model.engine.submit(request).result()
    clock.lap("generate")
    text = postprocess(result.text, ctx) or ""
    clock.lap("postprocess")
    timings = {**clock.timings, "eval": round(result.eval_ms, 3),
               "prompt_eval": round(result.prompt_ms, 3), "sample": round(result.sample_ms, 3)}
    return Completion(text, result.text, spec.name, prompt.ids, result.tokens,
                      result.stop_reason, timings)
