"""Documents that are not simply a file of the one workspace folder: an unsaved buffer
(``untitled:`` in VS Code) is completed, explained and asked about; a file of a second
workspace folder is named relative to that folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_server import protocol
from tests.e2e.lsp import inline_params, lsp_session, plain
from tests.e2e.test_lsp_commands import SELECTION, SOURCE, command

UNTITLED = "untitled:Untitled-1"


def open_untitled(client: LanguageClient, text: str) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=UNTITLED, language_id="python", version=1,
                                             text=text)))


async def test_an_untitled_buffer_is_completed_explained_and_asked_about(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("qwen", emit="a")), "explainMaxTokens": 3,
               "askMaxTokens": 3}
    async with lsp_session(tmp_path, options) as client:
        open_untitled(client, SOURCE)
        params = inline_params(UNTITLED, 4, 0)
        params.context.trigger_kind = types.InlineCompletionTriggerKind.Invoked
        listing = await client.text_document_inline_completion_async(params)
        assert listing is not None and listing.items[0].insert_text.startswith("a")
        explained = plain(await client.workspace_execute_command_async(command(
            protocol.EXPLAIN_COMMAND, {"uri": UNTITLED, "range": SELECTION})))
        assert explained["text"] == "aaa"
        asked = plain(await client.workspace_execute_command_async(command(
            protocol.ASK_COMMAND, {"question": "What does this do?", "uri": UNTITLED,
                                   "range": SELECTION})))
        assert asked["text"] == "aaa"
        # The selection is cited by the buffer's name, and opening it opens the buffer.
        pinned = [c for c in asked["citations"] if c["path"] == "Untitled-1"]
        assert [c["uri"] for c in pinned] == [UNTITLED]


async def test_a_file_in_a_second_workspace_folder_is_relative_to_that_folder(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    first, second = tmp_path / "app", tmp_path / "lib"
    (first / "src").mkdir(parents=True)
    (second / "geo").mkdir(parents=True)
    (first / "src" / "main.py").write_text("print('app')\n")
    (second / "geo" / "shapes.py").write_text(SOURCE)
    options = {"model": str(tiny_model("qwen", emit="a")), "askMaxTokens": 2}
    async with lsp_session(tmp_path, options, folders=[first, second]) as client:
        uri = (second / "geo" / "shapes.py").as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                                 text=SOURCE)))
        asked = plain(await client.workspace_execute_command_async(command(
            protocol.ASK_COMMAND, {"question": "What is the area?", "uri": uri,
                                   "range": SELECTION})))
        pinned = [c for c in asked["citations"] if c["range"]["start"]["line"] == 0]
        assert [(c["path"], c["uri"]) for c in pinned] == [("geo/shapes.py", uri)]
