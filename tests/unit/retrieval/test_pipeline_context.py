"""The inline pipeline with repository context: keystrokes never evaluate new context,
a pause warms it in the background, and the next keystroke finds it in the KV cache.

Real parts throughout: ModelHolder loading a tiny GGUF, InlinePipeline, ContextProvider
over a real index. Only the waits for the background warm-up are polled (bounded).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest

from lsp_server.documents.cursor import Cursor
from lsp_server.errors import LlamaLspError
from lsp_server.generation.holder import ModelHolder
from lsp_server.pipeline import Completion, InlinePipeline
from tests.unit.retrieval.conftest import Files, Workspace, cursor_at_end, settings
from tests.unit.retrieval.test_context_prompt import REPO, SIGNATURE

URI = "file:///repo/app/main.py"
WAIT_S = 60.0  # an upper bound for a busy machine, not a speed claim


@dataclass
class Editor:
    pipe: InlinePipeline
    path: Path

    async def complete(self, cursor: Cursor, *, automatic: bool) -> Completion:
        done = await self.pipe.complete(URI, cursor, "python", automatic=automatic,
                                        path=self.path)
        assert done is not None
        return done

    def prompt_text(self, done: Completion) -> str:
        loaded = self.pipe.models.loaded()
        assert loaded is not None
        return loaded.backend.detokenize(done.prompt_ids)


def snippets(done: Completion) -> list[str]:
    return cast(list[str], done.context["snippets"])


@pytest.fixture
async def editor(workspace: Callable[[Files], Workspace],
                 tiny_model: Callable[..., Path]) -> AsyncIterator[Editor]:
    repo = workspace(REPO)
    errors: list[LlamaLspError] = []
    # Every source (the cursor's own place never comes back as a block); no speculation.
    config = settings(model=str(tiny_model("qwen")), context_idle_ms=10, speculative=False)
    holder = ModelHolder(errors.append)
    holder.load(config)
    pipe = InlinePipeline(holder, lambda: config, errors.append, context=repo.provider)
    yield Editor(pipe, repo.path("app/main.py"))
    assert errors == []
    loaded = holder.loaded()
    if loaded is not None:
        loaded.close()


async def test_keystrokes_defer_new_context_until_a_pause_warms_it(editor: Editor) -> None:
    cursor = cursor_at_end(REPO["app/main.py"])
    first = await editor.complete(cursor, automatic=True)
    # A fresh KV cache holds no block: all of them wait (the header and the current
    # file's name are in the prompt already; they are stable).
    assert snippets(first) == [] and first.context["deferred"] == first.context["found"]
    assert cast(int, first.context["deferred"]) >= 2
    assert SIGNATURE not in editor.prompt_text(first)
    stats = editor.pipe.stats
    deadline = time.monotonic() + WAIT_S
    while stats.counts["warmed"] < 1:
        assert time.monotonic() < deadline, "the context warm-up never ran"
        await asyncio.sleep(0.01)
    assert stats.tokens["warm_evaluated"] > 0
    typed = Cursor(cursor.prefix + "ci", cursor.suffix, cursor.line, cursor.character + 2)
    second = await editor.complete(typed, automatic=True)
    assert second.context["deferred"] == 0 and len(snippets(second)) >= 2
    context_tokens = cast(int, second.context["tokens"])
    assert context_tokens > 0 and SIGNATURE in editor.prompt_text(second)
    assert second.tokens.reused >= context_tokens  # warmed: not evaluated on the keystroke
    assert second.tokens.evaluated < second.tokens.prompt - context_tokens
    assert editor.pipe.warming == {}  # nothing left to warm


async def test_an_invoked_request_uses_new_context_at_once(editor: Editor) -> None:
    done = await editor.complete(cursor_at_end(REPO["app/main.py"]), automatic=False)
    assert done.context["deferred"] == 0 and len(snippets(done)) >= 2
    assert any(s.startswith("shapes/geometry.py:") for s in snippets(done))
    assert SIGNATURE in editor.prompt_text(done)
    assert editor.pipe.warming == {} and editor.pipe.stats.counts["warmed"] == 0
