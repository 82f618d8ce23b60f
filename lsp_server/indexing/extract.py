"""One file's source -> its definitions, imports and chunks, as plain tuples.

This runs inside the parse processes (and in-process for a single changed file), so it
imports only tree-sitter and the language table, compiles each language's queries once
per process, and returns tuples that pickle cheaply. The three query files of a language
are compiled as one query, so the tree is walked once (the walk, not the matching, is
what costs), and the walk stops at the language's ``max_depth``.

Captures the query files use (see ``lsp_server/languages/queries/``):

- definitions: ``@definition.<kind>`` (the definition's node), ``@name``, and optionally
  ``@body`` (the signature ends where it starts), ``@doc`` (a docstring node) and
  ``@scope`` (an owner named in the code, e.g. a Go method's receiver type);
- imports: ``@import`` (the statement), ``@module``, and optionally ``@name``, ``@alias``;
- chunks: ``@chunk``.

Captures whose name starts with ``_`` only feed predicates.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache
from typing import NamedTuple

import tree_sitter

from lsp_server.indexing.chunking import ChunkRow, chunk_rows
from lsp_server.indexing.docs import clean_comments, clean_docstring, signature
from lsp_server.languages import QUERY_PURPOSES, grammar, languages, query_source

# name, kind, scope, signature, doc, start_line, start_col, end_line, end_col
# (0-based lines, columns in UTF-8 bytes, as tree-sitter counts them)
SymbolRow = tuple[str, str, str, str, str, int, int, int, int]
ImportRow = tuple[str, str | None, str | None, int]  # module, name, alias, line

CLASS_LIKE = frozenset({"class", "struct", "interface", "trait", "impl", "enum"})


class Extraction(NamedTuple):
    symbols: list[SymbolRow]
    imports: list[ImportRow]
    chunks: list[ChunkRow]


# A definition found by the query: start and end byte, pattern, kind, node, name, body
# node, doc node, scope named in the code. A plain tuple (one per definition of every file).
_Definition = tuple[int, int, int, str, tree_sitter.Node, str,
                    tree_sitter.Node | None, tree_sitter.Node | None, str]


class Extractor:
    """Parser and compiled queries of one language (build through ``extractor_for``)."""

    def __init__(self, language_id: str) -> None:
        row = languages()[language_id]
        lang = grammar(language_id)
        if lang is None:
            raise ValueError(f"no grammar for {language_id}")
        self.row = row
        self.parser = tree_sitter.Parser(lang)
        sources = [query_source(language_id, purpose) for purpose in QUERY_PURPOSES]
        self.query = tree_sitter.Query(lang, "\n".join(sources))
        # Which file each pattern came from, by where its text starts in the joined source.
        bounds, offset = [], 0
        for source in sources:
            offset += len(source.encode()) + 1
            bounds.append(offset)
        self.roles = [
            bisect_left(bounds, self.query.start_byte_for_pattern(i) + 1)
            for i in range(self.query.pattern_count)
        ]
        self.kinds: dict[int, tuple[str, str]] = {}  # pattern -> (capture, kind)
        self._above: dict[tuple[int, int], list[tree_sitter.Node]] = {}  # of one file
        # What any comment has on the line where it ends: a line comment's marker, or the
        # end of a block comment.
        self.marks = (b"#",) if row.comment == "#" else (row.comment.encode(), b"*/")

    def extract(self, source: bytes, text: str,
                tree: tree_sitter.Tree | None = None) -> Extraction:
        """Everything the index keeps about one file (``text`` is ``source`` decoded;
        ``tree``, when given, is its syntax tree, e.g. re-parsed incrementally)."""
        if tree is None:
            tree = self.parser.parse(source)
        cursor = tree_sitter.QueryCursor(self.query)
        cursor.set_max_start_depth(self.row.max_depth)
        found: dict[tuple[int, int, str], _Definition] = {}
        imports: list[ImportRow] = []
        spans: list[tuple[int, int]] = []
        roles, kinds = self.roles, self.kinds
        comments_above = self._comments_above
        self._above.clear()
        for pattern, caps in cursor.matches(tree.root_node):
            role = roles[pattern]
            if role == 2:
                node = caps["chunk"][0]
                comments = comments_above(node, source)
                spans.append(((comments[0] if comments else node).start_point[0],
                              node.end_point[0]))
            elif role == 1:
                imports.append(_import_row(caps))
            else:
                capture, kind = kinds.get(pattern) or self._kind(pattern, caps)
                node = caps[capture][0]
                raw = caps["name"][0].text
                name = raw.decode("utf-8", "replace") if raw else ""
                start, end = node.start_byte, node.end_byte
                key = (start, end, name)
                known = found.get(key)
                if known is None or known[2] > pattern:
                    body, doc, scope = caps.get("body"), caps.get("doc"), caps.get("scope")
                    found[key] = (start, end, pattern, kind, node, name,
                                  body[0] if body else None, doc[0] if doc else None,
                                  _text(scope[0]) if scope else "")
        definitions = sorted(found.values(), key=_outer_first) if len(found) > 1 else [
            *found.values()]
        symbols = self._symbols(definitions, source)
        self._above.clear()  # its nodes would keep the tree alive
        lines = text.split("\n")
        return Extraction(symbols, _dedupe_imports(imports), chunk_rows(spans, lines, symbols))

    def _kind(self, pattern: int, caps: dict[str, list[tree_sitter.Node]]) -> tuple[str, str]:
        capture = next(key for key in caps if key.startswith("definition."))
        known = self.kinds[pattern] = (capture, capture[len("definition."):])
        return known

    def _symbols(self, definitions: list[_Definition], source: bytes) -> list[SymbolRow]:
        """Rows with scopes from nesting: a stack of (start, end, qualified name, kind)."""
        rows: list[SymbolRow] = []
        stack: list[tuple[int, int, str, str]] = []
        doc_of = self._doc
        for d in definitions:
            d_start, d_end, _pattern, kind, node, name, body_node, doc_node, own_scope = d
            while stack:
                top = stack[-1]
                if top[0] <= d_start and d_end <= top[1] and (top[0] != d_start
                                                              or top[1] != d_end):
                    break
                stack.pop()
            if stack:
                outer = stack[-1]
                scope = outer[2]
                if kind == "function" and outer[3] in CLASS_LIKE:
                    kind = "method"
            else:
                scope = ""
            if own_scope:
                scope = f"{scope}.{own_scope}" if scope else own_scope
            stack.append((d_start, d_end, f"{scope}.{name}" if scope else name, kind))
            start, end = node.start_point, node.end_point
            body = body_node.start_byte if body_node is not None else None
            sig = signature(source, d_start, d_end, body)
            doc = clean_docstring(_text(doc_node)) if doc_node is not None else doc_of(node,
                                                                                    source)
            rows.append((name, kind, scope, sig, doc, start[0], start[1], end[0], end[1]))
        return rows

    def _doc(self, node: tree_sitter.Node, source: bytes) -> str:
        """The doc comments above a definition (that has no docstring)."""
        anchor = node
        if self.row.wrappers:  # (``parent`` walks down from the root: call it sparingly)
            parent = anchor.parent
            while parent is not None and parent.type in self.row.wrappers:
                anchor, parent = parent, parent.parent
        comments = self._comments_above(anchor, source)
        return clean_comments([_text(c) for c in comments]) if comments else ""

    def _comments_above(self, node: tree_sitter.Node, source: bytes) -> list[tree_sitter.Node]:
        """The doc comments right above ``node`` (adjacent lines, attributes skipped);
        asked twice of most nodes (as a chunk and as a definition), answered once."""
        key = node.start_byte, node.end_byte
        known = self._above.get(key)
        if known is None:
            known = self._above[key] = self._find_comments_above(node, source)
        return known

    def _find_comments_above(self, node: tree_sitter.Node,
                             source: bytes) -> list[tree_sitter.Node]:
        line, column = node.start_point
        if not self.row.doc_skip:
            # No comment marker on the line above nor before the node on its own: no
            # comment can end there, and the sibling walk (slow) would find none.
            end = node.start_byte
            start = end - column
            above = source.rfind(b"\n", 0, start - 1) + 1 if start > 0 else 0
            for mark in self.marks:
                if source.find(mark, above, end) >= 0:
                    break
            else:
                return []
        comments: list[tree_sitter.Node] = []
        sibling = node.prev_named_sibling
        while sibling is not None:
            if sibling.type in self.row.doc_skip:
                line = sibling.start_point[0]
            elif sibling.type in self.row.doc_comments and sibling.end_point[0] >= line - 1:
                comments.append(sibling)
                line = sibling.start_point[0]
            else:
                break
            sibling = sibling.prev_named_sibling
        return comments[::-1]


@cache
def extractor_for(language_id: str) -> Extractor | None:
    """The process's extractor for a language; None when it has no grammar or queries."""
    row = languages().get(language_id)
    if row is None or not row.grammar or not query_source(language_id, "definitions"):
        return None
    return Extractor(language_id)


def _outer_first(d: _Definition) -> tuple[int, int]:
    return d[0], -d[1]


def _first(caps: dict[str, list[tree_sitter.Node]], name: str) -> tree_sitter.Node | None:
    nodes = caps.get(name)
    return nodes[0] if nodes else None


def _text(node: tree_sitter.Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw else ""


def _import_row(caps: dict[str, list[tree_sitter.Node]]) -> ImportRow:
    name, alias = _first(caps, "name"), _first(caps, "alias")
    return (
        _text(caps["module"][0]).strip().strip("\"'<>`"),
        _text(name) if name is not None else None,
        _text(alias) if alias is not None else None,
        caps["import"][0].start_point[0],
    )


def _dedupe_imports(rows: list[ImportRow]) -> list[ImportRow]:
    """Unique rows; a bare ``module`` row only where nothing names what it imports."""
    named = {(module, line) for module, name, alias, line in rows if name or alias}
    seen: dict[ImportRow, None] = {}
    for row in rows:
        if (row[1] or row[2] or (row[0], row[3]) not in named) and row[0]:
            seen[row] = None
    return list(seen)
