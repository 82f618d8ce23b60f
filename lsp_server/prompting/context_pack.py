"""Choose the repository context that fits, in the order the KV cache already holds.

Snippets arrive best first; they are taken while their exact token counts fit the
context budget. Then the order: blocks already in the KV cache keep the order they have
there (so consecutive requests share the longest prefix, and a block that leaves only
shifts the ones after it), and new blocks go after them, the best one last (nearest the
local window). On the keystroke path new
blocks are not evaluated at all: they are ``deferred`` and the pipeline warms them in
the background once the user pauses (ARCHITECTURE.md, "Decisions that matter for speed").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from lsp_server.prompting.repo_context import Block, ContextRenderer, RepoContext
from lsp_server.retrieval.snippet import Snippet


class ContextOrder:
    """The order of the context blocks the KV cache holds (one per loaded model)."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._lock = threading.Lock()

    def arrange(self, chosen: list[Block], allow_new: bool) -> tuple[list[Block], list[Block]]:
        """(blocks for this prompt, blocks deferred to the background)."""
        with self._lock:
            cached = list(self._keys)
        by_key = {block.key: block for block in chosen}
        kept = [by_key[key] for key in cached if key in by_key]
        known = set(cached)
        # New blocks go after the cached ones, the best last: nearest the cursor, where
        # a model attends most. (Ordering every prompt from scratch, best last, was
        # measured on the 120 mid-line dev cases: the cross-file name 53 times instead
        # of 51, exact match equal. Keeping the cached order saves re-evaluating every
        # block a neighbouring request shares, ~1,000 tokens or ~6 s on a laptop CPU.)
        new = [block for block in reversed(chosen) if block.key not in known]
        return (kept + new, []) if allow_new else (kept, new)

    def commit(self, blocks: tuple[Block, ...] | list[Block]) -> None:
        """These blocks, in this order, are now what the KV cache holds."""
        with self._lock:
            self._keys = [block.key for block in blocks]

    @property
    def keys(self) -> list[str]:
        with self._lock:
            return list(self._keys)


@dataclass
class ContextRequest:
    """Everything packing needs besides the local window."""

    snippets: list[Snippet]
    repo_name: str
    path: str  # the current file, relative to its workspace folder
    order: ContextOrder
    allow_new: bool  # False on the keystroke path: new blocks are deferred
    report: dict[str, object] = field(default_factory=dict)  # retrieval's own figures


@dataclass(frozen=True)
class Packed:
    context: RepoContext
    deferred: tuple[Block, ...]


def pack(renderer: ContextRenderer, request: ContextRequest, budget: int,
         language: str) -> Packed | None:
    """The context for one prompt within ``budget`` tokens (None when nothing fits)."""
    header = renderer.header(request.repo_name, language)
    current = renderer.current(request.path, language)
    room = budget - len(header) - len(current)
    if room <= 0:
        return None
    chosen: list[Block] = []
    for snippet in request.snippets:
        block = renderer.block(snippet, language)
        if len(block.ids) <= room:
            chosen.append(block)
            room -= len(block.ids)
    blocks, deferred = request.order.arrange(chosen, request.allow_new)
    context = RepoContext(renderer.layout.place, header, tuple(blocks), current)
    return Packed(context, tuple(deferred))
