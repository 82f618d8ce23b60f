"""Explain a selection: its code, the function or class around it, the file it is in.

The prompt is a chat prompt (the GGUF's template, or the plain instruction fallback),
so an instruct model answers in prose. When it does not fit the context window, the
enclosing scope gives way first and the selection itself is cut last.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lsp_server.assist.budget import Part, fit_prompt
from lsp_server.assist.generate import OnText, format_for, prompt_room, stream_answer
from lsp_server.assist.scope import Scope, enclosing_scope
from lsp_server.assist.texts import code_part, fence_for, prompts
from lsp_server.errors import AssistInputError, PositionError
from lsp_server.generation.backend import TokenReport
from lsp_server.languages import language_for

if TYPE_CHECKING:
    from lsp_server.config import Settings
    from lsp_server.generation.loader import LoadedModel


@dataclass(frozen=True)
class Explanation:
    text: str  # exactly the streamed pieces, concatenated
    stop_reason: str  # as GenerationResult: "eog", "max_tokens", "cancelled", ...
    tokens: TokenReport
    language: str
    scope: Scope | None
    templated: bool  # True when the GGUF's own chat template was used
    timings_ms: dict[str, float] = field(default_factory=dict)


def explain(
    model: LoadedModel, settings: Settings, *, path: Path, text: str, start_line: int,
    end_line: int, language: str | None = None, on_text: OnText | None = None,
    cancel: threading.Event | None = None,
) -> Explanation:
    """Explain lines ``start_line``..``end_line`` (0-based, inclusive) of ``text``.

    ``path`` is shown to the model as given (a workspace-relative path reads best).
    ``language`` is the editor's id for the text, which knows better than an extension
    (a script without one, an unsaved buffer); without it the path picks. Pieces of the
    answer go to ``on_text`` as they are generated; setting ``cancel`` stops generation at
    the next token.
    """
    start = time.perf_counter()
    selection = selected_text(path, text, start_line, end_line)
    language = language or language_for(path)
    scope = enclosing_scope(text, language, start_line, end_line)
    fmt = format_for(model)
    limit, answer_tokens = prompt_room(model.backend.n_ctx, settings.explain_max_tokens)
    parts = explain_parts(str(path), language, selection, start_line, end_line, scope)
    prompt = fit_prompt(fmt, model.backend, prompts("explain")["system"], parts, limit)
    prompt_ms = (time.perf_counter() - start) * 1000
    result = stream_answer(model, fmt, settings, prompt.ids, answer_tokens, on_text, cancel)
    timings = {"prompt": round(prompt_ms, 3),
               "generate": round((time.perf_counter() - start) * 1000 - prompt_ms, 3)}
    return Explanation(result.text, result.stop_reason, result.tokens, language, scope,
                       fmt.from_model, timings)


def selected_text(path: Path, text: str, start_line: int, end_line: int) -> str:
    """Lines ``start_line``..``end_line`` (0-based, inclusive) of ``text``; a clear error
    for a range outside the file or a blank selection."""
    lines = text.split("\n")
    if not 0 <= start_line <= end_line < len(lines):
        raise PositionError(
            f"lines {start_line + 1}-{end_line + 1} are outside {path} ({len(lines)} lines)"
        )
    selection = "\n".join(lines[start_line : end_line + 1])
    if not selection.strip():
        raise AssistInputError(f"the selection (lines {start_line + 1}-{end_line + 1}) is empty")
    return selection


def explain_parts(
    path: str, language: str, selection: str, start_line: int, end_line: int,
    scope: Scope | None,
) -> list[Part]:
    """The user turn: header, enclosing scope (trimmed first), selection, instruction."""
    texts = prompts("explain")
    parts = [Part(texts["header"].format(path=path, language=language))]
    if scope is not None:
        parts.append(code_part(
            "\n" + texts["scope"], scope.text, trim=2,
            kind=scope.kind.replace("_", " "), name=f" `{scope.name}`" if scope.name else "",
            start=scope.start_line + 1, end=scope.end_line + 1,
            elided="" if scope.whole else texts["elided"], fence=fence_for(scope.text),
            lang=language,
        ))
    parts.append(code_part(
        "\n" + texts["selection"], selection, trim=1, start=start_line + 1, end=end_line + 1,
        fence=fence_for(selection), lang=language,
    ))
    parts.append(Part(texts["instruction"]))
    return parts
