"""A block header with no body is not code: a completion does not end on one.

Where blocks are indented (Python: ``elif ok:`` and then deeper lines), a completion of
several lines that ends on a header, with nothing deeper after it in the document, leaves
a statement without its body: the model ran out of ``max_tokens`` right after it (the
cut-off line is dropped, see ``postprocess``) or stopped there. Python's tree-sitter
grammar accepts the empty block, so keep_parse_valid lets it through. On the 120
line-start dev cases, 3 completions of the eval model ended so (``elif isinstance(rv,
bytes):`` above a comment at its own depth, a ``def`` line above the next test). The
header goes, with the blank lines before it, and so does a header that loses its body
that way. The completion's first line is always left: a header alone is what the user
typed the body of next (``for item in items:``).
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext, indentation
from lsp_server.postprocessing.lexing import scan


def drop_open_header(completion: str, ctx: FilterContext) -> str | None:
    if not ctx.dialect.indented_blocks or "\n" not in completion:
        return completion
    if ctx.cursor.line_suffix.strip() or ctx.opened.stack or ctx.opened.state:
        return completion  # the completion's last line is not a line of its own
    below = ctx.next_lines[0] if ctx.next_lines else ""
    kept = completion
    while len(lines := kept.rstrip().split("\n")) > 1 and _bodiless(lines, below, ctx):
        kept = "\n".join(lines[:-1]).rstrip()
    return kept


def _bodiless(lines: list[str], below: str, ctx: FilterContext) -> bool:
    """The last line opens a block and the document's next line is not in it."""
    header = lines[-1]
    if not header.endswith(":") or (below and indentation(below) > indentation(header)):
        return False
    found = scan("\n".join(lines), ctx.dialect)
    return not (found.stack or found.unmatched or found.state)
