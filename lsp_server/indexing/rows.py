"""Pure helpers of the writer: a file's module keys, and which of its chunks an edit touched.

A file that is already indexed keeps its row id and every chunk whose text did not change.
Rewriting all of a file's chunks made an edit cost in proportion to the file, not to the
edit: FTS5 tokenizes a chunk's text again to delete it, tokenizes the new text to insert
it, and the commit then flushes and merges that much index (about 100 ms for a 750 KB
file). Matching old and new chunks by text leaves FTS5 only the chunks that changed;
chunks that merely moved (lines inserted above them) or were renamed get an ``UPDATE``
of their ``chunks`` row, which FTS5 never sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from lsp_server.indexing.chunking import ChunkRow

MODULE_FILE_STEMS = frozenset({"__init__", "index", "mod"})

# A stored chunk: id, kind, name, first line, last line, text, terms.
OldChunk = tuple[int, str, str, int, int, str, str]


def match_chunks(old: Iterable[OldChunk], new: Sequence[ChunkRow]
                 ) -> tuple[list[tuple[int, ChunkRow]], list[ChunkRow], list[int]]:
    """``(moved, added, removed)``: how to turn a file's stored chunks into ``new``.

    ``moved``: (stored id, new row) pairs whose text is unchanged but whose kind, name or
    lines differ; ``added``: rows to insert; ``removed``: stored ids to delete. A chunk
    whose text and place are both unchanged appears in none of them.
    """
    by_text: dict[tuple[str, str], list[OldChunk]] = {}
    for chunk in old:
        by_text.setdefault((chunk[5], chunk[6]), []).append(chunk)
    moved: list[tuple[int, ChunkRow]] = []
    added: list[ChunkRow] = []
    for row in new:
        same = by_text.get((row[4], row[5]))
        if not same:
            added.append(row)
            continue
        stored = same.pop(0)  # identical texts (rare) pair up in order
        if stored[1:5] != row[:4]:
            moved.append((stored[0], row))
    removed = [chunk[0] for chunks in by_text.values() for chunk in chunks]
    return moved, added, removed


def module_keys(rel: str) -> tuple[str, str, str]:
    """(dotted module, its parts reversed for suffix lookups, parent dirs reversed).

    ``pkg/sub/__init__.py`` -> ``("pkg.sub", "sub.pkg.", "sub/pkg/")``; a lookup of the
    module ``sub`` or ``pkg.sub`` is then a prefix range on an index.
    """
    path = PurePosixPath(rel)
    parts = [*path.parent.parts, path.name.split(".")[0]]
    if len(parts) > 1 and parts[-1] in MODULE_FILE_STEMS:
        parts.pop()
    dirs = path.parent.parts
    return (".".join(parts), "".join(f"{p}." for p in reversed(parts)),
            "".join(f"{d}/" for d in reversed(dirs)))
