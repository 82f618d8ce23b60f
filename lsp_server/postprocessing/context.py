"""What every filter knows about the cursor: the text around it and its syntactic shape.

Built once per request (and shared by ``early_stop``, which runs on every generated
token), so everything derived from the document is computed lazily and cached here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from lsp_server.documents.cursor import Cursor, lines_before
from lsp_server.languages.lexical import Lexical
from lsp_server.postprocessing.lexing import PAIRS, Scan, dialect_for, scan
from lsp_server.postprocessing.syntax import Baseline, baseline
from lsp_server.postprocessing.text import indent_width
from lsp_server.postprocessing.window import LINES_AFTER, LINES_BEFORE, Window, cursor_window
from lsp_server.safety.redact import REDACTED

BLOCK_OPENERS = (":", "{", "(", "[", "=>", "->")
SUFFIX_SCAN_CHARS = 65536  # how far to look for the suffix's closing brackets
NEXT_LINES = 3  # lines below the cursor a completion must not repeat
LINES_ABOVE, LINES_ABOVE_CHARS = 12, 4096  # lines above it that a completion may copy


def indentation(line: str) -> int:
    return indent_width(line)


@dataclass(frozen=True)
class FilterContext:
    cursor: Cursor
    language: str = "python"
    lines_before: int = LINES_BEFORE
    lines_after: int = LINES_AFTER

    @cached_property
    def dialect(self) -> Lexical:
        return dialect_for(self.language)

    @cached_property
    def holds_marker(self) -> bool:
        """The document itself contains the redaction marker (``stop_at_redaction``)."""
        return REDACTED in self.cursor.prefix or REDACTED in self.cursor.suffix

    @cached_property
    def window(self) -> Window:
        return cursor_window(self.cursor, self.dialect, self.lines_before, self.lines_after)

    @cached_property
    def opened(self) -> Scan:
        """Brackets open at the cursor (innermost last) and the literal it is inside."""
        return scan(self.window.prefix, self.dialect)

    @cached_property
    def _suffix_scan(self) -> Scan:
        suffix = self.cursor.suffix[:SUFFIX_SCAN_CHARS]
        return scan(suffix, self.dialect, self.opened.state, limit=len(self.opened.stack))

    @cached_property
    def closable(self) -> int:
        """How many of the open brackets the completion may close: those the suffix does
        not. Past the scanned part of the suffix they count as closed (the safe side)."""
        open_count = len(self.opened.stack)
        closed = len(self._suffix_scan.unmatched)
        if len(self.cursor.suffix) > SUFFIX_SCAN_CHARS:
            closed = open_count
        return max(open_count - closed, 0)

    def may_close(self, index: int, closer: str) -> bool:
        """Whether the completion's ``index``-th unmatched ``closer`` belongs there."""
        stack = self.opened.stack
        return index < self.closable and stack[-1 - index][0] == PAIRS[closer]

    @cached_property
    def in_line_literal(self) -> str:
        """The delimiter of the one-line string the cursor is in ("" when none)."""
        state, dialect = self.opened.state, self.dialect
        return state if state in dialect.strings and state not in dialect.multiline else ""

    @cached_property
    def suffix_closes_literal(self) -> bool:
        return bool(self.in_line_literal) and 0 <= self._suffix_scan.literal_end <= len(
            self.cursor.line_suffix
        )

    @cached_property
    def multiline(self) -> bool:
        """Empty line in a block, or right after a block opener: a block may follow.
        Mid-line, inside a line comment or a string, or above lines indented deeper than
        the cursor: only the rest of the line. A colon inside brackets opens no block
        (``def f(client: ``, ``{"key": ``, ``x[1:``). A completion that opens brackets of
        its own may still span lines (limit_to_line)."""
        before = self.cursor.line_prefix.rstrip()
        if self.cursor.line_suffix.strip() or self.in_line_literal:
            return False
        if self.opened.state in self.dialect.line_comments:
            return False
        if before.endswith(":") and self.opened.stack:
            return False
        if (not before or before.endswith(("(", "["))) and self._continued_below:
            # The lines below belong to this one: it is their block's header (a blank
            # line above a deeper one) or the start of their arguments. The line alone.
            return False
        return not before or before.endswith(BLOCK_OPENERS)

    @cached_property
    def _continued_below(self) -> bool:
        """The first non-blank line below is indented deeper than the cursor's line."""
        below = self.next_lines
        return bool(below) and indentation(below[0]) > indentation(self.cursor.line_prefix)

    @cached_property
    def block_indent(self) -> int:
        """Indentation a multi-line completion must not fall below: the cursor's column
        on an empty line, deeper than the opener's line right after an opener."""
        before = self.cursor.line_prefix
        if before.strip():
            return indentation(before) + 1
        return indentation(before)

    @cached_property
    def next_lines(self) -> tuple[str, ...]:
        """The first non-blank lines below the cursor's line, right-stripped."""
        below = self.cursor.suffix.split("\n", 40)[1:40]
        return tuple(line.rstrip() for line in below if line.strip())[:NEXT_LINES]

    @cached_property
    def lines_above(self) -> tuple[str, ...]:
        """Up to ``LINES_ABOVE`` whole lines above the cursor's line, right-stripped."""
        above = lines_before(self.cursor.prefix, LINES_ABOVE + 1, LINES_ABOVE_CHARS)
        return tuple(line.rstrip() for line in above.split("\n")[:-1])

    @cached_property
    def next_lines_in_block(self) -> tuple[str, ...]:
        """``next_lines`` up to the first indented less than the cursor's line (the very
        next line always): past a dedent lies another block, where the same statement
        (``return self``) is no repeat of the suffix."""
        lines, width = self.next_lines, indentation(self.cursor.line_prefix)
        end = next((i for i, line in enumerate(lines) if indentation(line) < width), len(lines))
        return lines[: max(end, 1)]

    @cached_property
    def syntax(self) -> Baseline | None:
        return baseline(self.window, self.language, self.closable)
