"""What retrieval hands to prompting: snippets of repository files, and the query."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Snippet:
    """A piece of a repository file worth showing the model before the local window."""

    path: str  # relative to the workspace folder, "/"-separated (what the prompt shows)
    start_line: int  # 0-based, inclusive
    end_line: int  # 0-based, inclusive
    text: str
    source: str  # the source that found it: definitions, similar, recent, outline
    language: str = ""

    @cached_property
    def key(self) -> str:
        """Stable identity: the same text of the same file is the same block of tokens,
        which is what lets consecutive prompts share it in the KV cache."""
        digest = hashlib.blake2b(self.text.encode("utf-8"), digest_size=8).hexdigest()
        return f"{self.path}:{self.start_line}:{digest}"

    @property
    def lines(self) -> int:
        return self.end_line - self.start_line + 1


@dataclass(frozen=True)
class ContextQuery:
    """One cursor, as the sources see it."""

    path: Path  # absolute path of the document (the index's key for it)
    root: Path  # the workspace folder that holds it
    language: str
    prefix: str  # the whole document before the cursor
    suffix: str  # the whole document after the cursor
    line: int  # the cursor's 0-based line
    window: tuple[int, int] = (0, 0)  # document lines the local FIM window shows
    near: tuple[str, ...] = field(default=())  # identifiers near the cursor, nearest first

    def relative(self, path: Path | str) -> str:
        """``path`` as the prompt names it: relative to the workspace folder (index paths
        are absolute already: no file-system call unless a symlink is in the way)."""
        for candidate in (Path(path), Path(path).resolve()):
            if candidate.is_relative_to(self.root):
                return candidate.relative_to(self.root).as_posix()
        return Path(path).name

    def in_window(self, path: Path | str, start: int, end: int) -> bool:
        """Whether lines ``start..end`` of ``path`` are (mostly) in the local window already."""
        if Path(path) != self.path:
            return False
        first, last = self.window
        inside = max(0, min(end, last) - max(start, first) + 1)
        return inside * 2 > end - start + 1
