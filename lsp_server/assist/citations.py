"""Citations in an answer: ``path:line`` / ``path:start-end`` ranges an editor can open.

Only what can be opened is kept: the path must be one of the files the prompt showed
(exactly, or as the unique file with that ending, since models shorten paths), and the
lines are clamped to the file. Small models often name a file without lines; then the
excerpts of the files named stand in (``mentioned``), and when the answer names no
file at all, every excerpt the model was shown (``context``), so an editor can always
offer the code an answer came from and still tell a real citation from a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from lsp_server.assist.retrieval import Chunk
from lsp_server.assist.texts import line_label

# A path-like word (at least one letter, maybe with folders and an extension), a colon,
# a line, and maybe "-end"; ranges written with an en dash count too.
_CITATION = re.compile(
    r"(?<![\w./\\-])(?P<path>[\w.\\/-]*[A-Za-z][\w.\\/-]*)"
    r":(?P<start>\d+)(?:\s?[-–]\s?(?P<end>\d+))?"
)
_FILE = re.compile(r"(?<![\w./\\-])[\w.\\/-]*[A-Za-z][\w\\/-]*\.\w+")
Kind = Literal["cited", "mentioned", "context"]


@dataclass(frozen=True)
class Citation:
    path: str  # as in Chunk.path: workspace-relative with "/"
    start_line: int  # 0-based, inclusive
    end_line: int
    kind: Kind = "cited"

    @property
    def label(self) -> str:
        return line_label(self.path, self.start_line, self.end_line)


def parse_citations(text: str, files: Mapping[str, int]) -> list[Citation]:
    """The citations of ``text`` that name one of ``files`` (path -> line count), clamped
    to the file, each once, in order of appearance."""
    found: dict[Citation, None] = {}
    for match in _CITATION.finditer(text):
        path = _resolve(match["path"], files)
        if path is None:
            continue
        last = files[path] - 1
        start = min(max(int(match["start"]) - 1, 0), last)
        end = int(match["end"]) - 1 if match["end"] else start
        found[Citation(path, start, min(max(end, start), last))] = None
    return list(found)


def answer_citations(text: str, chunks: Sequence[Chunk]) -> list[Citation]:
    """What an answer cites among the excerpts it was shown: its ``path:line`` ranges,
    else the excerpts of the files it names, else all of them (see the module doc)."""
    files = {c.path: c.file_lines for c in chunks}
    cited = parse_citations(text, files)
    if cited:
        return cited
    named = {path for m in _FILE.finditer(text) if (path := _resolve(m[0], files)) is not None}
    kind: Kind = "mentioned" if named else "context"
    return list(dict.fromkeys(Citation(c.path, c.start_line, c.end_line, kind)
                              for c in chunks if not named or c.path in named))


def _resolve(written: str, files: Mapping[str, int]) -> str | None:
    path = written.replace("\\", "/").rstrip(".")
    while path.startswith("./"):
        path = path[2:]
    if path in files:
        return path
    endings = [known for known in files if known.endswith("/" + path)]
    return endings[0] if len(endings) == 1 else None
