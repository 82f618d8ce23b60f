"""The language server over stdio with a real LSP client (pytest-lsp) and real llama.cpp."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_server import protocol
from tests.e2e.lsp import inline_params, insert, lsp_session, open_doc, plain, send_raw

# An always-"a" model generating for a while; the deadline is far, so that a slow or busy
# machine still answers (at the default 20 s, 1500 tokens on a loaded CI core answered empty).
SLOW = {"maxTokens": 1500, "nCtx": 2048, "requestTimeoutMs": 120000}


async def stats(client: Any) -> dict[str, Any]:
    result: dict[str, Any] = plain(await client.protocol.send_request_async(protocol.STATS, {}))
    return result


def counts(snapshot: dict[str, Any]) -> dict[str, int]:
    completions: dict[str, int] = snapshot["completions"]
    return completions


async def test_capabilities_advertise_inline_completion_and_fallback(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    async with lsp_session(tmp_path, {"model": str(tiny_model("qwen"))}) as client:
        caps = client.init_result.capabilities
        assert isinstance(caps.inline_completion_provider, types.InlineCompletionOptions)
        assert caps.completion_provider is not None
        sync = caps.text_document_sync
        assert isinstance(sync, types.TextDocumentSyncOptions)
        assert sync.change == types.TextDocumentSyncKind.Incremental
        assert caps.workspace is not None and caps.workspace.workspace_folders is not None
        assert caps.workspace.workspace_folders.supported
        assert caps.execute_command_provider is not None
        assert set(caps.execute_command_provider.commands) == {
            protocol.EXPLAIN_COMMAND, protocol.ASK_COMMAND}


async def test_inline_completion_has_the_exact_replace_range(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 5}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "def f():\n    x = \n")
        result = await client.text_document_inline_completion_async(inline_params(uri, 1, 8))
        assert result is not None and len(result.items) == 1
        item = result.items[0]
        assert item.insert_text == "aaaaa"
        at = types.Position(line=1, character=8)
        assert item.range == types.Range(start=at, end=at)
        fallback = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at))
        assert fallback is not None and not isinstance(fallback, list)
        assert [i.text_edit.new_text for i in fallback.items if i.text_edit] == ["aaaaa"]


async def test_burst_of_edits_answers_only_the_last(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), **SLOW}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "x = \n")
        warm = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
        assert warm is not None and warm.items  # the model is loaded
        tasks = []
        for i in range(50):
            insert(client, uri, i + 2, 0, 4 + i, "b")
            tasks.append(asyncio.ensure_future(
                client.text_document_inline_completion_async(inline_params(uri, 0, 5 + i))))
            await asyncio.sleep(0)
        results = await asyncio.gather(*tasks)
        answered = [i for i, r in enumerate(results) if r is not None and r.items]
        assert answered == [49]  # no stale answer for any older edit
        snapshot = await stats(client)
        assert snapshot["pending"] == 0
        assert counts(snapshot)["superseded"] >= 49


async def test_cancel_request_stops_generation(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), **SLOW}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "x = \n")
        warm = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
        assert warm is not None
        before = (await stats(client))["tokens"]["generated"]
        # pytest-lsp sends a request only when awaited: start it as a task.
        request = asyncio.ensure_future(client.protocol.send_request_async(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(uri, 0, 3), msg_id="cancel-me"))
        await asyncio.sleep(0.05)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
        with pytest.raises(JsonRpcException):
            await request
        await asyncio.sleep(0.2)
        snapshot = await stats(client)
        assert counts(snapshot)["cancelled"] == 1 and snapshot["pending"] == 0
        assert snapshot["tokens"]["generated"] - before < 1500  # stopped well before the end


async def test_typing_through_a_suggestion_is_served_from_cache(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 6,
               "speculative": False}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "x = \n")
        first = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
        assert first is not None and first.items[0].insert_text == "aaaaaa"
        calls = counts(await stats(client))["model_calls"]
        insert(client, uri, 2, 0, 4, "aa")
        second = await client.text_document_inline_completion_async(inline_params(uri, 0, 6))
        assert second is not None and second.items[0].insert_text == "aaaa"
        snapshot = await stats(client)
        assert counts(snapshot)["model_calls"] == calls  # no model call
        assert snapshot["cache"]["hits"] == 1


async def test_a_selected_suggest_item_is_extended_over_its_range(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    """VS Code's suggest widget is open on ``path`` while ``os.pa`` is typed: the answer
    completes ``os.path`` and replaces the item's range with the item and what follows."""
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 3,
               "speculative": False}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "import os\nx = os.pa\n")
        params = inline_params(uri, 1, 9)
        item_range = types.Range(start=types.Position(line=1, character=7),
                                 end=types.Position(line=1, character=9))
        params.context.selected_completion_info = types.SelectedCompletionInfo(
            range=item_range, text="path")
        result = await client.text_document_inline_completion_async(params)
        assert result is not None and len(result.items) == 1
        text = result.items[0].insert_text
        # The item, then the model's own text (how much: healing re-spells "path"'s tail).
        assert isinstance(text, str) and text.startswith("path") and set(text[4:]) == {"a"}
        assert result.items[0].range == item_range
        params.context.selected_completion_info = types.SelectedCompletionInfo(
            range=types.Range(start=item_range.end, end=item_range.start), text="path")
        with pytest.raises(JsonRpcException, match="ends before it starts"):
            await client.text_document_inline_completion_async(params)
        alone = await client.text_document_inline_completion_async(inline_params(uri, 1, 9))
        assert alone is not None and set(str(alone.items[0].insert_text)) == {"a"}
        at = types.Position(line=1, character=9)
        assert alone.items[0].range == types.Range(start=at, end=at)


