"""The small interface every generation backend implements.

Prompts arrive as token ids (prompting/ builds them with the model's own tokenizer), so a
backend only evaluates, samples and reports. The per-request report is what the editor's
stats, the CLI's ``--json`` and the benchmarks print.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

# Called with the text generated so far; returns the length to keep when generation
# should stop early (e.g. the completion left the cursor's block), or None to go on.
StopCheck = Callable[[str], int | None]


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.0
    top_k: int = 40
    top_p: float = 0.95
    seed: int = 0


@dataclass
class GenerationRequest:
    prompt_ids: list[int]
    max_tokens: int = 128
    stop_ids: frozenset[int] = frozenset()
    stop_strings: tuple[str, ...] = ()
    sampling: Sampling = field(default_factory=Sampling)
    stop_check: StopCheck | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    # Text the prompt left out at its end: the first tokens must spell it (healing.py);
    # it is typed already, so it is not part of the result.
    heal: str = ""
    # Ascending offsets into prompt_ids where separately movable context blocks end: the
    # blocks are prompt_ids[0:s0], [s0:s1], ... and the tail is everything after the last.
    # A block the next prompt no longer wants can then be cut out of the KV cache and the
    # blocks after it shifted left instead of evaluated again (kv_reuse.py).
    segments: tuple[int, ...] = ()


@dataclass
class TokenReport:
    """Token counts for one request: reused + evaluated == prompt.

    ``shifted`` (part of ``reused``) were kept from the KV cache at a new position;
    ``dropped`` cached tokens were removed from the middle of the cache to allow it."""

    prompt: int = 0
    reused: int = 0
    evaluated: int = 0
    generated: int = 0
    shifted: int = 0
    dropped: int = 0


@dataclass
class GenerationResult:
    text: str
    stop_reason: str  # "eog" | "stop_string" | "stop_check" | "max_tokens" | "cancelled"
    tokens: TokenReport
    eval_ms: float = 0.0  # all llama_decode time: the prompt and each generated token
    prompt_ms: float = 0.0  # the part of eval_ms spent on the prompt
    sample_ms: float = 0.0
    generated_ids: list[int] = field(default_factory=list)


class Backend(Protocol):
    """A loaded model. ``generate`` runs on the caller's thread (see worker.Engine)."""

    adds_space_prefix: bool

    def tokenize(self, text: str) -> list[int]: ...

    def detokenize(self, ids: list[int]) -> str: ...

    def generate(
        self, request: GenerationRequest, on_text: Callable[[str], None] | None = None
    ) -> GenerationResult: ...
