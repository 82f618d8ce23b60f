"""The repository index as the question panel's ``Retriever``.

Once the workspace is indexed, a question is answered from the whole repository: BM25
over every chunk (FTS5, ``IndexReader.search``), with the definitions of the names the
question mentions first. Open documents need nothing special here: the server overlays
their unsaved text on the index. The current selection, when there is one, is always
shown first, as with the walking retriever.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from lsp_server.assist.retrieval import (
    Chunk,
    Current,
    overlaps,
    relative_path,
    selection_chunk,
)
from lsp_server.indexing.policy import is_secret
from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.records import Chunk as IndexChunk

DEFINITIONS_PER_NAME = 2  # a name defined in many files: its first few definitions
JOIN_MAX_LINES = 60  # neighbouring excerpts of one file are shown as one up to this size
_WORD = re.compile(r"`([A-Za-z_][\w.]*)`|([A-Za-z_]\w*)")


def code_names(question: str) -> list[str]:
    """Names in a question that are surely code: in backticks, snake_case or camelCase
    (plain words such as "config" would find every definition that happens to match)."""
    names: list[str] = []
    for quoted, word in _WORD.findall(question):
        name = quoted.rsplit(".", 1)[-1] if quoted else word
        mixed = name[1:] != name[1:].lower() and name != name.upper()
        if (quoted or "_" in name.strip("_") or mixed) and name not in names:
            names.append(name)
    return names


class IndexRetriever:
    def __init__(self, reader: IndexReader, workspace: Path,
                 current: Current | None = None, *, secret_globs: tuple[str, ...] = ()
                 ) -> None:
        self.reader, self.workspace, self.current = reader, workspace.resolve(), current
        self.secret_globs = secret_globs
        self._orders: dict[Path, dict[int, int]] = {}

    def retrieve(self, question: str, limit: int) -> list[Chunk]:
        pinned = selection_chunk(self.current, self.workspace)
        found: list[Chunk] = []
        for hit in [*self._defining(question), *self.reader.search(question, k=limit * 2)]:
            chunk = self._chunk(hit)
            if chunk is None or any(overlaps(chunk, other) for other in found):
                continue
            if not overlaps(chunk, pinned):
                self._add(found, chunk, hit.path)
        return ([pinned] if pinned else []) + found[: limit - (1 if pinned else 0)]

    def _add(self, found: list[Chunk], chunk: Chunk, path: Path) -> None:
        """Append ``chunk``, or join it to a better-ranked excerpt it directly follows or
        precedes in its file (an import and the code under it read as one excerpt)."""
        order = self._order(path)
        for i, other in enumerate(found):
            if other.path != chunk.path:
                continue
            first, second = sorted((other, chunk), key=lambda c: c.start_line)
            neighbours = order.get(first.end_line, -2) + 1 == order.get(second.start_line)
            if neighbours and second.end_line - first.start_line < JOIN_MAX_LINES:
                gap = "\n" * (second.start_line - first.end_line)  # blank lines between
                found[i] = replace(other, start_line=first.start_line,
                                   end_line=second.end_line,
                                   text=first.text + gap + second.text)
                return
        found.append(chunk)

    def _order(self, path: Path) -> dict[int, int]:
        """The file's chunks in order: their end and start lines -> their position (only
        whole chunks are joined, and consecutive ones have only blank lines between)."""
        if path not in self._orders:
            chunks = self.reader.chunks(path)
            self._orders[path] = {**{c.end_line: i for i, c in enumerate(chunks)},
                                  **{c.start_line: i for i, c in enumerate(chunks)}}
        return self._orders[path]

    def _defining(self, question: str) -> list[IndexChunk]:
        """The chunks that define a name the question mentions (``parse_config``)."""
        chunks: list[IndexChunk] = []
        for name in code_names(question):
            for symbol in self.reader.definitions(name)[:DEFINITIONS_PER_NAME]:
                chunks += [c for c in self.reader.chunks(symbol.path)
                           if c.start_line <= symbol.start_line <= c.end_line][:1]
        return chunks

    def _chunk(self, hit: IndexChunk) -> Chunk | None:
        rel = relative_path(hit.path, self.workspace)
        if is_secret(rel, self.secret_globs):
            return None
        return replace(Chunk(rel, hit.start_line, hit.end_line, hit.text,
                             self.reader.file_lines(hit.path)), score=hit.score)
