"""Answer a question about the repository from the code most relevant to it.

Retrieve excerpts (``Retriever``), pack the best of them into the context budget with
exact token counts, each headed by ``path:start-end`` so the model can cite it, stream
the answer, then read the citations back out of it. Excerpts are packed best first and
dropped worst first when the prompt would not fit; the question is never cut.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lsp_server.assist.budget import Part, fit_prompt
from lsp_server.assist.citations import Citation, answer_citations
from lsp_server.assist.generate import OnText, format_for, prompt_room, stream_answer
from lsp_server.assist.retrieval import (
    Chunk,
    Current,
    Retriever,
    WorkspaceRetriever,
    relative_path,
)
from lsp_server.assist.texts import code_part, fence_for, line_label, prompts
from lsp_server.errors import AssistInputError, DocumentError
from lsp_server.generation.backend import TokenReport
from lsp_server.languages import language_for
from lsp_server.prompting.chat import ChatFormat
from lsp_server.prompting.fim import Tokenizer
from lsp_server.safety.redact import redact

if TYPE_CHECKING:
    from lsp_server.config import Settings
    from lsp_server.generation.loader import LoadedModel

MAX_EXCERPTS = 24


@dataclass(frozen=True)
class Answer:
    text: str  # exactly the streamed pieces, concatenated
    citations: list[Citation]  # see citations.answer_citations for the kinds
    context: list[Chunk]  # the excerpts packed into the prompt, best first
    stop_reason: str
    tokens: TokenReport
    templated: bool  # True when the GGUF's own chat template was used
    timings_ms: dict[str, float] = field(default_factory=dict)


def ask(
    model: LoadedModel, settings: Settings, *, question: str, workspace: Path,
    open_documents: Mapping[str, str] | None = None, current: Current | None = None,
    on_text: OnText | None = None, cancel: threading.Event | None = None,
    retriever: Retriever | None = None,
) -> Answer:
    """Answer ``question`` about ``workspace``; pieces go to ``on_text`` as generated.

    ``open_documents`` maps paths to their (unsaved) text; ``current`` is the file and
    selection the user is in. ``retriever`` replaces the workspace walk (e.g. the index).
    """
    start = time.perf_counter()
    question = redact(question.strip())  # a token pasted into the question, too
    if not question:
        raise AssistInputError("the question is empty")
    if not workspace.is_dir():
        raise DocumentError(f"workspace not found: {workspace}")
    if retriever is None:
        retriever = WorkspaceRetriever(workspace, open_documents, current,
                                       secret_globs=tuple(settings.index_secret_globs))
    chunks = retriever.retrieve(question, MAX_EXCERPTS)[:MAX_EXCERPTS]
    retrieved = time.perf_counter()
    fmt = format_for(model)
    focus = None
    if current is not None and current.lines is not None:
        focus = line_label(relative_path(current.path, workspace), *current.lines)
    limit, answer_tokens = prompt_room(model.backend.n_ctx, settings.ask_max_tokens)
    ids, shown = ask_prompt(fmt, model.backend, question, chunks, focus, limit,
                            settings.ask_context_tokens)
    prompted = time.perf_counter()
    result = stream_answer(model, fmt, settings, ids, answer_tokens, on_text, cancel)
    timings = {"retrieve": _ms(start, retrieved), "prompt": _ms(retrieved, prompted),
               "generate": _ms(prompted, time.perf_counter())}
    return Answer(result.text, answer_citations(result.text, shown), shown, result.stop_reason,
                  result.tokens, fmt.from_model, timings)


def ask_prompt(
    fmt: ChatFormat, tokenizer: Tokenizer, question: str, chunks: list[Chunk],
    focus: str | None, limit: int, context_tokens: int,
) -> tuple[list[int], list[Chunk]]:
    """The prompt's ids and the excerpts it shows: the question (and the selection's
    label, ``focus``) always, then as many of the best excerpts as fit both
    ``context_tokens`` and what ``limit`` leaves."""
    texts = prompts("ask")
    example = chunks[0].label if chunks else texts["example"]
    fixed = [Part(texts["question"].format(question=question, example=example))]
    if focus is not None:
        fixed.insert(0, Part(texts["current"].format(label=focus)))
    overhead = len(fit_prompt(fmt, tokenizer, texts["system"], fixed, limit).ids)
    packed = pack_excerpts(tokenizer, chunks, min(context_tokens, limit - overhead))
    parts = [Part(texts["context"] if packed else "")]
    parts += [_excerpt(texts["excerpt"], chunk, rank) for rank, chunk in enumerate(packed)]
    prompt = fit_prompt(fmt, tokenizer, texts["system"], parts + fixed, limit)
    kept = prompt.texts[1 : len(packed) + 1]
    return prompt.ids, [chunk for chunk, text in zip(packed, kept, strict=True) if text]


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 3)


def pack_excerpts(tokenizer: Tokenizer, chunks: list[Chunk], budget: int) -> list[Chunk]:
    """The best excerpts whose headed texts fit ``budget`` tokens together (a worse one
    that fits may follow a better one that did not)."""
    packed: list[Chunk] = []
    template = prompts("ask")["excerpt"]
    for rank, chunk in enumerate(chunks):
        part = _excerpt(template, chunk, rank)
        cost = len(tokenizer.tokenize(part.render(part.text)))
        if cost <= budget:
            packed.append(chunk)
            budget -= cost
    return packed


def _excerpt(template: str, chunk: Chunk, rank: int) -> Part:
    """An excerpt dropped whole when space runs out, the worst-ranked first."""
    return code_part(template, chunk.text, trim=MAX_EXCERPTS + 1 - rank, whole=True,
                     label=chunk.label,
                     fence=fence_for(chunk.text), lang=language_for(chunk.path))
