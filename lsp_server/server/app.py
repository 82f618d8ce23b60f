"""pygls handlers: translate LSP <-> Session/pipeline, and nothing else.

Every handler has one shape: find the document -> build the domain request -> await the
session -> convert to LSP types (None / empty when there is nothing to show). Errors the
editor caused (unknown URI, position outside the document, malformed arguments) are LSP
error responses; model problems are shown once by the session and answer empty.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from lsp_server import __version__, protocol
from lsp_server.documents.cursor import Cursor, split_at, split_at_utf8, split_at_utf16
from lsp_server.errors import PositionError
from lsp_server.languages import canonical, language_of_file
from lsp_server.pipeline import accepted
from lsp_server.retrieval.provider import innermost
from lsp_server.server.jsonrpc import AnsweringProtocol
from lsp_server.server.progress import ScanProgress
from lsp_server.session import Session

log = logging.getLogger(__name__)
T = TypeVar("T")


class LlamaLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("llama-lsp", __version__, protocol_cls=AnsweringProtocol)
        self.session = Session(self._show_message, self._security_notice, self._index_progress)
        self.loop: asyncio.AbstractEventLoop | None = None  # set by initialize
        # The workspace folders as the editor names them -> as the index does (resolved)
        self.folder_names: dict[Path, Path] = {}

    def _show_message(self, message: str, error: bool) -> None:
        """Thread-safe: model loads fail on their own thread, and only the event loop may
        write to the client."""
        kind = types.MessageType.Error if error else types.MessageType.Info
        params = types.ShowMessageParams(type=kind, message=message)
        self.on_loop(self.window_show_message, params)
        self.on_loop(self.window_log_message, types.LogMessageParams(type=kind, message=message))

    def _security_notice(self, notice: protocol.SecurityNotice) -> None:
        """A flagged completion: the notification for extensions, a log line for all."""
        verb = "hidden" if notice["action"] == "block" else "shown with a warning"
        text = (f"llama-lsp: completion {verb}: {notice['rule']} ({notice['cwe']}, "
                f"{notice['severity']}) at line {notice['line'] + 1}: {notice['description']}")
        self.on_loop(self.window_log_message,
                     types.LogMessageParams(type=types.MessageType.Warning, message=text))
        self.on_loop(lambda params: self.protocol.notify(protocol.SECURITY_NOTICE, params),
                     notice)

    def _index_progress(self) -> ScanProgress | None:
        return None if self.loop is None else ScanProgress(self, self.loop)

    def on_loop(self, function: Callable[[T], object], argument: T) -> None:
        """Call ``function(argument)`` on the event loop, from any thread."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self.loop is None or running is self.loop:
            function(argument)
        else:
            self.loop.call_soon_threadsafe(function, argument)


server = LlamaLanguageServer()


def document(ls: LlamaLanguageServer, uri: str) -> TextDocument:
    doc: TextDocument | None = ls.workspace.text_documents.get(uri)
    if doc is None:
        raise JsonRpcInvalidParams(f"unknown document {uri}: open it first (didOpen)")
    return doc


def language_of(doc: TextDocument) -> str:
    """Our id for the document's language: the editor's, which knows a script without an
    extension and an unsaved buffer (an alias such as ``javascriptreact`` becomes ours),
    else the file's own (extension or ``#!`` line)."""
    if doc.language_id:
        return canonical(doc.language_id)
    return language_of_file(uri_path(doc.uri) or "", doc.source)


def cursor_at(ls: LlamaLanguageServer, doc: TextDocument, position: types.Position) -> Cursor:
    try:
        encoding = ls.workspace.position_encoding
        if encoding == types.PositionEncodingKind.Utf32:
            return split_at(doc.source, position.line, position.character)
        if encoding == types.PositionEncodingKind.Utf8:
            return split_at_utf8(doc.source, position.line, position.character)
        return split_at_utf16(doc.source, position.line, position.character)
    except PositionError as exc:
        raise JsonRpcInvalidParams(str(exc)) from exc


def uri_path(uri: str | None) -> Path | None:
    """The file a ``file:`` URI names, as the editor names it; None for a buffer that is
    not a file (``untitled:``)."""
    path = to_fs_path(uri) if uri else None
    return Path(path) if path else None


def document_path(ls: LlamaLanguageServer, uri: str | None) -> Path | None:
    """The document's file as the index names it: the workspace folder's part resolved,
    as the index resolves its folders (a workspace opened through a symlink, macOS's
    /var -> /private/var), and the rest as the editor named it, as the index walked it (a
    linked folder inside keeps its name). Without this, unsaved text never reached the
    index and snippets lost their folder."""
    path = uri_path(uri)
    if path is None or (given := innermost(path, ls.folder_names)) is None:
        return path
    return ls.folder_names[given] / path.relative_to(given)


def workspace_root(ls: LlamaLanguageServer, params: types.InitializeParams) -> Path | None:
    folders = params.workspace_folders or []
    root = uri_path(params.root_uri or (folders[0].uri if folders else None))
    return None if root is None else _indexed_folder(ls, root)


def workspace_folders(ls: LlamaLanguageServer,
                      folders: Sequence[types.WorkspaceFolder] | None) -> list[Path]:
    return [_indexed_folder(ls, path) for folder in folders or ()
            if (path := uri_path(folder.uri))]


