"""Never show a completion that breaks the parse of the code around it.

The window (prefix + completion + suffix, see window.py) is parsed with tree-sitter.
When the completion adds a parse error, it is trimmed back line by line to the longest
start that does not, or dropped. "Adds" is judged against the window without the
completion: where that already has an error at the cursor (the user is mid-statement),
the completion must not add errors nor have one that starts inside it (the user's error
may stay where it was); elsewhere it must not touch an error at all. Closers missing where
the text ends do not count (syntax.window_errors).
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext
from lsp_server.postprocessing.syntax import Baseline, Span


def _introduces_error(base: Baseline, errors: list[Span], size: int) -> bool:
    if len(errors) > len(base.errors):
        return True
    start, end = base.cursor, base.cursor + size
    if base.error_at_cursor:  # the user's error may stay; one of the completion's own may not
        return any(start < s < end for s, _ in errors)
    return any(s <= end and e >= start for s, e in errors)


def _first_error_line(errors: list[Span], base: Baseline, data: bytes) -> int | None:
    """Line of the completion where its first error starts (None: after it)."""
    starts = [s for s, e in errors if e >= base.cursor and s <= base.cursor + len(data)]
    if not starts:
        return None
    return data[: max(min(starts) - base.cursor, 0)].count(b"\n")


def keep_parse_valid(completion: str, ctx: FilterContext) -> str | None:
    base = ctx.syntax
    if base is None:
        return completion
    lines = completion.split("\n")
    keep = len(lines)
    while keep > 0:
        candidate = "\n".join(lines[:keep])
        if not candidate.strip():
            return None
        data = candidate.encode()
        errors = base.errors_with(data)
        if not _introduces_error(base, errors, len(data)):
            return candidate
        line = _first_error_line(errors, base, data)
        keep = keep - 1 if line is None else min(keep - 1, line + 1)
    return None
