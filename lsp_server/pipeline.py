"""Inline completion as a list of stages, each timed, each a cancellation point:

    ticket (id, deadline, supersede older) -> debounce -> typing-through cache
    -> model -> prompt with repository context (off the event loop) -> generation
    (engine thread) -> filters -> safety scan (block: nothing shown; warn: shown, and a
    notice) -> cache, stats -> later, when typing pauses: warm the deferred context

``InlinePipeline`` serves the language server: the event loop only awaits, never runs
the model. ``complete`` runs the same stages synchronously for the CLI and benchmarks.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lsp_server.caching import CompletionCache
from lsp_server.documents.cursor import Cursor
from lsp_server.errors import LlamaLspError
from lsp_server.generation.backend import GenerationResult, TokenReport
from lsp_server.generation.holder import ModelHolder
from lsp_server.generation.loader import LoadedModel
from lsp_server.postprocessing import postprocess
from lsp_server.prompting.fim_request import PreparedFim, Retrieve, WindowState, prepare_fim
from lsp_server.retrieval.provider import ContextProvider
from lsp_server.safety import Issue, Policy, scan_completion
from lsp_server.stats import Stats
from lsp_server.tickets import Superseded, Tickets

if TYPE_CHECKING:
    from lsp_server.config import Settings

__all__ = ["Completion", "InlinePipeline", "WindowState", "complete"]

T = TypeVar("T")
log = logging.getLogger(__name__)


def accepted(cursor: Cursor, text: str) -> Cursor:
    """The cursor after ``text`` is inserted at it (the suggestion accepted)."""
    lines = text.split("\n")
    character = len(lines[-1]) + (cursor.character if len(lines) == 1 else 0)
    return Cursor(cursor.prefix + text, cursor.suffix, cursor.line + len(lines) - 1, character)


@dataclass
class Completion:
    text: str  # "" when nothing should be shown
    raw: str  # what the model generated, before the filters
    family: str
    prompt_ids: list[int]
    tokens: TokenReport
    stop_reason: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    cached: bool = False
    security: tuple[Issue, ...] = ()  # what the scan found (lines 1-based in ``text``)
    blocked: bool = False  # the scan hid it: ``text`` is ""
    context: dict[str, object] = field(default_factory=dict)  # what retrieval packed


def _finish(
    prepared: PreparedFim, result: GenerationResult, timings: dict[str, float],
    settings: Settings,
) -> Completion:
    """Filters, then the safety scan of what is left, in its context in the document."""
    start = time.perf_counter()
    truncated = result.stop_reason == "max_tokens"
    text = postprocess(result.text, prepared.filters, truncated=truncated) or ""
    scanned = time.perf_counter()
    cursor, language = prepared.filters.cursor, prepared.filters.language
    verdict = scan_completion(cursor.prefix, text, cursor.suffix, language,
                              policy=Policy.from_settings(settings))  # reads a few lines
    timings["postprocess"] = round((scanned - start) * 1000, 3)
    timings["scan"] = round((time.perf_counter() - scanned) * 1000, 3)
    timings.update(eval=round(result.eval_ms, 3), prompt_eval=round(result.prompt_ms, 3),
                   sample=round(result.sample_ms, 3))
    blocked = verdict.action == "block"
    return Completion("" if blocked else text, result.text, prepared.family,
                      prepared.prompt.ids, result.tokens, result.stop_reason, timings,
                      security=verdict.issues, blocked=blocked,
                      context=context_report(prepared))


def context_report(prepared: PreparedFim) -> dict[str, object]:
    """What the prompt holds besides the local window (the per-request report)."""
    if prepared.context is None:
        return {}
    packed = prepared.packed
    blocks = packed.context.blocks if packed else ()
    return {**prepared.context.report, "tokens": prepared.prompt.context_tokens,
            "snippets": [f"{b.snippet.path}:{b.snippet.start_line + 1}-"
                         f"{b.snippet.end_line + 1} ({b.snippet.source})" for b in blocks],
            "deferred": len(packed.deferred) if packed else 0}


def commit_context(prepared: PreparedFim, result: GenerationResult) -> None:
    """The prompt was evaluated: its context blocks are what the KV cache holds now."""
    if prepared.packed is not None and prepared.context is not None and (
            result.stop_reason != "cancelled" or result.tokens.generated):
        prepared.context.order.commit(prepared.packed.context.blocks)


def complete(
    model: LoadedModel, cursor: Cursor, settings: Settings, language: str,
    state: WindowState | None = None, retrieve: Retrieve | None = None,
) -> Completion:
    """Every stage for one cursor, synchronously (CLI, benchmarks)."""
    start = time.perf_counter()
    prepared = prepare_fim(model, cursor, settings, language, state, retrieve)
    prompt_ms = (time.perf_counter() - start) * 1000
    result = model.engine.submit(prepared.request).result()
    commit_context(prepared, result)
    generate_ms = (time.perf_counter() - start) * 1000 - prompt_ms
    return _finish(prepared, result, {"prompt": round(prompt_ms, 3),
                                      "generate": round(generate_ms, 3)}, settings)


def mid_word(cursor: Cursor) -> bool:
    """Typing inside an identifier (``pri|nt``): whatever the model writes would be glued to
    the text on the right, so automatic requests skip the model there (editors still ask
    explicitly, and those are answered)."""
    left, right = cursor.line_prefix[-1:], cursor.line_suffix[:1]
    return bool(left and right) and _word(left) and _word(right)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


class InlinePipeline:
    """The language server's inline completions: latest request per document wins."""

    def __init__(
        self, models: ModelHolder, settings: Callable[[], Settings],
        report: Callable[[LlamaLspError], None],
        notify: Callable[[str, Cursor, Completion], None] = lambda uri, cursor, done: None,
        context: ContextProvider | None = None,
        secret_file: Callable[[Path], bool] = lambda path: False,
    ) -> None:
        self.models = models
        self.secret_file = secret_file  # its text never goes into a prompt: no completion
        self.settings = settings
        self.report = report  # shown once by the session; the completion answers empty
        self.notify = notify  # security notices for a completion the scan flagged
        self.tickets = Tickets()
        self.cache = CompletionCache()
        self.stats = Stats()
        self.windows: dict[str, WindowState] = {}
        self.speculation: dict[str, threading.Event] = {}  # uri -> cancel, one at a time
        self.context = context  # repository context; None: the local window only
        self.warming: dict[str, threading.Event] = {}  # uri -> cancel of its context warm-up
        self._requests: dict[str, int] = {}  # uri -> requests so far (is the user idle?)
        self.last: dict[str, object] | None = None  # the latest answered request's report
        self._background: set[asyncio.Task[None]] = set()

    async def complete(self, uri: str, cursor: Cursor, language: str, *,
                       automatic: bool = True, path: Path | None = None) -> Completion | None:
        """The completion at ``cursor``, or None when superseded, cancelled, late, or not
        worth asking for (``automatic`` requests in the middle of a word).

        Automatic requests (typing) only use context the KV cache holds already and warm
        the rest once typing pauses; an invoked request (the user asked and waits) uses
        all of it at once.
        """
        settings = self.settings()
        self.speculation.pop(uri, threading.Event()).set()  # the user moved on: stop it
        for warming in self.warming.values():  # any keystroke goes first on the one engine
            warming.set()
        self._requests[uri] = self._requests.get(uri, 0) + 1
        if self.context is not None and path is not None:
            self.context.activity.viewed(path, cursor.line)
        ticket = self.tickets.open(uri, settings.request_timeout_ms / 1000)
        start = time.perf_counter()
        self.stats.count("requested")
        try:
            if automatic and mid_word(cursor):
                self.stats.count("skipped")
                return None
            if path is not None and self.secret_file(path):
                self.stats.count("secret")
                return None
            if settings.debounce_ms:
                await asyncio.sleep(settings.debounce_ms / 1000)
                ticket.check()
            cached = self.cache.lookup(uri, cursor.prefix, cursor.suffix)
            self.stats.count("cache_hits" if cached else "cache_misses")
            if cached is not None:
                return self._answer(Completion(cached, cached, "", [], TokenReport(), "cache",
                                               cached=True), start)
            remaining = max(0.0, ticket.deadline - time.monotonic())
            model = await self.models.get(remaining)
            ticket.check()
            retrieve = self._retrieve(path, cursor, language, settings, model, automatic)
            prepared = await self._timed("prompt", asyncio.to_thread(
                prepare_fim, model, cursor, settings, language,
                self.windows.setdefault(uri, WindowState()), retrieve))
            ticket.check()
            prepared.request.cancel = ticket.cancel
            self.stats.count("model_calls")
            handle = model.engine.submit(prepared.request)
            started = time.perf_counter()
            result = await self._timed("generate", asyncio.wrap_future(handle.future))
            commit_context(prepared, result)
            ticket.check()  # superseded while generating: its answer is stale
            completion = _finish(prepared, result, {
                "generate": round((time.perf_counter() - started) * 1000, 3)}, settings)
            self.stats.time("postprocess", completion.timings_ms["postprocess"])
            self.stats.time("scan", completion.timings_ms["scan"])
            if completion.security:
                self.stats.count("blocked" if completion.blocked else "warned")
                self.notify(uri, cursor, completion)
            self.stats.add_tokens(prompt=result.tokens.prompt, reused=result.tokens.reused,
                                  evaluated=result.tokens.evaluated,
                                  generated=result.tokens.generated,
                                  shifted=result.tokens.shifted, dropped=result.tokens.dropped,
                                  context=prepared.prompt.context_tokens)
            self.last = {"tokens": asdict(result.tokens), "context": completion.context}
            if prepared.packed is not None and prepared.packed.deferred:
                self._warm_later(uri, cursor, language, path, model, settings)
            self.cache.store(uri, cursor.prefix, cursor.suffix, completion.text)
            if settings.speculative and completion.text and self.cache.capacity:
                self._speculate(uri, accepted(cursor, completion.text), language, path,
                                model, settings)
            return self._answer(completion, start)
        except (Superseded, TimeoutError):
            self.stats.count("superseded")
            return None
        except LlamaLspError as exc:  # no model, cannot infill, prompt too long...
            self.stats.count("failed")
            self.report(exc)
            return None
        except asyncio.CancelledError:  # $/cancelRequest
            ticket.cancel.set()
            self.stats.count("cancelled")
            raise
        finally:
            self.tickets.close(ticket)

    def _speculate(self, uri: str, cursor: Cursor, language: str, path: Path | None,
                   model: LoadedModel, settings: Settings) -> None:
        """While the user reads the suggestion, complete as if it were accepted, so that
        accepting it shows the next one from the cache at once. Any newer request for the
        document cancels this before its next token; it never delays one."""
        cancel = threading.Event()
        self.speculation[uri] = cancel
        self._in_background(self._speculation(uri, cursor, language, path, model, settings,
                                              cancel))

    async def _speculation(self, uri: str, cursor: Cursor, language: str, path: Path | None,
                           model: LoadedModel, settings: Settings,
                           cancel: threading.Event) -> None:
        try:
            done = await self._evaluate_quietly(uri, cursor, language, path, model, settings,
                                                cancel, automatic=True)
            if done is not None and not cancel.is_set() and done[1].stop_reason != "cancelled":
                completion = _finish(*done, {}, settings)
                if not completion.security:  # flagged: generated again when asked, and noticed
                    self.cache.store(uri, cursor.prefix, cursor.suffix, completion.text)
                    self.stats.count("speculated")
        except (LlamaLspError, RuntimeError) as exc:  # best effort: never shown to the user
            log.debug("speculative completion dropped: %s", exc)
        finally:
            if self.speculation.get(uri) is cancel:
                del self.speculation[uri]

    async def _evaluate_quietly(
        self, uri: str, cursor: Cursor, language: str, path: Path | None, model: LoadedModel,
        settings: Settings, cancel: threading.Event, *, automatic: bool,
        max_tokens: int | None = None,
    ) -> tuple[PreparedFim, GenerationResult] | None:
        """Prompt and generation for background work (speculation, warm-ups): ``cancel``
        stops it at the next token or batch; None when cancelled before it started."""
        retrieve = self._retrieve(path, cursor, language, settings, model, automatic)
        prepared = await asyncio.to_thread(prepare_fim, model, cursor, settings, language,
                                           self.windows.setdefault(uri, WindowState()),
                                           retrieve)
        if cancel.is_set():
            return None
        prepared.request.cancel = cancel
        if max_tokens is not None:
            prepared.request.max_tokens = max_tokens
        result = await asyncio.wrap_future(model.engine.submit(prepared.request).future)
        commit_context(prepared, result)
        return prepared, result

    def _retrieve(self, path: Path | None, cursor: Cursor, language: str, settings: Settings,
                  model: LoadedModel, automatic: bool) -> Retrieve | None:
        if self.context is None or settings.max_context_tokens == 0:
            return None
        return self.context.retrieve(path, cursor, language, settings, model,
                                     invoked=not automatic)

    def _warm_later(self, uri: str, cursor: Cursor, language: str, path: Path | None,
                    model: LoadedModel, settings: Settings) -> None:
        """Once typing pauses, evaluate the prompt with the deferred context (generating
        nothing), so that the next keystroke finds all of it in the KV cache."""
        cancel = threading.Event()
        self.warming[uri] = cancel
        self._in_background(self._warm(uri, cursor, language, path, model, settings, cancel,
                                       self._requests.get(uri, 0)))

    async def _warm(self, uri: str, cursor: Cursor, language: str, path: Path | None,
                    model: LoadedModel, settings: Settings, cancel: threading.Event,
                    seen: int) -> None:
        try:
            await asyncio.sleep(settings.context_idle_ms / 1000)
            if cancel.is_set() or self._requests.get(uri, 0) != seen:
                return  # still typing: the next answer schedules it again
            done = await self._evaluate_quietly(uri, cursor, language, path, model, settings,
                                                cancel, automatic=False, max_tokens=0)
            if done is not None and done[1].stop_reason != "cancelled":
                self.stats.count("warmed")
                self.stats.add_tokens(warm_evaluated=done[1].tokens.evaluated)
        except (LlamaLspError, RuntimeError) as exc:  # best effort, like speculation
            log.debug("context warm-up dropped: %s", exc)
        finally:
            if self.warming.get(uri) is cancel:
                del self.warming[uri]

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _timed(self, stage: str, work: Awaitable[T]) -> T:
        start = time.perf_counter()
        try:
            return await work
        finally:
            self.stats.time(stage, (time.perf_counter() - start) * 1000)

    def _answer(self, completion: Completion, start: float) -> Completion:
        total = (time.perf_counter() - start) * 1000
        completion.timings_ms["total"] = round(total, 3)
        self.stats.time("total", total)
        if "generate" in completion.timings_ms:  # the daemon's own share of the request
            self.stats.time("overhead", total - completion.timings_ms["generate"])
        self.stats.count("answered" if completion.text else "empty")
        return completion