def _indexed_folder(ls: LlamaLanguageServer, folder: Path) -> Path:
    """A workspace folder as the index names it (resolved); the editor's name for it is
    remembered for document_path."""
    real = ls.folder_names[folder] = folder.resolve()
    return real


@server.feature(types.INITIALIZE)
def initialize(ls: LlamaLanguageServer, params: types.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    options = params.initialization_options
    ls.session.configure(workspace_root(ls, params),
                         options if isinstance(options, dict) else None,
                         workspace_folders(ls, params.workspace_folders))


@server.feature(types.INITIALIZED)
def initialized(ls: LlamaLanguageServer, params: types.InitializedParams) -> None:
    ls.session.start_model()
    ls.session.start_index()


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def did_change_folders(
    ls: LlamaLanguageServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    ls.session.change_folders(workspace_folders(ls, params.event.added),
                              workspace_folders(ls, params.event.removed))


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(
    ls: LlamaLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    ls.session.change_configuration(params.settings)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LlamaLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """pygls has applied the change; the index overlays the unsaved text when typing pauses."""
    doc = ls.workspace.text_documents.get(params.text_document.uri)
    if doc is not None and (path := document_path(ls, doc.uri)) is not None:
        change = params.content_changes[-1] if params.content_changes else None
        span = getattr(change, "range", None)
        ls.session.document_edited(path, doc.source, span.start.line if span else None)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LlamaLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    if (path := document_path(ls, params.text_document.uri)) is not None:
        ls.session.index.saved_or_closed(path)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LlamaLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.session.pipeline.cache.clear(params.text_document.uri)
    if (path := document_path(ls, params.text_document.uri)) is not None:
        ls.session.index.saved_or_closed(path)


@server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
async def inline_completion(
    ls: LlamaLanguageServer, params: types.InlineCompletionParams
) -> types.InlineCompletionList | None:
    doc = document(ls, params.text_document.uri)
    automatic = params.context.trigger_kind != types.InlineCompletionTriggerKind.Invoked
    cursor, at, before = completed_from(ls, doc, params)
    completion = await ls.session.pipeline.complete(
        doc.uri, cursor, language_of(doc), automatic=automatic, path=document_path(ls, doc.uri))
    if completion is None or not completion.text:
        return types.InlineCompletionList(items=[])
    item = types.InlineCompletionItem(insert_text=before + completion.text, range=at)
    return types.InlineCompletionList(items=[item])


def completed_from(ls: LlamaLanguageServer, doc: TextDocument,
                   params: types.InlineCompletionParams) -> tuple[Cursor, types.Range, str]:
    """(the cursor to complete, the range the answer replaces, the text it starts with).

    With the editor's suggest widget open on an item (``selectedCompletionInfo``), the
    document is completed as if the item were accepted, and the answer is the item plus
    what follows, over the item's range: VS Code shows only suggestions that extend it.
    """
    selected = params.context.selected_completion_info
    if selected is None:
        at = types.Range(start=params.position, end=params.position)
        return cursor_at(ls, doc, params.position), at, ""
    start = cursor_at(ls, doc, selected.range.start)
    end = cursor_at(ls, doc, selected.range.end)
    if len(end.prefix) < len(start.prefix):
        raise JsonRpcInvalidParams("selectedCompletionInfo.range ends before it starts")
    replaced = Cursor(start.prefix, end.suffix, start.line, start.character)
    return accepted(replaced, selected.text), selected.range, selected.text


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions())
async def completion(
    ls: LlamaLanguageServer, params: types.CompletionParams
) -> types.CompletionList:
    """Fallback for clients without inline completion: one item with the suggestion."""
    doc = document(ls, params.text_document.uri)
    invoked = params.context is not None and (
        params.context.trigger_kind == types.CompletionTriggerKind.Invoked)
    result = await ls.session.pipeline.complete(
        doc.uri, cursor_at(ls, doc, params.position), language_of(doc),
        automatic=not invoked, path=document_path(ls, doc.uri))
    if result is None or not result.text:
        return types.CompletionList(is_incomplete=True, items=[])
    first_line = result.text.strip().split("\n", 1)[0]
    item = types.CompletionItem(
        label=first_line[:60] or result.text[:60], kind=types.CompletionItemKind.Snippet,
        detail="llama-lsp", insert_text_format=types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=types.Range(start=params.position, end=params.position),
                                 new_text=result.text),
        sort_text="0", preselect=True)
    return types.CompletionList(is_incomplete=True, items=[item])


@server.feature(protocol.STATS)
def stats(ls: LlamaLanguageServer, params: Any) -> dict[str, Any]:
    return ls.session.stats()


@server.feature(protocol.DID_ACCEPT)
def did_accept(ls: LlamaLanguageServer, params: Any) -> None:
    ls.session.record_feedback(accepted=True)


@server.feature(protocol.DID_DISMISS)
def did_dismiss(ls: LlamaLanguageServer, params: Any) -> None:
    ls.session.record_feedback(accepted=False)


@server.feature(types.SHUTDOWN)
def shutdown(ls: LlamaLanguageServer, params: Any) -> None:
    ls.session.close()

