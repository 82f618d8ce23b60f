"""What a definition says about itself: its signature, docstring or doc comments, as text.

Plain string work on what the query found, cut to ``MAX_SIGNATURE`` and ``MAX_DOC``
characters so one minified function or a huge docstring cannot bloat the index. Quotes are
stripped by hand: a regular expression that scanned each docstring for its closing quotes
cost more than everything else done with it.
"""

from __future__ import annotations

import re

MAX_SIGNATURE = 400
MAX_DOC = 1000
_COMMENT_MARKS = re.compile(r"^\s*(?:/\*\*?|\*/|\*(?!/)|//[/!]?|#+)\s?")
_COMMENT_END = re.compile(r"\s*\*/\s*$|\s+$")
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*)")
_OPENING_QUOTE = re.compile(r"[rRbBuUfF]*(\"\"\"|'''|\"|')")


def signature(source: bytes, start: int, end: int, body: int | None) -> str:
    """The text of a definition (``start`` to ``end`` in ``source``) up to where its
    body starts (or its first line when it has none)."""
    if body is not None and body > start:
        end = body
    else:
        newline = source.find(b"\n", start, end)
        end = end if newline < 0 else newline
    raw = source[start:min(end, start + MAX_SIGNATURE)]
    if b"\n" not in raw:  # most signatures: one line, nothing to trim
        return raw.decode("utf-8", "replace").rstrip()
    lines = raw.decode("utf-8", "replace").rstrip().split("\n")
    while len(lines) > 1 and _COMMENT_LINE.match(lines[-1]):
        lines.pop()  # comments between the signature and the body's first statement
    return "\n".join(lines).rstrip()


def clean_docstring(literal: str) -> str:
    """A docstring literal's text: quotes, prefix and common indentation removed."""
    body = literal.strip()
    opening = _OPENING_QUOTE.match(body)
    if opening:
        body = body[opening.end():]
    for quote in ('"""', "'''", '"', "'"):
        if body.endswith(quote):
            body = body[:-len(quote)]
            break
    lines = body.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents, default=0)
    text = "\n".join([lines[0].strip(), *(line[margin:].rstrip() for line in lines[1:])])
    return text.strip()[:MAX_DOC]


def clean_comments(comments: list[str]) -> str:
    """Doc comments' text, comment markers removed."""
    lines = [_COMMENT_END.sub("", _COMMENT_MARKS.sub("", line))
             for comment in comments for line in comment.split("\n")]
    return "\n".join(line for line in lines if line.strip(" */")).strip()[:MAX_DOC]
