"""Citations read back out of an answer: parsed, resolved to shown files, clamped."""

from __future__ import annotations

from lsp_server.assist.citations import Citation, answer_citations, parse_citations
from lsp_server.assist.retrieval import Chunk

FILES = {"src/config.py": 20, "src/app.py": 8, "README.md": 3}


def test_paths_with_lines_and_ranges() -> None:
    text = ("`parse_config` is defined in src/config.py:4-9 and used in (src/app.py:2). "
            "See `./src/config.py:12` too; an en dash works: src/app.py:3–5.")
    assert parse_citations(text, FILES) == [
        Citation("src/config.py", 3, 8), Citation("src/app.py", 1, 1),
        Citation("src/config.py", 11, 11), Citation("src/app.py", 2, 4),
    ]


def test_unknown_paths_are_dropped_and_short_paths_resolved() -> None:
    text = "See config.py:2, other.py:3, localhost:8080, 12:30 and app.py:7-100."
    assert parse_citations(text, FILES) == [
        Citation("src/config.py", 1, 1), Citation("src/app.py", 6, 7)]  # clamped to 8 lines


def test_ranges_are_clamped_and_each_is_kept_once() -> None:
    text = "README.md:0 README.md:9-2 README.md:1 README.md:1"
    assert parse_citations(text, FILES) == [Citation("README.md", 0, 0),
                                            Citation("README.md", 2, 2)]


def test_an_ambiguous_short_path_is_not_guessed() -> None:
    assert parse_citations("util.py:3", {"a/util.py": 9, "b/util.py": 9}) == []


def shown() -> list[Chunk]:
    return [Chunk("src/config.py", 3, 8, "...", 20), Chunk("src/app.py", 0, 2, "...", 8),
            Chunk("src/config.py", 10, 12, "...", 20)]


def test_a_named_file_stands_for_its_excerpts() -> None:
    assert answer_citations("It is defined in config.py.", shown()) == [
        Citation("src/config.py", 3, 8, "mentioned"), Citation("src/config.py", 10, 12,
                                                                "mentioned")]


def test_without_citations_the_shown_excerpts_are_the_context() -> None:
    cites = answer_citations("I do not know.", shown())
    assert [c.kind for c in cites] == ["context"] * 3
    assert [c.label for c in cites] == ["src/config.py:4-9", "src/app.py:1-3",
                                        "src/config.py:11-13"]
    assert answer_citations("see src/app.py:2", shown()) == [Citation("src/app.py", 1, 1)]