async def test_neovim_positions_in_utf8_bytes_are_understood(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    """Neovim 0.11 offers UTF-8 positions first, and the server takes them: a cursor after
    non-ASCII text is a byte count (read as UTF-16 units it fell outside the line)."""
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 3,
               "speculative": False}
    async with lsp_session(tmp_path, options, editor="neovim@v0.11.0") as client:
        capabilities = client.init_result.capabilities
        assert capabilities.position_encoding == types.PositionEncodingKind.Utf8
        line = "naïve = 'é' + "
        uri = open_doc(client, tmp_path / "m.py", f"{line}\n")
        at = len(line.encode("utf-8"))
        result = await client.text_document_inline_completion_async(inline_params(uri, 0, at))
        assert result is not None and set(str(result.items[0].insert_text)) == {"a"}
        with pytest.raises(JsonRpcException, match="outside"):
            await client.text_document_inline_completion_async(inline_params(uri, 0, at + 1))


@pytest.mark.parametrize("name", [".env", "deploy/id_rsa.key", "client_secret_1.json"])
async def test_no_completion_inside_a_secrets_file(
    tiny_model: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    """Typing in ``.env`` (or a key, a credentials file): nothing of it goes to the model,
    although the file is open; other files still complete."""
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 3,
               "speculative": False}
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / name, "DB_HOST=db.internal\nDB_PASSWORD=\n")
        result = await client.text_document_inline_completion_async(inline_params(uri, 1, 12))
        assert result is not None and not result.items
        snapshot = counts(await stats(client))
        assert snapshot["secret"] == 1 and snapshot.get("model_calls", 0) == 0
        other = open_doc(client, tmp_path / "m.py", "x = \n")
        result = await client.text_document_inline_completion_async(inline_params(other, 0, 4))
        assert result is not None and result.items[0].insert_text == "aaa"


async def test_malformed_requests_get_errors_and_the_server_keeps_serving(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 3}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "x = \n")
        with pytest.raises(JsonRpcException, match="outside"):
            await client.text_document_inline_completion_async(inline_params(uri, 40, 0))
        with pytest.raises(JsonRpcException, match="unknown document"):
            await client.text_document_inline_completion_async(
                inline_params((tmp_path / "nope.py").as_uri(), 0, 0))
        with pytest.raises(JsonRpcException):
            await send_raw(client, types.TEXT_DOCUMENT_INLINE_COMPLETION, {"textDocument": 7})
        ok = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
        assert ok is not None and ok.items[0].insert_text == "aaa"


