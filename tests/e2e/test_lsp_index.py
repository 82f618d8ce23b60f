"""The workspace index inside the server: indexed at start with $/progress, kept current
with the editor's unsaved text, and used by the question panel."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_server import protocol
from tests.e2e.lsp import insert, lsp_session, open_doc, plain
from tests.e2e.test_lsp_commands import command


async def ready_index(client: LanguageClient) -> dict[str, Any]:
    for _ in range(200):
        snapshot = plain(await client.protocol.send_request_async(protocol.STATS, {}))
        if snapshot["index"] is not None:
            index: dict[str, Any] = snapshot["index"]
            return index
        await asyncio.sleep(0.05)
    raise AssertionError("the index never became ready")


def write_repo(root: Path) -> None:
    (root / "app" / "core").mkdir(parents=True)
    (root / "app" / "core" / "settings.py").write_text(
        "def parse_config(path):\n    \"\"\"Read the TOML file.\"\"\"\n    return {}\n")
    (root / "app" / "main.py").write_text(
        "from app.core.settings import parse_config\n\nparse_config('a.toml')\n")
    (root / "web.js").write_text("export function render(page) {\n  return page;\n}\n")
    (root / ".env").write_text("SECRET=parse_config\n")


async def test_the_workspace_is_indexed_with_progress_and_answers_questions(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    write_repo(tmp_path)
    options = {"model": str(tiny_model("qwen", emit="a")), "askMaxTokens": 3}
    async with lsp_session(tmp_path, options) as client:
        counts = await ready_index(client)
        assert counts["files"] == 3 and counts["symbols"] >= 2  # .env is never read
        runs = [values for token, values in client.progress_reports.items()
                if str(token).startswith("llama-lsp-index")]
        assert len(runs) == 1
        await asyncio.sleep(0.2)  # the end is sent right after the scan completes
        kinds = [type(value) for value in client.progress_reports[
            next(t for t in client.progress_reports if str(t).startswith("llama-lsp-index"))]]
        assert kinds[0] is types.WorkDoneProgressBegin
        assert kinds[-1] is types.WorkDoneProgressEnd
        result = plain(await client.workspace_execute_command_async(command(
            protocol.ASK_COMMAND, {"question": "What does parse_config return?"})))
        cited = [c["path"] for c in result["citations"]]
        assert cited[0] == "app/core/settings.py"  # the definition first, from the index
        assert ".env" not in cited


@pytest.mark.parametrize("link", ["none", "workspace", "folder inside"])
async def test_unsaved_text_reaches_the_index(
    tiny_model: Callable[..., Path], tmp_path: Path, link: str
) -> None:
    """Also with the workspace opened through a symlink (as macOS's /var is: the editor's
    URIs name the link, the index the real folder), and with the file in a folder that
    links outside the workspace (the index keeps the link's name for it)."""
    write_repo(tmp_path)
    root = tmp_path
    if link == "workspace":
        root = tmp_path.parent / f"{tmp_path.name}-link"
        root.symlink_to(tmp_path)
    elif link == "folder inside":
        outside = tmp_path.parent / f"{tmp_path.name}-app"
        (tmp_path / "app").rename(outside)
        (tmp_path / "app").symlink_to(outside)
    options = {"model": str(tiny_model("qwen", emit="a")), "askMaxTokens": 3,
               "indexOverlayMs": 0}
    async with lsp_session(root, options) as client:
        before = (await ready_index(client))["symbols"]
        path = root / "app" / "main.py"
        uri = open_doc(client, path, path.read_text())
        insert(client, uri, 2, 3, 0, "\ndef load_everything():\n    return 1\n")
        for _ in range(100):
            if (await ready_index(client))["symbols"] > before:
                break
            await asyncio.sleep(0.05)
        assert (await ready_index(client))["symbols"] == before + 1
        result = plain(await client.workspace_execute_command_async(command(
            protocol.ASK_COMMAND, {"question": "What does load_everything do?"})))
        assert result["citations"][0]["path"] == "app/main.py"
        assert path.read_text().count("load_everything") == 0  # only the editor has it


async def test_an_index_it_cannot_write_is_shown_once_and_completions_go_on(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    """cacheDir below a regular file: the index cannot be created. The editor is told
    once, with what to change, and inline completion still answers."""
    write_repo(tmp_path)
    (tmp_path / "not-a-folder").write_text("")
    options = {"model": str(tiny_model("qwen", emit="a")), "maxTokens": 2,
               "cacheDir": str(tmp_path / "not-a-folder" / "cache")}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "app" / "main.py", "x = \n")
        told: list[str] = []
        for _ in range(200):
            told = [m.message for m in client.messages
                    if "cannot write the repository index" in m.message]
            if told:
                break
            await asyncio.sleep(0.05)
        assert len(told) == 1 and "set cache_dir to a folder you can write" in told[0]
        for _ in range(2):  # later writes (the open document's text) are not told again
            result = await client.text_document_inline_completion_async(
                types.InlineCompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line=0, character=4),
                    context=types.InlineCompletionContext(
                        trigger_kind=types.InlineCompletionTriggerKind.Invoked)))
            assert result is not None and result.items and result.items[0].insert_text
        assert sum("cannot write the repository index" in m.message
                   for m in client.messages) == 1
