"""What every filter knows about the cursor: the text around it and its syntactic shape."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from lsp_server.documents.cursor import Cursor

BLOCK_OPENERS = (":", "{", "(", "[", "=>", "->")


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


@dataclass(frozen=True)
class FilterContext:
    cursor: Cursor
    language: str = "python"

    @cached_property
    def multiline(self) -> bool:
        """Empty line in a block, or right after a block opener: a block may follow.
        Mid-line: only the rest of the line."""
        before = self.cursor.line_prefix
        if self.cursor.line_suffix.strip():
            return False
        return not before.strip() or before.rstrip().endswith(BLOCK_OPENERS)

    @cached_property
    def block_indent(self) -> int:
        """Indentation a multi-line completion must not fall below."""
        before = self.cursor.line_prefix
        if before.strip():  # after an opener: the block is deeper than this line
            return indentation(before) + 1
        return len(before.expandtabs(4)) if before else self._next_indent()

    def _next_indent(self) -> int:
        for line in self.cursor.suffix.split("\n")[1:]:
            if line.strip():
                return indentation(line)
        return 0