async def test_model_problems_are_shown_once_then_completions_are_empty(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tmp_path / "missing.gguf"), "nCtx": "lots"}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "x = \n")
        for _ in range(3):
            result = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
            assert result is not None and not result.items
        texts = [m.message for m in client.messages]
        assert sum("model file not found" in t for t in texts) == 1
        assert sum("nCtx" in t for t in texts) == 1  # the bad setting, named as sent, once
        nofim = {"model": str(tiny_model("nofim"))}
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"llamaLsp": nofim}))
        result = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
        assert result is not None and not result.items
        assert any("cannot fill in the middle" in m.message for m in client.messages)


async def test_configuration_changes_lie_over_the_initialization_options(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    """The model comes with initializationOptions (Neovim's ``init_options``); a change
    with empty settings keeps it, a change of maxTokens applies at once (not a cached
    suggestion of the old length), and the next change replaces that one."""
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 3,
               "speculative": False}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "x = \n")

        async def suggestion_after(settings: Any) -> str:
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings=settings))
            result = await client.text_document_inline_completion_async(
                inline_params(uri, 0, 4))
            assert result is not None and result.items, client.messages
            return str(result.items[0].insert_text)

        assert await suggestion_after({}) == "aaa"
        assert await suggestion_after({"llamaLsp": {"maxTokens": 5}}) == "aaaaa"
        assert await suggestion_after({"llamaLsp": {}}) == "aaa"
        assert await suggestion_after(None) == "aaa"
        assert not client.messages


@pytest.mark.model
async def test_real_model_completes_a_line_over_lsp(eval_model: Path, tmp_path: Path) -> None:
    async with lsp_session(tmp_path, {"model": str(eval_model)}) as client:
        text = "def add(a: int, b: int) -> int:\n    \n\n\nprint(add(2, 3))\n"
        uri = open_doc(client, tmp_path / "calc.py", text)
        result = await client.text_document_inline_completion_async(inline_params(uri, 1, 4))
        assert result is not None and result.items[0].insert_text == "return a + b"


async def test_speculative_completion_serves_the_next_suggestion_after_accepting(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 4,
               "speculative": True}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "x = \n")
        first = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
        assert first is not None and first.items[0].insert_text == "aaaa"
        for _ in range(200):  # computed in the background after the answer
            if counts(await stats(client)).get("speculated"):
                break
            await asyncio.sleep(0.05)
        calls = counts(await stats(client))["model_calls"]
        insert(client, uri, 2, 0, 4, "aaaa")  # the user accepts the suggestion
        second = await client.text_document_inline_completion_async(inline_params(uri, 0, 8))
        # (token healing re-generates the prompt's last token, so fewer new characters)
        assert second is not None and set(second.items[0].insert_text) == {"a"}
        snapshot = await stats(client)
        assert counts(snapshot)["model_calls"] == calls and snapshot["cache"]["hits"] == 1


async def test_automatic_requests_inside_a_word_skip_the_model(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 2,
               "speculative": False}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "m.py", "value = total\n")
        inside = await client.text_document_inline_completion_async(inline_params(uri, 0, 10))
        assert inside is not None and not inside.items  # "value = to|tal"
        snapshot = await stats(client)
        assert counts(snapshot)["skipped"] == 1 and counts(snapshot).get("model_calls", 0) == 0
        asked = inline_params(uri, 0, 10)
        asked.context.trigger_kind = types.InlineCompletionTriggerKind.Invoked
        invoked = await client.text_document_inline_completion_async(asked)
        assert invoked is not None and invoked.items  # the user asked: answered
        after = await client.text_document_inline_completion_async(inline_params(uri, 0, 13))
        assert after is not None and after.items  # end of the word: answered
