"""Top-level definitions run in a second, shallow pass: the rows must be the one query's."""

from __future__ import annotations

import pytest

from lsp_server.indexing.extract import Extraction, Extractor, extractor_for
from tests.unit.indexing.samples import SOURCES

# Several names on one node, from both passes (their order sets the nested scopes), and
# top-level definitions next to nested ones that look alike.
EXTRA = {
    "javascript": "const a = 1, f = () => { function g() {} }, b = 2;\n"
                  "let x = function () {}, y;\nfunction h() { const z = 3; }\n",
    "python": "X = 1\nclass A:\n    Y = 2\n    def m(self):\n        z = 3\n"
              "if True:\n    w = 4\ntype T = int\n",
    "c": "int a, b, *f(void);\nstatic int g(int x) { int y; return x; }\n",
    "go": "package p\nvar (\n\tv = 1\n\tw, u = 2, 3\n)\nfunc F() { var x = 1 }\n",
}


def one_query(language: str) -> Extractor:
    """An extractor that matches every pattern in one pass, as before the split."""
    single = Extractor(language)
    single.query, single.top_query = single._whole(), None
    return single


def both(language: str, source: str) -> tuple[Extraction, Extraction]:
    data = source.encode()
    split = extractor_for(language)
    assert split is not None
    return split.extract(data, source), one_query(language).extract(data, source)


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_samples_match_the_single_query(language: str) -> None:
    split, single = both(language, SOURCES[language])
    assert split == single


@pytest.mark.parametrize("language", sorted(EXTRA))
def test_shared_nodes_and_nesting_match_the_single_query(language: str) -> None:
    split, single = both(language, EXTRA[language])
    assert split == single
    assert split.symbols


def test_root_rooted_definitions_move_to_the_second_pass() -> None:
    python, rust = extractor_for("python"), extractor_for("rust")
    assert python is not None and python.top_query is not None
    assert rust is not None and rust.top_query is None  # no root-rooted patterns


def test_a_clash_falls_back_to_the_single_query() -> None:
    javascript = Extractor("javascript")
    source = EXTRA["javascript"]
    javascript.extract(source.encode(), source)
    assert javascript._whole_query is not None  # compiled for the clash only
