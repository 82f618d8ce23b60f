"""The stretch of the document the syntax checks read: bounded, and cut at statements.

Parsing or lexing a whole 10,000-line file per completion would cost tens of ms; a window
of LINES_BEFORE / LINES_AFTER lines is enough to judge the cursor's scope. Its ends are
moved to lines that start a construct at the window's outermost indentation, so the
window does not begin inside a function's body or end inside an unfinished one, which
would make the parse report errors the user never wrote. Nor is a line inside a multi-line
string or comment such a start, however far left it stands (a template in a test, a SQL
query): a window begun there parses as one error, and the syntax checks then pass anything.
Which lines those are is lexed from well above the window (LEX_CHARS_ABOVE).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from lsp_server.documents.cursor import Cursor, lines_after, lines_before
from lsp_server.languages.lexical import Lexical
from lsp_server.postprocessing.lexing import multiline_literals
from lsp_server.postprocessing.text import indent_width, is_statement_start

LINES_BEFORE = 200
LINES_AFTER = 50
# And at most this much text: a minified line above the cursor (a megabyte of JavaScript)
# is not code to judge the cursor's scope by, and parsing it twice per keystroke took
# half a second.
CHARS_BEFORE = 40_000
CHARS_AFTER = 10_000
# Literals are lexed from the file's start, or from this far above the window in a bigger
# file (200 KB take 8 ms to lex; a literal opened further up is then not seen).
LEX_CHARS_ABOVE = 60_000


@dataclass(frozen=True)
class Window:
    prefix: str  # from the window's first line up to the cursor
    suffix: str  # from the cursor to the window's last line
    indent: int  # indentation of the window's first line (its outermost level)


def cursor_window(cursor: Cursor, dialect: Lexical, before: int = LINES_BEFORE,
                  after: int = LINES_AFTER) -> Window:
    head_text = lines_before(cursor.prefix, before + 1, CHARS_BEFORE)
    below_text = lines_after(cursor.suffix, 4 * after + 1, CHARS_AFTER)
    head, below = head_text.split("\n"), below_text.split("\n")
    origin = len(cursor.prefix) - len(head_text)  # where the head's first line starts
    in_head, in_below = _lines_in_literals(cursor.prefix, origin, head, below, dialect)
    starts = [
        i for i, line in enumerate(head[:-1]) if is_statement_start(line) and i not in in_head
    ]
    indent = min((indent_width(head[i]) for i in starts), default=0)
    first = next((i for i in starts if indent_width(head[i]) == indent), 0)
    bounds = [
        j for j, line in enumerate(below)
        if j > 0 and is_statement_start(line) and indent_width(line) <= indent
        and j not in in_below
    ]
    inside = [j for j in bounds if j <= after]
    fallback = bounds[0] if bounds else min(len(below), after + 1)
    last = inside[-1] if inside else fallback
    return Window("\n".join(head[first:]), "\n".join(below[:last]), indent)


def _lines_in_literals(prefix: str, origin: int, head: list[str], below: list[str],
                       dialect: Lexical) -> tuple[set[int], set[int]]:
    """Indices of the ``head`` lines (the first at ``origin`` in ``prefix``) and ``below``
    lines that begin inside a multi-line literal or comment, lexed from the file's start
    (or LEX_CHARS_ABOVE above the window)."""
    lex_from = prefix.rfind("\n", 0, max(origin - LEX_CHARS_ABOVE, 0)) + 1
    text = prefix[lex_from:] + "\n".join(below)
    spans = multiline_literals(text, dialect)
    starts = [s for s, _ in spans]

    def inside(position: int) -> bool:
        at = bisect_right(starts, position - 1) - 1  # the last literal begun before it
        return at >= 0 and position < spans[at][1]

    def marked(lines: list[str], offset: int) -> set[int]:
        found = set()
        for i, line in enumerate(lines):
            if inside(offset):
                found.add(i)
            offset += len(line) + 1
        return found

    # below[0] begins at the cursor, not at a line start: never a window bound anyway
    return marked(head, origin - lex_from), marked(below, len(prefix) - lex_from) - {0}
