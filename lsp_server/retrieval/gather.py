"""Run the context sources in parallel, each within the time box; late ones are dropped.

The keystroke never waits longer than ``context_timeout_ms`` for context: a source that
has not answered by then (a cold disk, a huge file) is left out of this request and its
thread finishes in the background. What each source took is reported.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from lsp_server.retrieval.fusion import fuse
from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import Source, SourceEnv, sources

log = logging.getLogger(__name__)
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llama-lsp-retrieval")


@dataclass
class Gathered:
    snippets: list[Snippet]
    late: list[str] = field(default_factory=list)  # sources dropped by the time box
    failed: list[str] = field(default_factory=list)
    ms: dict[str, float] = field(default_factory=dict)  # per source that answered


def gather(query: ContextQuery, env: SourceEnv, names: list[str], timeout_ms: float,
           local_window: str) -> Gathered:
    table = sources()
    start = time.perf_counter()
    futures: dict[str, Future[tuple[list[Snippet], float]]] = {
        name: _POOL.submit(_timed, table[name], query, env) for name in names if name in table}
    wait(futures.values(), timeout=timeout_ms / 1000)
    result = Gathered([])
    ranked: dict[str, list[Snippet]] = {}
    for name, future in futures.items():
        if not future.done():
            result.late.append(name)
        elif (error := future.exception()) is not None:
            log.warning("context source %s failed: %s", name, error)
            result.failed.append(name)
        else:
            ranked[name], ms = future.result()
            result.ms[name] = round(ms, 3)
    result.snippets = fuse(ranked, local_window)
    result.ms["total"] = round((time.perf_counter() - start) * 1000, 3)
    return result


def _timed(source: Source, query: ContextQuery, env: SourceEnv) -> tuple[list[Snippet], float]:
    start = time.perf_counter()
    found = source(query, env)
    return found, (time.perf_counter() - start) * 1000
