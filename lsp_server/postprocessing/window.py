"""The stretch of the document the syntax checks read: bounded, and cut at statements.

Parsing or lexing a whole 10,000-line file per completion would cost tens of ms; a window
of LINES_BEFORE / LINES_AFTER lines is enough to judge the cursor's scope. Its ends are
moved to lines that start a construct at the window's outermost indentation, so the
window does not begin inside a function's body or end inside an unfinished one, which
would make the parse report errors the user never wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsp_server.documents.cursor import Cursor, lines_after, lines_before
from lsp_server.postprocessing.text import indent_width, is_statement_start

LINES_BEFORE = 200
LINES_AFTER = 50
# And at most this much text: a minified line above the cursor (a megabyte of JavaScript)
# is not code to judge the cursor's scope by, and parsing it twice per keystroke took
# half a second.
CHARS_BEFORE = 40_000
CHARS_AFTER = 10_000


@dataclass(frozen=True)
class Window:
    prefix: str  # from the window's first line up to the cursor
    suffix: str  # from the cursor to the window's last line
    indent: int  # indentation of the window's first line (its outermost level)


def cursor_window(cursor: Cursor, before: int = LINES_BEFORE, after: int = LINES_AFTER) -> Window:
    head = lines_before(cursor.prefix, before + 1, CHARS_BEFORE).split("\n")
    starts = [i for i, line in enumerate(head[:-1]) if is_statement_start(line)]
    indent = min((indent_width(head[i]) for i in starts), default=0)
    first = next((i for i in starts if indent_width(head[i]) == indent), 0)
    below = lines_after(cursor.suffix, 4 * after + 1, CHARS_AFTER).split("\n")
    bounds = [
        j for j, line in enumerate(below)
        if j > 0 and is_statement_start(line) and indent_width(line) <= indent
    ]
    inside = [j for j in bounds if j <= after]
    fallback = bounds[0] if bounds else min(len(below), after + 1)
    last = inside[-1] if inside else fallback
    return Window("\n".join(head[first:]), "\n".join(below[:last]), indent)

