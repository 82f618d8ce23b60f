"""Where blocks are indented, the indentation must make sense too.

Python's blocks are its indentation, and its tree-sitter grammar does not check it: a
header without a body and a line deeper than the one before it both parse without an
error, so keep_parse_valid lets them through. All three come from the eval model:

- a line indented deeper than the code line before it, which opens no block and leaves
  no bracket open (``lineno = ...`` and under it, deeper, a copy of the loop body below:
  1 of the 120 line-start dev completions). The completion ends before it.
- a completion of several lines ending on a header with nothing deeper after it in the
  document (``elif isinstance(rv, bytes):`` above a line at its own depth): ``max_tokens``
  cut off the line under it (``postprocess`` drops a cut-off line) or the model stopped
  there; 3 of the 120. The header goes, with the blank lines before it, and so does a
  header that loses its body that way. The first line always stays: a header alone is
  what the user types the body of next (``for item in items:``).
- a completion that leaves the document's next code line deeper than the statement it
  ends with, which opens no block: above lines indented deeper than the cursor's, the
  line to write is their block's header (the line the user deleted to write anew), and
  anything else makes them an unexpected indent. The eval model wrote such a line in 11
  of the 120 line-start dev completions (``return node`` above the loop body of a
  deleted ``for``, ``@pytest.fixture(...)`` above an indented ``def``). It is dropped:
  above deeper lines a completion is one statement (limit_to_line), no header in it.

Comment lines may sit at any depth and are not judged; nor is anything when the cursor is
inside brackets or a literal (the lines are then one statement's continuation).
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext, indentation
from lsp_server.postprocessing.lexing import line_starts, scan, without_line_comment

CONTINUED = (":", "\\")  # a line ending so may have deeper lines under it


def keep_indentation_valid(completion: str, ctx: FilterContext) -> str | None:
    if not ctx.dialect.indented_blocks:
        return completion
    if ctx.cursor.line_suffix.strip() or ctx.opened.stack or ctx.opened.state:
        return completion
    lines = completion.split("\n")
    end = _unexpected_indent(lines, ctx)
    kept = completion if end is None else "\n".join(lines[:end]).rstrip()
    below = ctx.next_lines[0] if ctx.next_lines else ""
    while len(lines := kept.rstrip().split("\n")) > 1 and _bodiless(lines, below, ctx):
        kept = "\n".join(lines[:-1]).rstrip()
    return None if _strands_lines_below(kept, ctx) else kept


def _unexpected_indent(lines: list[str], ctx: FilterContext) -> int | None:
    """The first line deeper than the code line before it where that line does not
    carry on (a header, a backslash, an open bracket or literal)."""
    previous = ctx.cursor.line_prefix + lines[0]
    starts = list(line_starts(lines, ctx.dialect))
    for index in range(1, len(lines)):
        line = lines[index]
        if not line.strip() or _is_comment(line, ctx):
            continue
        if starts[index] != (0, ""):
            continue  # a continuation line: any depth
        if indentation(line) > indentation(previous) and not without_line_comment(
                previous, ctx.dialect).endswith(CONTINUED):
            return index
        previous = line
    return None


def _is_comment(line: str, ctx: FilterContext) -> bool:
    return bool(ctx.dialect.line_comments) and line.lstrip().startswith(ctx.dialect.line_comments)


def _bodiless(lines: list[str], below: str, ctx: FilterContext) -> bool:
    """The last line opens a block and the document's next line is not in it."""
    header = without_line_comment(lines[-1], ctx.dialect)
    if not header.endswith(":") or (below and indentation(below) > indentation(header)):
        return False
    found = scan("\n".join([*lines[:-1], header]), ctx.dialect)
    return not (found.stack or found.unmatched or found.state)


def _strands_lines_below(text: str, ctx: FilterContext) -> bool:
    """The next code line below is deeper than the statement the completed line(s) end
    with, and that statement neither opens a block nor leaves anything open."""
    below = next((line for line in ctx.next_lines if not _is_comment(line, ctx)), "")
    lines = (ctx.cursor.line_prefix + text).split("\n")
    starts = list(line_starts(lines, ctx.dialect))
    if not below or starts[-1] != (0, ""):
        return False  # nothing below, or it continues the completion's open bracket
    code = [i for i, line in enumerate(lines) if line.strip() and not _is_comment(line, ctx)]
    if not code:
        return False  # comments only: the indentation is what it was
    first = next((i for i in reversed(code) if starts[i] == (0, "")), code[0])
    return indentation(below) > indentation(lines[first]) and not without_line_comment(
        lines[code[-1]], ctx.dialect).endswith(CONTINUED)
