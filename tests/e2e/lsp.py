"""Start ``llama-lsp serve`` as a subprocess and talk to it with a real LSP client."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp_server import protocol


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLAMA_LSP_")}
    env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_CACHE_HOME": str(home / ".cache")})
    return env


@asynccontextmanager
async def lsp_session(
    home: Path, options: dict[str, Any], editor: str = "visual-studio-code",
    folders: list[Path] | None = None,
) -> AsyncIterator[LanguageClient]:
    """A server process initialized like ``editor`` (captured capabilities), then shut down;
    ``folders`` opens a multi-root workspace (the first is the root)."""
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "lsp_server.cli", "serve"],
        server_env=clean_env(home),
    )
    client = await config.start(devtools=None)
    assert isinstance(client, LanguageClient)
    client.init_result = await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(editor),
        root_uri=(folders[0] if folders else home).as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name)
                           for f in folders] if folders else None,
        initialization_options=options,
    ))
    try:
        yield client
    finally:
        await client.shutdown_session()


def open_doc(client: LanguageClient, path: Path, text: str, language: str = "python") -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


def inline_params(uri: str, line: int, character: int) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(
            trigger_kind=types.InlineCompletionTriggerKind.Automatic),
    )


def insert(client: LanguageClient, uri: str, version: int, line: int, character: int,
           text: str) -> None:
    """An incremental didChange that types ``text`` at a position."""
    at = types.Position(line=line, character=character)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=at, end=at), text=text)]))


plain = protocol.as_json  # results as dicts and lists


async def send_raw(client: LanguageClient, method: str, params: Any) -> Any:
    """Send a request whose params bypass the client's typed serialization (to send
    malformed ones) and await its response like any other."""
    msg_id = str(uuid.uuid4())
    future: Future[Any] = Future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method,
                                "params": params})
    return await asyncio.wrap_future(future)
