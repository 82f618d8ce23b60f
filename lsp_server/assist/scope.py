"""The function or class around a selection, as context for explaining it.

A selection is rarely self-explanatory: the signature it lives in says what its
variables are. The enclosing scope is the smallest node of a scope type (scopes.toml)
that reaches beyond the selection, so selecting a whole method yields its class. A small
scope is shown whole; a large one by its header lines (up to its body), since the
selection itself is shown separately anyway.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import tree_sitter

from lsp_server.languages import parser_for

WHOLE_SCOPE_LINES = 60  # a scope up to this long is shown in full
MAX_HEADER_LINES = 12


@dataclass(frozen=True)
class Scope:
    kind: str  # the node type, e.g. "function_definition"
    name: str  # "" when the node has no name (a lambda)
    start_line: int  # 0-based, inclusive
    end_line: int
    text: str  # the whole scope when small, otherwise its header
    whole: bool


@cache
def scope_types() -> dict[str, frozenset[str]]:
    text = resources.files("lsp_server.assist").joinpath("scopes.toml").read_text("utf-8")
    return {lang: frozenset(types) for lang, types in tomllib.loads(text).items()}


def enclosing_scope(text: str, language: str, start_line: int, end_line: int) -> Scope | None:
    """The scope around lines ``start_line``..``end_line`` (0-based, inclusive), if any."""
    types = scope_types().get(language)
    parser = parser_for(language)
    if not types or parser is None:
        return None
    lines = text.split("\n")
    tree = parser.parse(text.encode("utf-8"))
    first, last = lines[start_line], lines[end_line]
    start = (start_line, len(first.encode()) - len(first.lstrip().encode()))
    end = (end_line, len(last.rstrip().encode()))
    node = tree.root_node.descendant_for_point_range(start, end)
    while node is not None:
        first_row, last_row = node.start_point.row, _last_row(node)
        if node.type in types and (first_row < start_line or last_row > end_line):
            return _scope(node, lines, first_row, last_row)
        node = node.parent
    return None


def _last_row(node: tree_sitter.Node) -> int:
    row, column = node.end_point
    return row - 1 if column == 0 and row > node.start_point.row else row


def _scope(node: tree_sitter.Node, lines: list[str], first: int, last: int) -> Scope:
    name_node = node.child_by_field_name("name")
    name = name_node.text.decode("utf-8", "replace") if name_node and name_node.text else ""
    if last - first < WHOLE_SCOPE_LINES:
        return Scope(node.type, name, first, last, "\n".join(lines[first : last + 1]), True)
    body = node.child_by_field_name("body")
    header_end = first
    if body is not None and body.start_point.row > first:
        header_end = body.start_point.row - 1
    header_end = min(header_end, first + MAX_HEADER_LINES - 1)
    return Scope(node.type, name, first, last, "\n".join(lines[first : header_end + 1]), False)
