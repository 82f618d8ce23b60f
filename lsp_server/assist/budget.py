"""Fit a chat prompt into the context window by trimming its context, never its question.

The user turn is a list of parts (instructions, code, the question). When the rendered
prompt is longer than the limit, the part that matters least gives way first: code the
model may cite is dropped whole, other code is cut at a line boundary. Every round
re-renders and re-counts the whole prompt with the model's tokenizer, so the result's
length is exact, not an estimate (boundary merges between parts included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsp_server.errors import PromptTooLongError
from lsp_server.prompting.chat import ChatFormat, Message, encode_chat
from lsp_server.prompting.fim import Tokenizer

TRUNCATED = "\n[... truncated]\n"
# Tokens kept free for the TRUNCATED marker when a part is cut.
_MARKER_ROOM = 8


@dataclass(frozen=True)
class Part:
    """One piece of the user turn; ``trim`` orders what gives way: 0 never, higher first
    (the later part first among equals). ``before`` and ``after`` (a heading, a code
    fence) are kept around ``text`` while it is cut, and go when it is dropped."""

    text: str
    trim: int = 0
    whole: bool = False  # dropped whole rather than cut (e.g. an excerpt the model cites)
    before: str = ""
    after: str = ""

    def render(self, text: str) -> str:
        return f"{self.before}{text}{self.after}" if text else ""


@dataclass(frozen=True)
class FittedPrompt:
    ids: list[int]
    texts: tuple[str, ...]  # each part's ``text`` as packed; "" where it was dropped


def fit_prompt(
    fmt: ChatFormat, tokenizer: Tokenizer, system: str, parts: Sequence[Part], limit: int
) -> FittedPrompt:
    """The prompt's ids, at most ``limit`` tokens long, ending where the answer begins."""
    texts = [part.text for part in parts]
    while True:
        messages = [Message("system", system)] if system else []
        user = "".join(part.render(text) for part, text in zip(parts, texts, strict=True))
        messages.append(Message("user", user))
        ids = encode_chat(fmt, tokenizer, messages)
        excess = len(ids) - limit
        if excess <= 0:
            return FittedPrompt(ids, tuple(texts))
        victim = _next_to_trim(parts, texts)
        if victim is None:
            raise PromptTooLongError(
                f"the prompt needs {len(ids)} tokens even without its context, but only "
                f"{limit} fit (n_ctx minus the answer's tokens); raise n_ctx or ask less"
            )
        part = parts[victim]
        texts[victim] = "" if part.whole else _cut(tokenizer, texts[victim], excess)


def _next_to_trim(parts: Sequence[Part], texts: list[str]) -> int | None:
    candidates = [i for i, part in enumerate(parts) if part.trim > 0 and texts[i]]
    return max(candidates, key=lambda i: (parts[i].trim, i)) if candidates else None


def _cut(tokenizer: Tokenizer, text: str, excess: int) -> str:
    """``text`` shortened by at least ``excess`` tokens, at a line end, marked as cut."""
    ids = tokenizer.tokenize(text)
    keep = len(ids) - excess - _MARKER_ROOM
    if keep <= 0:
        return ""
    head = tokenizer.detokenize(ids[:keep])
    if "\n" in head:
        head = head[: head.rfind("\n")]
    cut = head + TRUNCATED
    return cut if len(cut) < len(text) else ""
