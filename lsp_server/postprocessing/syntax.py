"""Parse errors of the cursor's window, with and without a completion in it.

The window is parsed once per request; each candidate completion is an edit of that tree
and an incremental re-parse (about a quarter of a full parse), so trying a few trimmed
candidates stays within a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from lsp_server.languages import parser_for
from lsp_server.postprocessing.window import Window

Span = tuple[int, int]  # byte range in the parsed text


def error_spans(node: tree_sitter.Node) -> list[Span]:
    """ERROR and MISSING nodes, outermost only (an ERROR's inside is not counted again)."""
    if node.is_error or node.is_missing:
        return [(node.start_byte, node.end_byte)]
    spans: list[Span] = []
    for child in node.children:
        if child.has_error or child.is_missing:
            spans.extend(error_spans(child))
    return spans


def window_errors(tree: tree_sitter.Tree) -> list[Span]:
    """The errors that say something about the code: a MISSING closer where the text ends
    is the window (or the file, while it is being written) ending before its blocks close,
    which a completion in the middle neither causes nor can fix. Counting those, ``x =
    Circle.`` -> ``x = Circle.unit();`` in an unclosed class turned one error at the cursor
    into two missing braces, and the completion was dropped as breaking the parse."""
    if not tree.root_node.has_error:
        return []
    end = tree.root_node.end_byte
    return [(s, e) for s, e in error_spans(tree.root_node) if not s == e == end]


def _point(data: bytes) -> tuple[int, int]:
    """Row and byte column at the end of ``data``."""
    return data.count(b"\n"), len(data) - (data.rfind(b"\n") + 1)


@dataclass(frozen=True)
class Baseline:
    """The window as the user wrote it: its tree, its errors, and where the cursor is."""

    parser: tree_sitter.Parser
    tree: tree_sitter.Tree
    prefix: bytes
    suffix: bytes
    errors: list[Span]

    @property
    def cursor(self) -> int:
        return len(self.prefix)

    @property
    def error_at_cursor(self) -> bool:
        """The user is mid-statement: a completion cannot be blamed for that error."""
        return any(start <= self.cursor <= end for start, end in self.errors)

    def errors_with(self, completion: bytes) -> list[Span]:
        """Errors of the window with ``completion`` inserted at the cursor."""
        tree = self.tree.copy()
        start = _point(self.prefix)
        end = _point(self.prefix + completion)
        tree.edit(start_byte=self.cursor, old_end_byte=self.cursor,
                  new_end_byte=self.cursor + len(completion), start_point=start,
                  old_end_point=start, new_end_point=end)
        return window_errors(self.parser.parse(self.prefix + completion + self.suffix, tree))


def baseline(window: Window, language: str) -> Baseline | None:
    """None when the language has no grammar (the syntax check is then skipped)."""
    parser = parser_for(language)
    if parser is None:
        return None
    prefix, suffix = window.prefix.encode(), window.suffix.encode()
    tree = parser.parse(prefix + suffix)
    return Baseline(parser, tree, prefix, suffix, window_errors(tree))
