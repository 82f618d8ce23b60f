"""``workspace/executeCommand`` handlers: ``llama-lsp.explain`` and ``llama-lsp.ask``.

Like every handler they only translate: check the arguments (an LSP error names what is
wrong), call the assist library through the session off the event loop, stream its text
as ``$/progress`` reports, and shape the result as protocol.py documents it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.workspace import TextDocument

from lsp_server import protocol
from lsp_server.assist.ask import ask
from lsp_server.assist.explain import explain
from lsp_server.assist.index_retrieval import IndexRetriever
from lsp_server.assist.retrieval import Current, relative_path
from lsp_server.errors import LlamaLspError, SecretFileError
from lsp_server.generation.loader import LoadedModel
from lsp_server.server.app import (
    LlamaLanguageServer,
    document,
    document_path,
    language_of,
    server,
)
from lsp_server.server.progress import TextProgress

REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed


def _arguments(arguments: Any) -> Mapping[str, Any]:
    if not isinstance(arguments, Mapping):
        raise JsonRpcInvalidParams("the command takes one object argument")
    return arguments


def _lines(value: Any) -> tuple[int, int]:
    """0-based inclusive lines of an LSP range; a selection ending at column 0 of a line
    does not include that line."""
    try:
        start, end = value["start"], value["end"]
        first, last = int(start["line"]), int(end["line"])
        if last > first and int(end["character"]) == 0:
            last -= 1
    except (KeyError, TypeError, ValueError) as exc:
        raise JsonRpcInvalidParams(f"range must be an LSP Range, got {value!r}") from exc
    if first < 0 or last < first:
        raise JsonRpcInvalidParams(f"range {value!r} is empty or negative")
    return first, last


def _buffer(ls: LlamaLanguageServer, doc: TextDocument) -> tuple[Path | None, Path]:
    """(the document's file, or None for a buffer that is not one: VS Code's
    ``untitled:Untitled-1``, a notebook cell; what the model is shown: the file relative to
    the workspace, or the buffer's name). A selection in a secrets file is refused here."""
    path = document_path(ls, doc.uri)
    if path is None:
        name = PurePosixPath(unquote(urlparse(doc.uri).path)).name
        return None, Path(name or "untitled")
    _refuse_secret(ls, path)
    return path, Path(relative_path(path, _workspace(ls, path)))


def _workspace(ls: LlamaLanguageServer, near: Path | None) -> Path:
    root = ls.session.folder_of(near)
    if root is None and near is not None:
        root = near.parent
    if root is None:
        raise JsonRpcInvalidParams("no workspace folder: open a folder or pass a file's uri")
    return root


async def _run(ls: LlamaLanguageServer, arguments: Mapping[str, Any], title: str,
               work: Any) -> Any:
    progress = await TextProgress.open(ls, arguments.get("workDoneToken"), title)
    try:
        return await ls.session.assist(lambda model, cancel: work(model, cancel, progress))
    except LlamaLspError as exc:
        raise JsonRpcException(f"llama-lsp: {exc}", REQUEST_FAILED) from exc
    finally:
        progress.end("done")


def _refuse_secret(ls: LlamaLanguageServer, path: Path) -> None:
    """A selection in a secrets file is never shown to the model (explain or ask)."""
    if ls.session.is_secret_file(path):
        raise JsonRpcException(f"llama-lsp: {SecretFileError(path)}", REQUEST_FAILED)


@server.command(protocol.EXPLAIN_COMMAND)
async def explain_command(ls: LlamaLanguageServer, arguments: Any) -> dict[str, Any]:
    args = _arguments(arguments)
    doc = document(ls, str(args.get("uri")))
    first, last = _lines(args.get("range"))
    shown = _buffer(ls, doc)[1]
    language = language_of(doc)

    def work(model: LoadedModel, cancel: threading.Event, progress: TextProgress) -> str:
        return explain(model, ls.session.settings, path=shown, text=doc.source,
                       start_line=first, end_line=last, language=language,
                       on_text=progress.piece, cancel=cancel).text

    return {"text": await _run(ls, args, "Explaining the selection", work)}


@server.command(protocol.ASK_COMMAND)
async def ask_command(ls: LlamaLanguageServer, arguments: Any) -> dict[str, Any]:
    args = _arguments(arguments)
    question = args.get("question")
    if not isinstance(question, str) or not question.strip():
        raise JsonRpcInvalidParams("ask needs a non-empty question")
    current, buffer = None, None  # buffer: (name, uri) of a document that is not a file
    if args.get("uri") is not None:
        doc = document(ls, str(args["uri"]))
        lines = _lines(args["range"]) if args.get("range") is not None else None
        path, shown = _buffer(ls, doc)
        if path is None:  # shown by its name in the workspace; its citations open the buffer
            buffer, path = (shown.as_posix(), doc.uri), _workspace(ls, None) / shown
        current = Current(path, doc.source, lines)
    workspace = _workspace(ls, current.path if current else None)
    documents = {str(file): d.source for d in ls.workspace.text_documents.values()
                 if (file := document_path(ls, d.uri)) is not None}

    reader, settings = ls.session.index.reader, ls.session.settings
    retriever = None if reader is None else IndexRetriever(
        reader, workspace, current, secret_globs=tuple(settings.index_secret_globs))

    def work(model: LoadedModel, cancel: threading.Event, progress: TextProgress) -> Any:
        return ask(model, settings, question=question, workspace=workspace,
                   open_documents=documents, current=current, on_text=progress.piece,
                   cancel=cancel, retriever=retriever)

    answer = await _run(ls, args, "Answering", work)
    return {"text": answer.text, "citations": [{
        "uri": buffer[1] if buffer and c.path == buffer[0] else (workspace / c.path).as_uri(),
        "path": c.path, "kind": c.kind,
        "range": {"start": {"line": c.start_line, "character": 0},
                  "end": {"line": c.end_line + 1, "character": 0}},
    } for c in answer.citations]}
