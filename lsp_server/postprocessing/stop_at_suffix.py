"""Cut a completion where it starts repeating the text after the cursor.

FIM models often regenerate the suffix (the closing bracket the editor already has, or
the next line); showing it would duplicate code once accepted.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext


def stop_at_suffix(completion: str, ctx: FilterContext) -> str | None:
    rest_of_line = ctx.cursor.line_suffix.strip()
    if rest_of_line and completion.rstrip().endswith(rest_of_line):
        completion = completion.rstrip()[: -len(rest_of_line)]
    following = [ln.strip() for ln in ctx.cursor.suffix.split("\n")[1:] if ln.strip()]
    if not following:
        return completion
    next_line = following[0]
    lines = completion.split("\n")
    for index, line in enumerate(lines):
        if index > 0 and line.strip() == next_line:
            return "\n".join(lines[:index])
    return completion
