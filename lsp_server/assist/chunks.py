"""Split a file into excerpts a question can be answered (and cited) from.

Top-level definitions make the natural excerpts: each definition of a few lines or more
stands alone, and the small things between them (imports, constants) are grouped into
runs of up to ``WINDOW_LINES``. A definition longer than ``MAX_UNIT_LINES`` is opened up
into its children (a class into its methods). A file without a grammar is cut into
windows. Each excerpt remembers the names it defines, so a question that names one can
rank its definition above its uses.
"""

from __future__ import annotations

from typing import NamedTuple

import tree_sitter

from lsp_server.languages import parser_for

WINDOW_LINES = 40
MAX_UNIT_LINES = 80
MIN_DEFINITION_LINES = 3
_IDENTIFIERS = frozenset({"identifier", "type_identifier", "field_identifier",
                          "property_identifier", "constant"})
# Fields that lead from a definition to its name: Python's decorated_definition holds its
# definition, JavaScript's export_statement its declaration, C's declarators nest.
_NAME_FIELDS = ("name", "declarator", "definition", "declaration", "type")


class Span(NamedTuple):
    start: int  # 0-based, inclusive
    end: int
    names: tuple[str, ...]  # what the span defines


def split_chunks(text: str, language: str) -> list[Span]:
    """The excerpts of a file, in order (lines between excerpts are blank or braces)."""
    lines = text.split("\n")
    last = len(lines) - 1
    while last > 0 and not lines[last].strip():
        last -= 1
    parser = parser_for(language)
    units: list[Span] = []
    if parser is not None:
        _units(parser.parse(text.encode("utf-8")).root_node, units)
    return _group(units) if units else _windows(0, last, ())


def _units(node: tree_sitter.Node, out: list[Span]) -> None:
    for child in node.named_children:
        first, last = child.start_point.row, _last_row(child)
        names = _names(child, 0)
        if last - first < MAX_UNIT_LINES:
            out.append(Span(first, last, names))
            continue
        before = len(out)
        _units(child, out)
        if len(out) == before:
            out.extend(_windows(first, last, ()))
        # The node's header (``class Big(Base):``) joins its first part of several lines,
        # which then carries the node's name.
        k = next((i for i in range(before, len(out)) if out[i].end > out[i].start),
                 len(out) - 1)
        inner = tuple(name for unit in out[before : k + 1] for name in unit.names)
        out[before : k + 1] = [Span(first, out[k].end, names + inner)]


def _group(units: list[Span]) -> list[Span]:
    chunks: list[Span] = []
    group: list[Span] = []
    group_is_definition = False
    for unit in units:
        is_definition = bool(unit.names) and unit.end - unit.start + 1 >= MIN_DEFINITION_LINES
        if group and (is_definition or group_is_definition
                      or unit.end - group[0].start + 1 > WINDOW_LINES):
            chunks.append(_merge(group))
            group = []
        group.append(unit)
        group_is_definition = is_definition
    if group:
        chunks.append(_merge(group))
    return chunks


def _merge(group: list[Span]) -> Span:
    names = tuple(dict.fromkeys(name for unit in group for name in unit.names))
    return Span(group[0].start, max(unit.end for unit in group), names)


def _windows(first: int, last: int, names: tuple[str, ...]) -> list[Span]:
    return [Span(start, min(start + WINDOW_LINES - 1, last), names)
            for start in range(first, last + 1, WINDOW_LINES)]


def _last_row(node: tree_sitter.Node) -> int:
    row, column = node.end_point
    return row - 1 if column == 0 and row > node.start_point.row else row


def _names(node: tree_sitter.Node, depth: int) -> tuple[str, ...]:
    """The name(s) a top-level node defines: ``def f``, ``const f = ...``, ``type T``."""
    if node.type in _IDENTIFIERS:  # a name, when reached through a definition's field
        return (node.text.decode("utf-8", "replace"),) if node.text and depth else ()
    if depth > 3:
        return ()
    for field in _NAME_FIELDS:
        child = node.child_by_field_name(field)
        if child is not None and (found := _names(child, depth + 1)):
            return found
    if depth == 0:  # `const a = 1, b = 2`, Go's `type ( A ...; B ... )`
        return tuple(name for child in node.named_children
                     if child.type.endswith(("declarator", "_spec"))
                     for name in _names(child, depth + 1))
    return ()
