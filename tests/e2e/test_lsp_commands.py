"""``llama-lsp.explain`` / ``llama-lsp.ask`` over LSP: streamed $/progress, results, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import to_fs_path

from lsp_server import protocol
from tests.e2e.lsp import lsp_session, open_doc, plain

SOURCE = "def area(radius):\n    return 3.14159 * radius ** 2\n\n\nprint(area(2))\n"
SELECTION = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}


def command(name: str, arguments: dict[str, Any],
            token: str | None = None) -> types.ExecuteCommandParams:
    return types.ExecuteCommandParams(command=name, arguments=[arguments],
                                      work_done_token=token)


def listen(client: Any, token: str) -> None:
    """The client made this token: it listens on it (as an editor does, before it sends
    the request that names it)."""
    client.progress_reports.setdefault(token, [])


def streamed(client: Any, token: str) -> tuple[list[Any], str]:
    """The progress values sent on ``token`` and the text their reports carried."""
    values = list(client.progress_reports.get(token, []))
    reports = [v for v in values if isinstance(v, types.WorkDoneProgressReport)]
    return values, "".join(r.message or "" for r in reports)


async def test_explain_streams_the_text_in_order_then_returns_it(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("qwen", emit="a")), "explainMaxTokens": 9}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "geometry.py", SOURCE)
        listen(client, "x1")
        # The token in the LSP's own place (ExecuteCommandParams.workDoneToken), as Neovim
        # sends it; the ask test below passes it in the arguments.
        result = plain(await client.workspace_execute_command_async(command(
            protocol.EXPLAIN_COMMAND, {"uri": uri, "range": SELECTION}, token="x1")))
        assert result["text"] == "a" * 9
        values, text = streamed(client, "x1")
        assert isinstance(values[0], types.WorkDoneProgressBegin)
        assert isinstance(values[-1], types.WorkDoneProgressEnd)
        assert text == result["text"]  # every piece, in order, before the response
        assert len(values) > 3  # streamed in pieces, not one report at the end


async def test_ask_streams_an_answer_with_citations_the_editor_can_open(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "geometry.py").write_text(SOURCE)
    (tmp_path / "report.py").write_text("from geometry import area\n\nprint(area(3))\n")
    (tmp_path / ".env").write_text("API_KEY=area-secret\n")
    options = {"model": str(tiny_model("qwen", emit="a")), "askMaxTokens": 7}
    async with lsp_session(tmp_path, options) as client:
        listen(client, "q1")
        result = plain(await client.workspace_execute_command_async(command(
            protocol.ASK_COMMAND, {"question": "How is the area computed?",
                                   "workDoneToken": "q1"})))
        assert result["text"] == "a" * 7
        assert streamed(client, "q1")[1] == result["text"]
        cited = {c["path"] for c in result["citations"]}
        assert "geometry.py" in cited and ".env" not in cited
        for citation in result["citations"]:
            assert Path(str(to_fs_path(citation["uri"]))).is_file()
            assert citation["range"]["start"]["line"] <= citation["range"]["end"]["line"]
            assert citation["kind"] == "context"  # "aaaaaaa" cites nothing itself


async def test_explain_and_ask_refuse_a_selection_in_a_secrets_file(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("qwen", emit="a")), "explainMaxTokens": 2}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / ".env", "DB_HOST=db.internal\nDB_USER=app\n",
                       "dotenv")
        with pytest.raises(JsonRpcException, match="secrets file"):
            await client.workspace_execute_command_async(command(
                protocol.EXPLAIN_COMMAND, {"uri": uri, "range": SELECTION}))
        with pytest.raises(JsonRpcException, match="secrets file"):
            await client.workspace_execute_command_async(command(
                protocol.ASK_COMMAND, {"question": "what is DB_HOST?", "uri": uri,
                                       "range": SELECTION}))


async def test_commands_reject_malformed_arguments_and_keep_serving(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("qwen", emit="a")), "explainMaxTokens": 2}
    async with lsp_session(tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "geometry.py", SOURCE)
        bad = [
            (protocol.EXPLAIN_COMMAND, {"uri": uri}, "range"),
            (protocol.EXPLAIN_COMMAND, {"uri": uri, "range": {"start": 1}}, "range"),
            (protocol.EXPLAIN_COMMAND, {"uri": "file:///nope.py", "range": SELECTION},
             "unknown document"),
            (protocol.ASK_COMMAND, {"question": "  "}, "question"),
            ("llama-lsp.nothing", {}, "not defined"),
        ]
        for name, arguments, message in bad:
            with pytest.raises(JsonRpcException, match=message):
                await client.workspace_execute_command_async(command(name, arguments))
        ok = plain(await client.workspace_execute_command_async(command(
            protocol.EXPLAIN_COMMAND, {"uri": uri, "range": SELECTION})))
        assert ok["text"] == "aa"


async def test_commands_without_a_model_fail_with_the_reason(tmp_path: Path) -> None:
    async with lsp_session(tmp_path, {"model": str(tmp_path / "missing.gguf")}) as client:
        uri = open_doc(client, tmp_path / "geometry.py", SOURCE)
        with pytest.raises(JsonRpcException, match="not found"):
            await client.workspace_execute_command_async(command(
                protocol.EXPLAIN_COMMAND, {"uri": uri, "range": SELECTION}))
