"""The daemon's state behind the LSP handlers: settings, the model, the pipeline.

Handlers in server/ translate LSP to these calls and back; every decision (which
settings win, when a model reloads, what the user is told) is made here, testable
without an LSP connection.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from lsp_server.config import Settings
from lsp_server.config_loading import load_settings
from lsp_server.documents.cursor import Cursor
from lsp_server.errors import LlamaLspError
from lsp_server.generation.holder import ModelHolder
from lsp_server.generation.loader import LoadedModel
from lsp_server.index_keeper import IndexKeeper, ScanReporter
from lsp_server.indexing.policy import secret_document
from lsp_server.pipeline import Completion, InlinePipeline
from lsp_server.protocol import SETTINGS_SECTION, SecurityNotice
from lsp_server.retrieval.activity import Activity
from lsp_server.retrieval.provider import ContextProvider, folder_holding

log = logging.getLogger(__name__)

T = TypeVar("T")
# (message, is_error) -> shown to the user by the server (window/showMessage).
ShowMessage = Callable[[str, bool], None]
# A llama-lsp/securityNotice to send (and log) for a flagged completion.
SendNotice = Callable[[SecurityNotice], None]


class Session:
    def __init__(self, show_message: ShowMessage,
                 send_notice: SendNotice = lambda notice: None,
                 index_progress: Callable[[], ScanReporter | None] = lambda: None) -> None:
        self._show = show_message
        self._send_notice = send_notice
        self._shown: set[str] = set()
        self._lock = threading.Lock()
        self.workspace: Path | None = None
        self.folders: list[Path] = []  # every workspace folder (the index covers them all)
        self.index = IndexKeeper(index_progress, lambda message: self.tell_once(
            f"llama-lsp: {message}"))
        self._init_options: Mapping[str, Any] = {}
        self._editor_settings: Mapping[str, Any] = {}  # the latest didChangeConfiguration
        self.settings = Settings()
        self.last_error: str | None = None
        self.models = ModelHolder(self._model_failed)
        self.activity = Activity()  # recent edits and visits, for the context sources
        self.context = ContextProvider(lambda: self.index.reader, lambda: self.folders,
                                       self.activity)
        self.pipeline = InlinePipeline(self.models, lambda: self.settings, self._model_failed,
                                       self._flagged, self.context, self.is_secret_file)

    def tell_once(self, message: str, *, error: bool = True) -> None:
        """Each distinct message reaches the user at most once per session."""
        with self._lock:
            if message in self._shown:
                return
            self._shown.add(message)
        self._show(message, error)

    def _model_failed(self, exc: LlamaLspError) -> None:
        self.last_error = str(exc)
        self.tell_once(f"llama-lsp: {exc}")

    def _flagged(self, uri: str, cursor: Cursor, completion: Completion) -> None:
        """One notice per issue, its line in document terms (0-based, like LSP)."""
        action = "block" if completion.blocked else "warn"
        for issue in completion.security:
            self._send_notice(SecurityNotice(
                uri=uri, rule=issue.rule, cwe=issue.cwe, severity=issue.severity,
                line=cursor.line + issue.line - 1, description=issue.description,
                action=action))

    def configure(self, workspace: Path | None, init_options: Mapping[str, Any] | None,
                  folders: list[Path] | None = None) -> None:
        """Settings from the layered sources plus the editor's initializationOptions."""
        self.workspace = workspace
        self.folders = folders or ([workspace] if workspace else [])
        self._init_options = _unwrap(init_options)
        self._reload_settings()

    def change_configuration(self, settings: object) -> None:
        """workspace/didChangeConfiguration: these settings replace the previous change's,
        over the initializationOptions (which stay: Neovim users give the model in
        ``init_options`` and tweaks in ``settings``, and an empty ``settings`` must not
        unset the model)."""
        if isinstance(settings, Mapping):
            self._editor_settings = _unwrap(settings)
        self._reload_settings()
        self.pipeline.cache.clear()  # made by the old model, length or safety policy
        self.start_model()
        self.start_index()

    def _reload_settings(self) -> None:
        loaded = load_settings(workspace=self.workspace, init_options=self._init_options,
                               editor_settings=self._editor_settings)
        for problem in loaded.problems:
            self.tell_once(f"llama-lsp: {problem}")
        self.settings = loaded.settings
        self.pipeline.cache.capacity = self.settings.cache_size

    def document_edited(self, path: Path, text: str, line: int | None) -> None:
        """Unsaved text for the index; the edited line for the recent-edits source."""
        self.index.edited(path, text)
        if line is not None:
            self.activity.edited(path, line)

    def start_model(self) -> None:
        """Load (or keep) the model for the current settings, in the background."""
        self.models.load(self.settings)

    def start_index(self) -> None:
        """Index the workspace folders (or keep the index when nothing it needs changed)."""
        self.index.start(self.folders, self.settings)

    def folder_of(self, path: Path | None) -> Path | None:
        """The workspace folder a request about ``path`` works in: the innermost folder
        holding it, else the root (a file from elsewhere still asks about the project)."""
        holder = folder_holding(path, self.folders) if path is not None else None
        return holder or self.workspace

    def change_folders(self, added: list[Path], removed: list[Path]) -> None:
        self.folders = [f for f in self.folders if f not in removed] + [
            f for f in added if f not in self.folders]
        self.start_index()

    async def assist(self, work: Callable[[LoadedModel, threading.Event], T]) -> T:
        """Run ``work`` (explain, ask: blocking, streaming through callbacks) off the event
        loop with the loaded model; a cancelled request stops its generation."""
        model = await self.models.get(self.settings.request_timeout_ms / 1000)
        cancel = threading.Event()
        try:
            return await asyncio.to_thread(work, model, cancel)
        except asyncio.CancelledError:
            cancel.set()
            raise

    def stats(self) -> dict[str, Any]:
        snapshot = self.pipeline.stats.snapshot(self.pipeline.tickets.pending)
        model = self.models.loaded()
        snapshot["model"] = None if model is None else {
            "path": str(model.path), "family": model.fim.name if model.fim else None}
        snapshot["error"] = self.last_error
        snapshot["last"] = self.pipeline.last
        reader = self.index.reader
        snapshot["index"] = None if reader is None else reader.counts()
        return snapshot

    def is_secret_file(self, path: Path) -> bool:
        """A file whose text never goes into a prompt, even while it is open and typed
        in: ``.env``, keys, credential files (the index's secret globs, and
        ``index_secret_globs``)."""
        return secret_document(path, self.folders, self.settings.index_secret_globs)

    def record_feedback(self, accepted: bool) -> None:
        self.pipeline.stats.count("accepted" if accepted else "dismissed")

    def close(self) -> None:
        self.pipeline.tickets.cancel_all()
        self.index.close()
        self.models.close()


def _unwrap(options: object) -> Mapping[str, Any]:
    """Accept the options object itself or one nested under the "llamaLsp" section."""
    if not isinstance(options, Mapping):
        return {}
    inner = options.get(SETTINGS_SECTION)
    return inner if isinstance(inner, Mapping) else options
