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


def window_errors(tree: tree_sitter.Tree, text: bytes, unclosed: int) -> list[Span]:
    """The parse errors, less up to ``unclosed`` closers MISSING with only blanks after
    them: the document itself leaves that many brackets open (written top to bottom with
    no auto-pairs), which a completion in the middle neither causes nor can fix. Counted,
    ``x = Circle.`` -> ``x = Circle.unit();`` in a class not closed yet turned one error
    at the cursor into two missing braces and was dropped as breaking the parse. A closer
    missing beyond those (a completion's own unclosed ``{``) still counts."""
    if not tree.root_node.has_error:
        return []
    spans = error_spans(tree.root_node)
    while unclosed and spans and spans[-1][0] == spans[-1][1] and not text[spans[-1][1]:].strip():
        spans.pop()
        unclosed -= 1
    return spans


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
    unclosed: int  # brackets the document leaves open at its end (window_errors)

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
        text = self.prefix + completion + self.suffix
        return window_errors(self.parser.parse(text, tree), text, self.unclosed)


def baseline(window: Window, language: str, unclosed: int = 0) -> Baseline | None:
    """None when the language has no grammar (the syntax check is then skipped)."""
    parser = parser_for(language)
    if parser is None:
        return None
    prefix, suffix = window.prefix.encode(), window.suffix.encode()
    tree = parser.parse(prefix + suffix)
    return Baseline(parser, tree, prefix, suffix, window_errors(tree, prefix + suffix, unclosed),
                    unclosed)
