"""Rank fusion (RRF, overlaps, repeats of the local window) and the sources' time box."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from lsp_server.config import Settings
from lsp_server.documents.cursor import Cursor
from lsp_server.indexing.reader import IndexReader
from lsp_server.prompting.fim_request import LocalWindow
from lsp_server.retrieval import fusion
from lsp_server.retrieval import gather as gather_module
from lsp_server.retrieval.fusion import fuse
from lsp_server.retrieval.gather import gather
from lsp_server.retrieval.provider import ContextProvider
from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import Source, SourceEnv


def snip(path: str, start: int = 0, end: int = 4, text: str = "", source: str = "x") -> Snippet:
    return Snippet(path, start, end, text or f"def body_of_{path.replace('.', '_')}(): ...",
                   source)


def paths(snippets: list[Snippet]) -> list[str]:
    return [s.path for s in snippets]


def test_rrf_interleaves_sources_by_weight_and_rank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "WEIGHTS", {"definitions": 1.0, "similar": 0.8})
    definitions = [snip(f"d{i}.py") for i in range(20)]
    similar = [snip("s0.py"), snip("s1.py")]
    fused = fuse({"definitions": definitions, "similar": similar}, "")
    # Score weight / (60 + rank): 0.8 / 61 lies between 1 / 76 and 1 / 77, 0.8 / 62
    # between 1 / 77 and 1 / 78. Similar's best lands after the 16th definition.
    assert paths(fused) == ([f"d{i}.py" for i in range(16)] + ["s0.py", "d16.py", "s1.py"]
                            + [f"d{i}.py" for i in range(17, 20)])


def test_equal_weights_alternate_by_rank() -> None:
    assert fusion.WEIGHTS["definitions"] == fusion.WEIGHTS["similar"]
    fused = fuse({"definitions": [snip("d0.py"), snip("d1.py")],
                  "similar": [snip("s0.py"), snip("s1.py")]}, "")
    assert paths(fused) == ["d0.py", "s0.py", "d1.py", "s1.py"]  # ties: source order


def test_found_by_both_sources_ranks_above_found_by_one() -> None:
    both = snip("both.py")
    fused = fuse({"definitions": [snip("first.py"), both],
                  "similar": [snip("other.py"), both],
                  "recent": [both]}, "")
    assert paths(fused) == ["both.py", "first.py", "other.py"]  # and only once


def test_overlapping_snippets_of_one_file_keep_the_better() -> None:
    # An outline of the same file never clashes with a snippet of it.
    fused = fuse({"definitions": [snip("f.py", 0, 9, "def a(): ...")],
                  "similar": [snip("f.py", 2, 11, "def b(): ..."),  # 8 of 10 lines shared
                              snip("f.py", 8, 30, "def c(): ..."),  # 2 shared: kept
                              snip("g.py", 0, 9, "def d(): ...")],
                  "outline": [snip("f.py", 0, 40, "class F:", "outline")]}, "")
    # The outline ranks with each source's best (it is small and never changes).
    assert [s.text for s in fused] == ["def a(): ...", "class F:", "def c(): ...",
                                       "def d(): ..."]


def test_snippet_repeating_the_local_window_is_dropped() -> None:
    window = "def total(items):\n    count = len(items)\n    return sum(items) / count\n"
    repeat = snip("r.py", text="def total(items):\n    count = len(items)\n    x = 1\n")
    partly = snip("p.py", text="def total(items):\n    first = items[0]\n    last = items[-1]\n")
    fused = fuse({"similar": [repeat, partly]}, window)
    assert paths(fused) == ["p.py"]  # 2 of 3 lines is a repeat, 1 of 3 is not


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # let the late source's pool thread finish


def test_late_and_failing_sources_are_left_out(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    def fast(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
        return [snip("fast.py", text="def quick(): ...")]

    def slow(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
        release.wait(30)  # answers only after the test is over
        return [snip("slow.py", text="def late(): ...")]

    def broken(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
        raise RuntimeError("index went away")

    table: dict[str, Source] = {"fast": fast, "slow": slow, "broken": broken}
    monkeypatch.setattr(gather_module, "sources", lambda: table)
    query = ContextQuery(tmp_path / "a.py", tmp_path, "python", "x = 1\n", "", 1)
    env = SourceEnv(cast(IndexReader, None))  # these sources read nothing
    found = gather(query, env, ["fast", "slow", "broken", "unknown"], 50, "")
    assert paths(found.snippets) == ["fast.py"]
    assert found.late == ["slow"] and found.failed == ["broken"]
    assert set(found.ms) == {"fast", "total"}


def test_an_invoked_request_waits_longer_for_its_sources(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    def slowish(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
        release.wait(0.3)  # later than the keystroke's time box, well within the invoked one
        return [snip("slow.py", text="def late(): ...")]

    monkeypatch.setattr(gather_module, "sources", lambda: {"similar": slowish})
    settings = Settings(context_sources=["similar"], context_timeout_ms=50,
                        context_invoked_timeout_ms=5000)
    provider = ContextProvider(lambda: cast(IndexReader, object()), lambda: [tmp_path])
    cursor, window = Cursor("x = 1\n", "", 1, 0), LocalWindow("x = 1\n", "", 0, 1)
    requests = {}
    for invoked in (False, True):
        retrieve = provider.retrieve(tmp_path / "a.py", cursor, "python", settings, object(),
                                     invoked=invoked)
        assert retrieve is not None
        requests[invoked] = retrieve(window)
    typed, asked = requests[False], requests[True]
    assert typed is not None and asked is not None
    assert typed.report["late"] == ["similar"] and typed.snippets == []
    assert asked.report["late"] == [] and paths(asked.snippets) == ["slow.py"]
