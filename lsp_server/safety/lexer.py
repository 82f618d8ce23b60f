"""Blank comments (and string literals) so that code-scope regex rules only see code.

Offsets and line breaks are preserved (every blanked character becomes a space), so a
match in a view is at the same place in the original text. String literals keep their
delimiters (``"    "``): rules can still tell a literal argument from a variable one.
The lexer is a single regex per dialect, built from dialects.toml; it is a few
microseconds per completion window and runs only when a regex rule's keyword is present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lsp_server.safety.dialects import Dialect


def _string_pattern(delimiter: str, multiline: bool) -> str:
    d = re.escape(delimiter)
    if len(delimiter) > 1:
        return rf"{d}(?:\\[\s\S]|(?!{d})[\s\S])*?(?:{d}|\Z)"
    if multiline:
        return rf"{d}(?:\\[\s\S]|[^\\{d}])*(?:{d}|\Z)"
    return rf"{d}(?:\\.|[^\\{d}\n])*{d}?"


@cache
def _lexer(dialect: Dialect) -> re.Pattern[str]:
    comments = [rf"{re.escape(m)}[^\n]*" for m in dialect.line_comments]
    comments += [rf"{re.escape(a)}[\s\S]*?(?:{re.escape(b)}|\Z)" for a, b in dialect.block_comments]
    strings = [_string_pattern(d, d in dialect.multiline) for d in dialect.strings]
    if dialect.chars:
        strings.append(r"'(?:\\[^'\n]{1,10}|[^'\\\n])'")
    parts = []
    if comments:
        parts.append(f"(?P<comment>{'|'.join(comments)})")
    if strings:
        parts.append(f"(?P<string>{'|'.join(strings)})")
    return re.compile("|".join(parts) or r"(?!)")


def _blank(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _blank_inside(literal: str, dialect: Dialect) -> str:
    """``"abc"`` -> ``"   "``; prefixes and unterminated literals are handled by length."""
    opener = next((d for d in dialect.strings if literal.startswith(d)), literal[:1])
    closer = opener if len(literal) >= 2 * len(opener) and literal.endswith(opener) else ""
    inner = literal[len(opener) : len(literal) - len(closer)]
    return opener + _blank(inner) + closer


@dataclass(frozen=True)
class Views:
    """The text as code-scope rules see it, and with comments only removed."""

    code: str
    no_comments: str


def _leading_literal_end(text: str, dialect: Dialect) -> int:
    """Where a comment or string that began above the window ends (0: none seen).

    A completion window often starts inside a block comment or a docstring; lexed from
    its first line, the prose would read as code and the closer as an opener. Two cheap
    signs: a block-comment closer before any opener with only ``*``-led lines above it,
    and an odd number of a triple-quote delimiter whose first one stands alone on its line.
    """
    end = 0
    for opener, closer in dialect.block_comments:
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
    for delimiter in dialect.multiline:
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
    last = _leading_literal_end(text, dialect)
    code: list[str] = [_blank(text[:last])]
    no_comments: list[str] = [code[0]]
    for match in _lexer(dialect).finditer(text, last):
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
            code.append(_blank_inside(piece, dialect))
            no_comments.append(piece)
        last = end
    code.append(text[last:])
    no_comments.append(text[last:])
    return Views("".join(code), "".join(no_comments))
