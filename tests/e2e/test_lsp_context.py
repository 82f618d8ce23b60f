"""Repository context through the real server: an invoked completion packs the
definition from another file at once; typing (automatic requests) defers new context,
warms it when typing pauses, and then reuses it from the KV cache."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_server import protocol
from tests.e2e.lsp import inline_params, insert, lsp_session, open_doc, plain
from tests.e2e.test_lsp_index import ready_index

MAIN = "from shapes.geometry import circle_area\n\n\ndef report(r):\n    return \n"


def write_repo(root: Path) -> None:
    (root / "shapes").mkdir()
    (root / "shapes" / "geometry.py").write_text(
        "import math\n\n\ndef circle_area(radius: float) -> float:\n"
        '    """Area of a circle."""\n    return math.pi * radius ** 2\n')
    (root / "main.py").write_text(MAIN)


async def stats(client: LanguageClient) -> dict[str, Any]:
    result: dict[str, Any] = plain(await client.protocol.send_request_async(protocol.STATS, {}))
    return result


async def complete(client: LanguageClient, uri: str, line: int, col: int,
                   invoked: bool) -> None:
    params = inline_params(uri, line, col)
    if invoked:
        params.context.trigger_kind = types.InlineCompletionTriggerKind.Invoked
    await client.text_document_inline_completion_async(params)


@pytest.mark.parametrize("through_link", [False, True])
async def test_invoked_completion_packs_the_imported_definition(
    tiny_model: Callable[..., Path], tmp_path: Path, through_link: bool
) -> None:
    """Also in a workspace opened through a symlink, where the snippet was named by its
    bare file name (``geometry.py``)."""
    write_repo(tmp_path)
    root = tmp_path
    if through_link:
        root = tmp_path.parent / f"{tmp_path.name}-link"
        root.symlink_to(tmp_path)
    options = {"model": str(tiny_model("qwen", emit="a")), "maxTokens": 2, "nCtx": 1024,
               "speculative": False}
    async with lsp_session(root, options) as client:
        await ready_index(client)
        uri = open_doc(client, root / "main.py", MAIN)
        await complete(client, uri, 4, 11, invoked=True)
        last = (await stats(client))["last"]
        assert last["context"]["tokens"] > 0 and last["context"]["deferred"] == 0
        assert any(s.startswith("shapes/geometry.py:4-6 (definitions)")
                   for s in last["context"]["snippets"])


async def test_typing_defers_context_then_reuses_it_after_the_warm_up(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    write_repo(tmp_path)
    options = {"model": str(tiny_model("qwen", emit="a")), "maxTokens": 2, "nCtx": 1024,
               "speculative": False, "contextIdleMs": 50, "debounceMs": 0}
    async with lsp_session(tmp_path, options) as client:
        await ready_index(client)
        uri = open_doc(client, tmp_path / "main.py", MAIN)
        await complete(client, uri, 4, 11, invoked=False)
        first = (await stats(client))["last"]
        assert first["context"]["deferred"] >= 1 and first["context"]["snippets"] == []
        for _ in range(200):  # the pause: the warm-up evaluates the deferred blocks
            if (await stats(client))["completions"].get("warmed"):
                break
            await asyncio.sleep(0.05)
        assert (await stats(client))["completions"]["warmed"] == 1
        insert(client, uri, 2, 4, 11, "c")
        await complete(client, uri, 4, 12, invoked=False)
        second = (await stats(client))["last"]
        assert second["context"]["deferred"] == 0 and second["context"]["snippets"]
        assert second["tokens"]["reused"] >= second["context"]["tokens"]
        assert second["tokens"]["evaluated"] <= 3  # only the typed character's tokens
