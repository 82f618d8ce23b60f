"""Keep a completion inside the cursor's scope: one line mid-line, the block otherwise.

Small models, instruct ones most of all, run on past the hole (the next function, a
``__main__`` block); a line indented less than the cursor's block ends the completion,
and at top level so does the first blank line after some code.
"""

from __future__ import annotations

from lsp_server.postprocessing.context import FilterContext, indentation


def scope_end(text: str, ctx: FilterContext, *, final: bool) -> int | None:
    """Index where ``text`` leaves the scope, or None while it is still inside.

    With ``final=False`` (streaming) only complete lines are judged.
    """
    if not ctx.multiline:
        at = text.find("\n")
        if at > 0 or (at == 0 and text[1:].strip()):
            return at if at > 0 else 0
        return None
    lines = text.split("\n")
    judged = lines if final else lines[:-1]
    offset, seen_code = 0, bool(text.split("\n", 1)[0].strip())
    for index, line in enumerate(judged):
        if index > 0:
            if line.strip() and indentation(line) < ctx.block_indent:
                return max(offset - 1, 0)
            if not line.strip() and seen_code and ctx.block_indent == 0:
                return max(offset - 1, 0)
            seen_code = seen_code or bool(line.strip())
        offset += len(line) + 1
    return None


def limit_to_scope(completion: str, ctx: FilterContext) -> str | None:
    end = scope_end(completion, ctx, final=True)
    return completion if end is None else completion[:end]
