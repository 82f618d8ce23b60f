"""Which code a repository question is about: the ``Retriever`` seam and its stopgap.

``ask`` depends only on the ``Retriever`` protocol, so the repository index (SQLite
FTS5, ``lsp_server/indexing/``) can answer it once it exists. Until then
``WorkspaceRetriever`` reads the open documents (their unsaved text wins) and the files
near the current one within a time box, splits them into excerpts and ranks them by
BM25, with a bonus for the excerpt that defines a name the question mentions.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, Protocol

from lsp_server.assist.chunks import split_chunks
from lsp_server.assist.rank import bm25, identifiers, query_terms, terms
from lsp_server.assist.sources import MAX_FILES, WALK_SECONDS, nearby_files, read_text
from lsp_server.assist.texts import line_label
from lsp_server.indexing.policy import is_secret
from lsp_server.languages import language_for

DEFINES_BONUS = 3.0  # score factor for an excerpt that defines a name in the question
CURRENT_FILE_BONUS = 1.5


class Current(NamedTuple):
    """The file the user is in, its (unsaved) text and selection (0-based, inclusive)."""

    path: Path
    text: str
    lines: tuple[int, int] | None = None


@dataclass(frozen=True)
class Chunk:
    path: str  # workspace-relative with "/" (absolute for a file outside the workspace)
    start_line: int  # 0-based, inclusive
    end_line: int
    text: str
    file_lines: int  # lines in the whole file, to check citations against
    score: float = 0.0

    @property
    def label(self) -> str:
        return line_label(self.path, self.start_line, self.end_line)


class Retriever(Protocol):
    def retrieve(self, question: str, limit: int) -> list[Chunk]:
        """The most relevant excerpts for ``question``, best first, at most ``limit``."""
        ...


class WorkspaceRetriever:
    def __init__(self, workspace: Path, open_documents: Mapping[str, str] | None = None,
                 current: Current | None = None, *, seconds: float = WALK_SECONDS,
                 max_files: int = MAX_FILES, secret_globs: tuple[str, ...] = ()) -> None:
        self.workspace = workspace.resolve()
        self.open_documents = dict(open_documents or {})
        self.current = current
        self.seconds, self.max_files = seconds, max_files
        self.secret_globs = secret_globs  # on top of indexing.policy's list

    def relative(self, path: Path | str) -> str:
        return relative_path(path, self.workspace)

    def retrieve(self, question: str, limit: int) -> list[Chunk]:
        pinned = selection_chunk(self.current, self.workspace)
        query = query_terms(question)
        names = identifiers(question)
        current = self.relative(self.current.path) if self.current else None
        found: list[Chunk] = []
        bags: list[Counter[str]] = []
        bonus: list[float] = []
        for rel, text in self._sources(query):
            lines = text.split("\n")
            for span in split_chunks(text, language_for(rel)):
                chunk = Chunk(rel, span.start, span.end,
                              "\n".join(lines[span.start : span.end + 1]), len(lines))
                found.append(chunk)
                bags.append(Counter(terms(chunk.text)))
                defines = any(name.lower() in names for name in span.names)
                bonus.append((DEFINES_BONUS if defines else 1.0)
                             * (CURRENT_FILE_BONUS if rel == current else 1.0))
        scores = [s * b for s, b in zip(bm25(bags, query), bonus, strict=True)]
        order = sorted((i for i, score in enumerate(scores) if score > 0),
                       key=lambda i: -scores[i])
        ranked = [replace(found[i], score=scores[i]) for i in order
                  if not overlaps(found[i], pinned)]
        return ([pinned] if pinned else []) + ranked[: limit - (1 if pinned else 0)]

    def _sources(self, query: list[str]) -> Iterator[tuple[str, str]]:
        """(relative path, text) of open documents, then of nearby files that mention a
        query term (a file that mentions none cannot score)."""
        documents = dict(self.open_documents)
        if self.current is not None:
            documents[str(self.current.path)] = self.current.text
        seen: set[str] = set()
        for name, text in documents.items():
            rel = self.relative(name)
            if rel not in seen and not is_secret(rel, self.secret_globs):
                seen.add(rel)
                yield rel, text
        if not query:
            return
        near = self.current.path.parent if self.current else None
        deadline = time.monotonic() + self.seconds
        for path, rel in nearby_files(self.workspace, near, deadline=deadline,
                                      max_files=self.max_files,
                                      secret_globs=self.secret_globs):
            if rel in seen:
                continue
            content = read_text(path)
            lower = content.lower() if content is not None else ""
            if content is not None and any(term in lower for term in query):
                yield rel, content


def relative_path(path: Path | str, workspace: Path) -> str:
    """``path`` relative to ``workspace`` with "/" (absolute when outside it). As named
    first: a folder inside the workspace that links elsewhere keeps its place, as in the
    index; then with links resolved (the workspace itself reached through one)."""
    given, resolved = Path(path), Path(path).resolve()
    for candidate, base in ((given, workspace), (resolved, workspace.resolve())):
        if candidate.is_absolute() and candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return resolved.as_posix()


def selection_chunk(current: Current | None, workspace: Path) -> Chunk | None:
    """The user's selection as an excerpt (always shown first), or None."""
    if current is None or current.lines is None:
        return None
    lines = current.text.split("\n")
    start, end = max(0, current.lines[0]), min(current.lines[1], len(lines) - 1)
    if start > end:
        return None
    return Chunk(relative_path(current.path, workspace), start, end,
                 "\n".join(lines[start : end + 1]), len(lines))


def overlaps(chunk: Chunk, other: Chunk | None) -> bool:
    """Excerpts of one file that share lines: only the first is shown."""
    return (other is not None and chunk.path == other.path
            and chunk.start_line <= other.end_line and other.start_line <= chunk.end_line)
