"""Edits cost what they change: unchanged chunks keep their rows, trees re-parse in place."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from lsp_server.indexing.extract import extractor_for
from lsp_server.indexing.rows import match_chunks
from lsp_server.indexing.trees import TreeCache, edit_between
from tests.unit.indexing.conftest import Indexed, write_tree

IndexRepo = Callable[..., Indexed]


def function(name: str, body: str = "return 1") -> str:
    return f"def {name}(a):\n    '''Doc of {name}.'''\n    {body}\n\n\n"


def chunk_rows(indexed: Indexed) -> dict[str, tuple[int, int, int]]:
    """name -> (chunk id, first line, last line)."""
    rows = indexed.store.conn.execute("SELECT name, id, start_line, end_line FROM chunks")
    return {name: (chunk_id, first, last) for name, chunk_id, first, last in rows}


def test_match_chunks_keeps_unchanged_text_and_moves_shifted_chunks() -> None:
    old = [(1, "function", "a", 0, 1, "def a(): 1", ""),
           (2, "function", "b", 3, 4, "def b(): 2", ""), (3, "statements", "", 6, 6, "x = 1", "")]
    new = [("function", "a", 0, 1, "def a(): 1", ""), ("function", "b", 5, 6, "def b(): 2", ""),
           ("function", "c", 8, 9, "def c(): 3", "")]
    moved, added, removed = match_chunks(old, new)
    assert moved == [(2, new[1])] and added == [new[2]] and removed == [3]
    assert match_chunks(old, [row[1:] for row in old]) == ([], [], [])


def test_an_edit_rewrites_only_the_chunks_it_touched(index_repo: IndexRepo) -> None:
    indexed = index_repo({"m.py": function("first") + function("second") + function("third")})
    before = chunk_rows(indexed)
    write_tree(indexed.root, {"m.py": "import os\n\n\n" + function("first")
                              + function("second", "return 2") + function("third")})
    os.utime(indexed.path("m.py"), ns=(1, 1))
    assert indexed.run().parsed == 1
    after = chunk_rows(indexed)
    assert after["first"][0] == before["first"][0] and after["third"][0] == before["third"][0]
    assert after["third"][1:] == (before["third"][1] + 3, before["third"][2] + 3)  # moved
    assert after["second"][0] != before["second"][0]  # its text changed
    assert [c.name for c in indexed.reader.search("return 2 second")][:1] == ["second"]
    texts = [c.text for c in indexed.reader.chunks(indexed.path("m.py"))]
    assert texts[0] == "import os" and "return 2" in texts[2] and len(texts) == 4
    fts = indexed.store.conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
    assert fts == indexed.store.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    assert [s.name for s in indexed.reader.symbols(indexed.path("m.py"))] == [
        "first", "second", "third"]


@pytest.mark.parametrize(("old", "new"), [
    (b"abc\ndef\n", b"abc\ndef\nghi\n"), (b"abc\ndef\n", b"abX\nYdef\n"), (b"", b"x\n"),
    (b"same", b"same"), (b"a\n" * 5000, b"a\n" * 2500 + b"b\n" + b"a\n" * 2500),
    (b"\xc3\xa9\xc3\xa9", b"\xc3\xa9x\xc3\xa9"),
])
def test_edit_between_spans_exactly_what_differs(old: bytes, new: bytes) -> None:
    edit = edit_between(old, new)
    if old == new:
        assert edit is None
        return
    assert edit is not None
    assert old[:edit.start_byte] == new[:edit.start_byte]
    assert old[edit.old_end_byte:] == new[edit.new_end_byte:]
    assert edit.start_byte <= min(edit.old_end_byte, edit.new_end_byte)
    row = old[:edit.old_end_byte].count(b"\n")
    assert edit.old_end_point == (row, edit.old_end_byte - (old.rfind(b"\n", 0,
                                                                    edit.old_end_byte) + 1))


def test_incremental_reparse_extracts_what_a_fresh_parse_does() -> None:
    extractor = extractor_for("python")
    assert extractor is not None
    base = "".join(function(f"f{i}") for i in range(600)).encode()
    versions = [base, base + b"def appended():\n    pass\n",
                base[:5000] + b"class Inserted:\n    x = 1\n\n" + base[5000:],
                base[:100] + base[9000:], b"x = (\n", base]
    trees = TreeCache(max_files=1)
    for source in versions:
        tree = trees.parse(extractor.parser, "python", "/m.py", source)
        text = source.decode()
        assert extractor.extract(source, text, tree) == extractor.extract(source, text)


def test_the_tree_cache_keeps_only_large_recent_files() -> None:
    extractor = extractor_for("python")
    assert extractor is not None
    big = b"x = 1\n" * 10000
    trees = TreeCache(max_bytes=len(big) * 2, max_files=4)
    for path in ("/a.py", "/b.py", "/c.py"):
        trees.parse(extractor.parser, "python", path, big)
    trees.parse(extractor.parser, "python", "/small.py", b"y = 2\n")
    assert list(trees._trees) == ["/b.py", "/c.py"]
