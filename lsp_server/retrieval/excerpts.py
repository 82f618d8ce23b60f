"""Definitions as the model should see them: signatures and docs, not whole bodies.

A class is shown as its header and the signatures of its members (what a caller can
use), a function as its signature and docstring, a constant as its assignment, a module
as the signatures of its top-level names. Text comes from the index's chunks (the file
as indexed, unsaved edits included), so indentation and comments read as the author
wrote them, in any language.
"""

from __future__ import annotations

from lsp_server.indexing.records import Chunk, Symbol

CLASS_KINDS = frozenset({"class", "struct", "interface", "trait", "enum", "impl", "namespace",
                         "module"})
CALLABLE_KINDS = frozenset({"function", "method", "constructor"})
MAX_HEADER_LINES = 10  # a class's lines before its first member (docstring, attributes)
MAX_FUNCTION_LINES = 14
MAX_VALUE_LINES = 8
MAX_MEMBERS = 40
MAX_OUTLINE_LINES = 60


def file_lines(chunks: list[Chunk]) -> list[str]:
    """A file's lines rebuilt from its index chunks (every non-blank line is in exactly
    one; blank lines stay blank): the text the symbols' positions refer to, unsaved
    edits of open documents included, without reading the disk again."""
    if not chunks:
        return []
    lines = [""] * (max(c.end_line for c in chunks) + 1)
    for chunk in chunks:
        for offset, line in enumerate(chunk.text.split("\n")):
            if chunk.start_line + offset < len(lines):
                lines[chunk.start_line + offset] = line
    return lines


def definition(symbol: Symbol, lines: list[str], symbols: list[Symbol]) -> str:
    """The text that shows ``symbol`` (``symbols``: its file's): a skeleton for classes,
    a head for functions."""
    members = [s for s in symbols if s.scope == symbol.qualified_name
               and symbol.start_line <= s.start_line] if symbol.kind in CLASS_KINDS else []
    if members:
        return _skeleton(symbol, lines, members)
    if symbol.kind in CALLABLE_KINDS:
        return _span(lines, symbol.start_line, min(symbol.end_line, _head_end(symbol)))
    return _span(lines, symbol.start_line,
                 min(symbol.end_line, symbol.start_line + MAX_VALUE_LINES - 1))


def outline(symbols: list[Symbol], lines: list[str]) -> str:
    """A module's top-level names: each definition's first line, in source order."""
    out: list[str] = []
    for symbol in symbols:
        if symbol.scope or len(out) >= MAX_OUTLINE_LINES:
            continue
        head = _span(lines, symbol.start_line, symbol.start_line + _signature_lines(symbol) - 1)
        out.append(head if symbol.kind in CALLABLE_KINDS else head.split("\n")[0])
    return "\n".join(out)


def _skeleton(symbol: Symbol, lines: list[str], members: list[Symbol]) -> str:
    direct = [m for m in members if m.scope.rsplit(".", 1)[-1] == symbol.name][:MAX_MEMBERS]
    first = direct[0].start_line if direct else symbol.end_line + 1
    body = symbol.start_line + 1
    out = [_span(lines, symbol.start_line, min(_decorated_from(lines, first, body) - 1,
                                               symbol.start_line + MAX_HEADER_LINES - 1))]
    for member in direct:
        if member.start_line < first:
            continue
        last = member.start_line + _signature_lines(member) - 1
        if member.kind not in CALLABLE_KINDS:
            last = min(member.end_line, member.start_line + 2)
        out.append(_span(lines, _decorated_from(lines, member.start_line, body), last))
    return "\n".join(part for part in out if part)


def _decorated_from(lines: list[str], start: int, floor: int) -> int:
    """The first of the decorator / annotation lines right above a member (``@property``,
    ``@classmethod``, ``@Override``): they say how it is used (``obj.name``, not
    ``obj.name()``), which a bare signature does not."""
    while start - 1 >= floor and lines[start - 1].lstrip().startswith("@"):
        start -= 1
    return start


def _head_end(symbol: Symbol) -> int:
    """Last line of a callable's signature and docstring (capped)."""
    doc = symbol.doc.count("\n") + 3 if symbol.doc else 0
    return symbol.start_line + min(_signature_lines(symbol) + doc, MAX_FUNCTION_LINES) - 1


def _signature_lines(symbol: Symbol) -> int:
    return symbol.signature.count("\n") + 1 if symbol.signature else 1


def _span(lines: list[str], first: int, last: int) -> str:
    return "\n".join(line.rstrip() for line in lines[max(first, 0): last + 1])
