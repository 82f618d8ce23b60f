"""The prompt stage: from a cursor to the generation request the engine runs.

Budgets come from the settings and the loaded context size, the window keeps its start
across a typing session (WindowState), and the family's FIM template turns the texts
into token ids. Runs off the LSP event loop: tokenizing a large window takes a few ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsp_server.documents.cursor import Cursor
from lsp_server.generation.backend import GenerationRequest, Sampling
from lsp_server.generation.loader import LoadedModel
from lsp_server.postprocessing import FilterContext, early_stop
from lsp_server.prompting.fim import FimPrompt, render_fim
from lsp_server.prompting.window import fit_prefix_anchored, fit_suffix

if TYPE_CHECKING:
    from lsp_server.config import Settings

# Room for the FIM control tokens (and BOS) around the two texts.
TEMPLATE_TOKENS = 8


@dataclass
class WindowState:
    """Per-document memory between requests: where the last prefix window started."""

    prefix_start: int | None = None


@dataclass(frozen=True)
class PreparedFim:
    prompt: FimPrompt
    request: GenerationRequest
    filters: FilterContext
    family: str


def window_budgets(settings: Settings, n_ctx: int) -> tuple[int, int]:
    """Prefix and suffix budgets, scaled down together when they and the answer would
    not fit n_ctx (so a small n_ctx never turns into an error at the keystroke)."""
    room = max(n_ctx - settings.max_tokens - TEMPLATE_TOKENS, 2)
    wanted = settings.max_prefix_tokens + settings.max_suffix_tokens
    if wanted <= room:
        return settings.max_prefix_tokens, settings.max_suffix_tokens
    prefix = max(1, settings.max_prefix_tokens * room // wanted)
    return prefix, max(0, room - prefix)


def prepare_fim(
    model: LoadedModel, cursor: Cursor, settings: Settings, language: str,
    state: WindowState | None = None,
) -> PreparedFim:
    """Window, template and generation parameters for one cursor."""
    spec = model.require_fim()
    tok = model.backend
    prefix_budget, suffix_budget = window_budgets(settings, tok.n_ctx)
    anchor = state.prefix_start if state else None
    prefix, start = fit_prefix_anchored(tok, cursor.prefix, prefix_budget, anchor)
    if state is not None:
        state.prefix_start = start
    suffix = fit_suffix(tok, cursor.suffix, suffix_budget, cursor.line)
    prompt = render_fim(spec, tok, prefix, suffix)
    filters = FilterContext(cursor, language)
    request = GenerationRequest(
        prompt_ids=prompt.ids,
        heal=prompt.heal,
        max_tokens=settings.max_tokens,
        stop_ids=spec.stop_ids,
        stop_strings=tuple(settings.stop),
        sampling=Sampling(settings.temperature, settings.top_k, settings.top_p, settings.seed),
        stop_check=early_stop(filters),
    )
    return PreparedFim(prompt, request, filters, spec.name)
