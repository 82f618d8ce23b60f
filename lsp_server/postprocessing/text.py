"""Line arithmetic the filters share: indentation widths, line offsets, cut points.

A cut is the length of the completion to keep; every cutting filter also exposes its
``*_end(text, ctx, final=...)`` function, which ``early_stop`` runs while tokens arrive.
"""

from __future__ import annotations

import re

TAB_WIDTH = 4
CLOSERS = ")]}"
# A line that only closes what is open: "}", "});", "],", ")".
CLOSING_LINE = re.compile(r"[)\]}][)\]};,]*")


def indent_width(line: str) -> int:
    """Leading whitespace in columns (tabs count TAB_WIDTH), so tabs and spaces compare."""
    body = line.lstrip(" \t")
    return len(line[: len(line) - len(body)].expandtabs(TAB_WIDTH))


def is_statement_start(line: str) -> bool:
    """A line that can begin a construct: not blank, not a closer or a comment's ``*``."""
    body = line.strip()
    return bool(body) and body[0] not in CLOSERS + "*.&|+-"


def has_word(line: str) -> bool:
    """Lines of brackets and punctuation alone are common; they prove no repetition."""
    return any(ch.isalnum() for ch in line)


def line_offsets(lines: list[str]) -> list[int]:
    """Offset of each line's first character in ``"\\n".join(lines)``."""
    offsets, at = [], 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    return offsets


def before_line(offsets: list[int], index: int) -> int:
    """Cut point that keeps everything before line ``index`` (its newline excluded)."""
    return max(offsets[index] - 1, 0)


def cut(text: str, end: int | None) -> str:
    return text if end is None else text[:end]
