"""Blank comments (and string literals) so that code-scope regex rules only see code.

Offsets and line breaks are preserved (every blanked character becomes a space), so a
match in a view is at the same place in the original text. String literals keep their
delimiters (``"    "``): rules can still tell a literal argument from a variable one.
The lexer is a single regex per syntax, built from the shared lexical table
(``lsp_server.languages.lexical``) with the same token patterns as the post-processing
filters use; it is a few microseconds per completion window and runs only when a regex
rule's keyword is present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lsp_server.languages.lexical import Lexical, comment_patterns, literal_patterns
from lsp_server.safety.dialects import Dialect


@cache
def _lexer(lexical: Lexical) -> re.Pattern[str]:
    groups = (("comment", comment_patterns(lexical)), ("string", literal_patterns(lexical)))
    parts = [f"(?P<{name}>{'|'.join(patterns)})" for name, patterns in groups if patterns]
    return re.compile("|".join(parts) or r"(?!)")


def _blank(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _blank_inside(literal: str, lexical: Lexical) -> str:
    """``"abc"`` -> ``"   "``; prefixes and unterminated literals are handled by length."""
    opener = lexical.opener(literal)
    closer = opener if len(literal) >= 2 * len(opener) and literal.endswith(opener) else ""
    inner = literal[len(opener) : len(literal) - len(closer)]
    return opener + _blank(inner) + closer


@dataclass(frozen=True)
class Views:
    """The text as code-scope rules see it, and with comments only removed."""

    code: str
    no_comments: str


def _leading_literal_end(text: str, lexical: Lexical) -> int:
    """Where a comment or string that began above the window ends (0: none seen).

    A completion window often starts inside a block comment or a docstring; lexed from
    its first line, the prose would read as code and the closer as an opener. Two cheap
    signs: a block-comment closer before any opener with only ``*``-led lines above it,
    and an odd number of a triple-quote delimiter whose first one stands alone on its line.
    """
    end = 0
    for opener, closer in lexical.block_comments:
        close = text.find(closer)
        if (
            close >= 0
            and not 0 <= text.find(opener) < close
            and all(
                not line.strip() or line.lstrip().startswith("*")
                for line in text[:close].split("\n")
            )
        ):
            end = max(end, close + len(closer))
    for delimiter in lexical.multiline:
        if len(delimiter) == 3 and text.count(delimiter) % 2:
            first = text.find(delimiter)
            line_start = text.rfind("\n", 0, first) + 1
            line_end = text.find("\n", first)
            after = text[first + 3 : line_end if line_end >= 0 else len(text)]
            if not text[line_start:first].strip() and not after.strip():
                end = max(end, first + 3)
    return end


def lex(text: str, dialect: Dialect | None) -> Views:
    if dialect is None:
        return Views(text, text)
    lexical = dialect.lexical
    last = _leading_literal_end(text, lexical)
    code: list[str] = [_blank(text[:last])]
    no_comments: list[str] = [code[0]]
    for match in _lexer(lexical).finditer(text, last):
        start, end = match.span()
        if start == end:
            continue
        gap = text[last:start]
        code.append(gap)
        no_comments.append(gap)
        piece = match.group()
        if match.lastgroup == "comment":
            blank = _blank(piece)
            code.append(blank)
            no_comments.append(blank)
        else:
            code.append(_blank_inside(piece, lexical))
            no_comments.append(piece)
        last = end
    code.append(text[last:])
    no_comments.append(text[last:])
    return Views("".join(code), "".join(no_comments))
