"""The prompt stage: from a cursor to the generation request the engine runs.

Budgets come from the settings and the loaded context size, the window keeps its start
across a typing session (WindowState), retrieval (a callback, given the window so it can
leave out what the window shows) brings repository context, packing fits it to its
budget in KV-cache order, and the family's templates turn it all into token ids. Runs
off the LSP event loop: tokenizing a large window takes a few ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsp_server.documents.cursor import Cursor
from lsp_server.generation.backend import GenerationRequest, Sampling
from lsp_server.generation.loader import LoadedModel
from lsp_server.postprocessing import FilterContext, early_stop
from lsp_server.prompting.context_pack import ContextRequest, Packed, pack
from lsp_server.prompting.fim import FimPrompt, Tokenizer, render_fim
from lsp_server.prompting.repo_context import renderer_for
from lsp_server.prompting.window import fit_prefix, fit_prefix_anchored, fit_suffix
from lsp_server.safety.redact import redact

if TYPE_CHECKING:
    from lsp_server.config import Settings

# Room for the FIM control tokens (and BOS) around the two texts.
TEMPLATE_TOKENS = 8


@dataclass
class WindowState:
    """Per-document memory between requests: where the last prefix window started."""

    prefix_start: int | None = None


@dataclass(frozen=True)
class LocalWindow:
    """The part of the document the prompt shows around the cursor."""

    prefix: str
    suffix: str
    first_line: int
    last_line: int


# Given the local window, the repository context to pack (None: local window only).
Retrieve = Callable[[LocalWindow], ContextRequest | None]


@dataclass(frozen=True)
class PreparedFim:
    prompt: FimPrompt
    request: GenerationRequest
    filters: FilterContext
    family: str
    packed: Packed | None = None
    context: ContextRequest | None = None


@dataclass(frozen=True)
class Budgets:
    prefix: int
    suffix: int
    context: int  # repository context, header and file names included


def budgets(settings: Settings, n_ctx: int) -> Budgets:
    """Split n_ctx: room for the answer first; then the local window and repository
    context as configured when they fit; context gets what is left when only the window
    fits; all three scale down together when the window alone would not fit (so a small
    n_ctx never turns into an error at the keystroke)."""
    room = max(n_ctx - settings.max_tokens - TEMPLATE_TOKENS, 2)
    prefix, suffix = settings.max_prefix_tokens, settings.max_suffix_tokens
    if prefix + suffix <= room:
        return Budgets(prefix, suffix, min(settings.max_context_tokens, room - prefix - suffix))
    wanted = prefix + suffix + settings.max_context_tokens
    scaled_prefix = max(1, prefix * room // wanted)
    scaled_suffix = min(suffix * room // wanted, room - scaled_prefix)
    return Budgets(scaled_prefix, scaled_suffix, max(0, room - scaled_prefix - scaled_suffix))


def shown_window(tok: Tokenizer, prefix: str, suffix: str, split: Budgets) -> tuple[str, str]:
    """The local window as the prompt shows it: secret-looking values replaced, as in
    repository context (the current file is a source file too, and a prompt may go to a
    shared server). A replacement can take more tokens than the short value it hides, so
    a side that changed is fitted again (nearest the cursor kept); the same text gives the
    same cut, so the KV cache is reused as before."""
    shown_prefix, shown_suffix = redact(prefix), redact(suffix)
    if shown_prefix != prefix:
        shown_prefix = fit_prefix(tok, shown_prefix, split.prefix)
    if shown_suffix != suffix:
        shown_suffix = fit_suffix(tok, shown_suffix, split.suffix)
    return shown_prefix, shown_suffix


def prepare_fim(
    model: LoadedModel, cursor: Cursor, settings: Settings, language: str,
    state: WindowState | None = None, retrieve: Retrieve | None = None,
) -> PreparedFim:
    """Window, context, template and generation parameters for one cursor."""
    spec = model.require_fim()
    tok = model.backend
    split = budgets(settings, tok.n_ctx)
    anchor = state.prefix_start if state else None
    prefix, start = fit_prefix_anchored(tok, cursor.prefix, split.prefix, anchor)
    if state is not None:
        state.prefix_start = start
    suffix = fit_suffix(tok, cursor.suffix, split.suffix, cursor.line)
    packed, wanted = None, None
    if retrieve is not None and split.context > 0:
        window = LocalWindow(prefix, suffix, start, cursor.line + suffix.count("\n"))
        wanted = retrieve(window)
        if wanted is not None:
            packed = pack(renderer_for(spec, tok), wanted, split.context, language)
    prompt = render_fim(spec, tok, *shown_window(tok, prefix, suffix, split),
                        packed.context if packed else None)
    filters = FilterContext(cursor, language)
    request = GenerationRequest(
        prompt_ids=prompt.ids,
        heal=prompt.heal,
        max_tokens=settings.max_tokens,
        stop_ids=spec.stop_ids,
        stop_strings=tuple(settings.stop),
        sampling=Sampling(settings.temperature, settings.top_k, settings.top_p, settings.seed),
        stop_check=early_stop(filters),
        segments=prompt.segments,
    )
    return PreparedFim(prompt, request, filters, spec.name, packed, wanted)
