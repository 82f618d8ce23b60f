"""Golden cases through the real filter chain (see cases/__init__.py for the format).

Each case is a document with a cursor, what a model wrote there and what the editor
should show. Besides the answer itself, streaming the raw text through ``early_stop``
(as the engine does, one token at a time) must never change the answer, and where the
filters cut the completion short, generation must stop before the raw text ran out.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from lsp_server.postprocessing import FilterContext, early_stop, postprocess
from tests.golden.cases import Case, load_cases

CASES = load_cases()
LANGUAGES = ("c", "go", "java", "javascript", "python", "rust", "typescript")
# Token-ish pieces: words, runs of spaces, line breaks and single punctuation, the way a
# BPE vocabulary splits code; "char" streams one character at a time (the worst case).
TOKEN = re.compile(r"\n|[ \t]+|\w+|.", re.DOTALL)


def pieces(text: str, how: str) -> list[str]:
    return list(text) if how == "char" else TOKEN.findall(text)


def stream(case: Case, how: str) -> str:
    """The text the engine would return with ``early_stop`` as its stop check."""
    check = early_stop(FilterContext(case.cursor, case.language))
    text = ""
    for piece in pieces(case.raw, how):
        text += piece
        keep = check(text)
        if keep is not None:
            return text[:keep]
    return text


def ctx(case: Case) -> FilterContext:
    return FilterContext(case.cursor, case.language)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_filters_produce_the_expected_completion(case: Case) -> None:
    assert case.raw, "a golden case needs a raw model output"
    assert postprocess(case.raw, ctx(case)) == case.expected, case.why


@pytest.mark.parametrize("how", ["char", "token"])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_early_stop_never_changes_the_answer(case: Case, how: str) -> None:
    assert postprocess(stream(case, how), ctx(case)) == postprocess(case.raw, ctx(case))


def filters_cut(case: Case) -> bool:
    """Whether the filters leave out the end of what the model wrote (not just blanks)."""
    content = case.raw.rstrip()
    kept = (case.expected or "").rstrip()
    return bool(content) and not (kept and content.endswith(kept))


@pytest.mark.parametrize("case", [c for c in CASES if filters_cut(c)], ids=lambda c: c.id)
def test_early_stop_saves_tokens_where_the_filters_cut(case: Case) -> None:
    stopped = stream(case, "token")
    assert len(stopped) < len(case.raw.rstrip()), "generation ran to the end of the raw text"


def test_every_language_has_enough_cases() -> None:
    per_language = Counter(case.language for case in CASES)
    assert len(CASES) >= 40
    assert all(per_language[language] >= 5 for language in LANGUAGES), per_language
    recorded = sum(case.source.startswith("recorded") for case in CASES)
    assert recorded * 2 >= len(CASES), "most raw outputs should come from a real model"
    assert all(case.why and case.source for case in CASES)
