"""Split a document at a cursor into the text before and after it.

The CLI speaks in 1-based lines and columns counted in characters (what editors show);
LSP speaks in 0-based lines and UTF-16 code units. Both end up here, and a position
outside the document is a :class:`PositionError`, never a silent clamp.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lsp_server.errors import PositionError


@dataclass(frozen=True)
class Cursor:
    prefix: str
    suffix: str
    line: int  # 0-based
    character: int  # 0-based, in code points

    @property
    def line_prefix(self) -> str:
        """The current line's text left of the cursor."""
        return self.prefix.rsplit("\n", 1)[-1]

    @property
    def line_suffix(self) -> str:
        """The current line's text right of the cursor."""
        return self.suffix.split("\n", 1)[0]


def split_at(text: str, line: int, character: int) -> Cursor:
    """Cursor at 0-based ``line`` and code-point ``character``."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        raise PositionError(f"line {line + 1} is outside the document (it has {len(lines)} lines)")
    current = lines[line].rstrip("\r")
    if not 0 <= character <= len(current):
        raise PositionError(
            f"column {character + 1} is outside line {line + 1} (it has {len(current)} characters)"
        )
    offset = sum(len(lines[i]) + 1 for i in range(line)) + character
    return Cursor(text[:offset], text[offset:], line, character)


def split_at_utf16(text: str, line: int, utf16_character: int) -> Cursor:
    """Cursor at an LSP position in UTF-16 code units within the line (the default)."""
    return _split_at_units(text, line, utf16_character,
                           lambda char: 2 if ord(char) > 0xFFFF else 1)


def split_at_utf8(text: str, line: int, utf8_character: int) -> Cursor:
    """Cursor at an LSP position in UTF-8 bytes within the line (Neovim 0.11+ offers this
    encoding first, and pygls takes the client's first choice)."""
    return _split_at_units(text, line, utf8_character, lambda char: len(char.encode("utf-8")))


def _split_at_units(text: str, line: int, target: int, width: Callable[[str], int]) -> Cursor:
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        raise PositionError(f"line {line + 1} is outside the document (it has {len(lines)} lines)")
    units = 0
    for index, char in enumerate(lines[line]):
        if units >= target:
            return split_at(text, line, index)
        units += width(char)
    if units == target:
        return split_at(text, line, len(lines[line]))
    raise PositionError(f"character {target} is outside line {line + 1}")


def lines_before(text: str, count: int, budget: int) -> str:
    """The last ``count`` lines of the text before a cursor, fewer where together they
    would pass ``budget`` characters; the last (the cursor's own line) always. Whole
    lines only: a cut line could open a string literal that swallows what follows. A
    minified megabyte next to the cursor then costs nothing per keystroke."""
    lines = text.rsplit("\n", count)[-count:]
    total = len(lines[-1])
    for i in range(len(lines) - 2, -1, -1):
        total += len(lines[i]) + 1
        if total > budget:
            return "\n".join(lines[i + 1 :])
    return "\n".join(lines)


def lines_after(text: str, count: int, budget: int) -> str:
    """:func:`lines_before` for the text after a cursor: its first lines, the cursor's
    own always."""
    lines = text.split("\n", count)[:count]
    total = len(lines[0])
    for i in range(1, len(lines)):
        total += len(lines[i]) + 1
        if total > budget:
            return "\n".join(lines[:i])
    return "\n".join(lines)
