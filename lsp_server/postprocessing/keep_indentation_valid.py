"""Where blocks are indented, the indentation must make sense too.

Python's blocks are its indentation, and its tree-sitter grammar does not check it: a
header without a body and a line deeper than the one before it both parse without an
error, so keep_parse_valid lets them through. All three come from the eval model:

- a statement indented deeper than the statement before it, which opens no block
  (``lineno = ...`` and under it, deeper, a copy of the loop body below: 1 of the 120
  line-start dev completions). The completion ends before it. A statement's first line
  sets its depth and its last says whether it opens a block (``with open(`` ...
  ``) as f:``).
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

from itertools import pairwise

from lsp_server.postprocessing.context import FilterContext, indentation
from lsp_server.postprocessing.lexing import line_starts, scan, without_line_comment

HEADER_END = ":"  # a statement ending so opens a block (a backslash joins lines instead)
Statement = tuple[int, int]  # its first line, its last code line


def keep_indentation_valid(completion: str, ctx: FilterContext) -> str | None:
    if not ctx.dialect.indented_blocks:
        return completion
    if ctx.cursor.line_suffix.strip() or ctx.opened.stack or ctx.opened.state:
        return completion
    lines = completion.split("\n")
    end = _unexpected_indent([ctx.cursor.line_prefix + lines[0], *lines[1:]], ctx)
    kept = completion if end is None else "\n".join(lines[:end]).rstrip()
    below = ctx.next_lines[0] if ctx.next_lines else ""
    while len(lines := kept.rstrip().split("\n")) > 1 and _bodiless(lines, below, ctx):
        kept = "\n".join(lines[:-1]).rstrip()
    return None if _strands_lines_below(kept, ctx) else kept


def _statements(lines: list[str], ctx: FilterContext) -> list[Statement]:
    """The statements of ``lines`` (the first line whole, from the start of the cursor's
    line), blank and comment lines left out. A line inside brackets or a literal, or
    after a backslash, continues the statement before it, at any depth."""
    found: list[Statement] = []
    for index, (line, start) in enumerate(zip(lines, line_starts(lines, ctx.dialect),
                                              strict=False)):
        if not line.strip() or (not start[1] and _is_comment(line, ctx)):
            continue
        continued = start != (0, "") or (
            bool(found) and without_line_comment(lines[found[-1][1]], ctx.dialect).endswith("\\"))
        if continued and found:
            found[-1] = (found[-1][0], index)
        else:
            found.append((index, index))
    return found


def _unexpected(lines: list[str], before: Statement, first: int, ctx: FilterContext) -> bool:
    """A statement starting at ``first`` is deeper than the one before it, which opens no
    block (its first line sets its depth, its last whether it opens one)."""
    return indentation(lines[first]) > indentation(lines[before[0]]) and not (
        without_line_comment(lines[before[1]], ctx.dialect).endswith(HEADER_END))


def _unexpected_indent(lines: list[str], ctx: FilterContext) -> int | None:
    """The line where the first statement deeper than an unexpected one starts."""
    statements = _statements(lines, ctx)
    return next((first for before, (first, _) in pairwise(statements)
                 if _unexpected(lines, before, first, ctx)), None)


def _is_comment(line: str, ctx: FilterContext) -> bool:
    return bool(ctx.dialect.line_comments) and line.lstrip().startswith(ctx.dialect.line_comments)


def _bodiless(lines: list[str], below: str, ctx: FilterContext) -> bool:
    """The last line opens a block and the document's next line is not in it."""
    header = without_line_comment(lines[-1], ctx.dialect)
    if not header.endswith(HEADER_END) or (below and indentation(below) > indentation(header)):
        return False
    found = scan("\n".join([*lines[:-1], header]), ctx.dialect)
    return not (found.stack or found.unmatched or found.state)


def _strands_lines_below(text: str, ctx: FilterContext) -> bool:
    """The next code line below starts a statement deeper than the one the completion
    ends with, which opens no block (comments only: the indentation is what it was)."""
    below = next((line for line in ctx.next_lines if not _is_comment(line, ctx)), "")
    if not below:
        return False
    lines = [*(ctx.cursor.line_prefix + text).split("\n"), below]
    statements = _statements(lines, ctx)
    return (len(statements) > 1 and statements[-1][0] == len(lines) - 1
            and _unexpected(lines, statements[-2], len(lines) - 1, ctx))
