"""``llama-lsp serve --tcp HOST:PORT``: the same server over a socket (for editors and the
team server that connect rather than spawn)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from tests.e2e.lsp import clean_env, inline_params, open_doc


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def connect(port: int) -> LanguageClient:
    client = LanguageClient("tcp-test", "1")
    for _ in range(100):  # the server imports llama.cpp before it listens
        try:
            await client.start_tcp("127.0.0.1", port)
            return client
        except OSError:
            await asyncio.sleep(0.1)
    raise AssertionError("the server never listened")


async def test_serve_over_tcp(tiny_model: Callable[..., Path], tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lsp_server.cli", "serve", "--tcp", f"127.0.0.1:{port}"],
        env=clean_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = await connect(port)
        result = await client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri(),
            initialization_options={"model": str(tiny_model("codellama", emit="a")),
                                    "maxTokens": 3, "indexEnabled": False}))
        assert isinstance(result.capabilities.inline_completion_provider,
                          types.InlineCompletionOptions)
        client.initialized(types.InitializedParams())
        uri = open_doc(client, tmp_path / "m.py", "x = \n")  # type: ignore[arg-type]
        answer = await client.text_document_inline_completion_async(inline_params(uri, 0, 4))
        assert answer is not None and answer.items[0].insert_text == "aaa"
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    finally:
        server.terminate()
        server.wait(timeout=10)
