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

import re
from bisect import bisect_left, bisect_right
from functools import cache
from typing import NamedTuple

import tree_sitter

from lsp_server.indexing.chunking import layout
from lsp_server.indexing.tokens import name_terms
from lsp_server.languages import QUERY_PURPOSES, grammar, languages, query_source

# name, kind, scope, signature, doc, start_line, start_col, end_line, end_col
# (0-based lines, columns in UTF-8 bytes, as tree-sitter counts them)
SymbolRow = tuple[str, str, str, str, str, int, int, int, int]
ImportRow = tuple[str, str | None, str | None, int]  # module, name, alias, line
ChunkRow = tuple[str, str, int, int, str, str]  # kind, name, first, last line, text, terms

CLASS_LIKE = frozenset({"class", "struct", "interface", "trait", "impl", "enum"})
MAX_SIGNATURE = 400
MAX_DOC = 1000
_COMMENT_MARKS = re.compile(r"^\s*(?:/\*\*?|\*/|\*(?!/)|//[/!]?|#+)\s?")
_COMMENT_END = re.compile(r"\s*\*/\s*$|\s+$")
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*)")
_STRING_QUOTES = re.compile(r"^[rRbBuUfF]*(\"\"\"|'''|\"|')|(\"\"\"|'''|\"|')$")


class Extraction(NamedTuple):
    symbols: list[SymbolRow]
    imports: list[ImportRow]
    chunks: list[ChunkRow]


class _Definition(NamedTuple):
    start: int
    end: int
    pattern: int
    kind: str
    node: tree_sitter.Node
    name: str
    body: tree_sitter.Node | None
    doc: tree_sitter.Node | None
    scope: str


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
        self.kinds: dict[int, str] = {}

    def extract(self, source: bytes, text: str) -> Extraction:
        """Everything the index keeps about one file (``text`` is ``source`` decoded)."""
        tree = self.parser.parse(source)
        cursor = tree_sitter.QueryCursor(self.query)
        cursor.set_max_start_depth(self.row.max_depth)
        found: dict[tuple[int, int, str], _Definition] = {}
        imports: list[ImportRow] = []
        spans: list[tuple[int, int]] = []
        roles, kinds = self.roles, self.kinds
        for pattern, caps in cursor.matches(tree.root_node):
            role = roles[pattern]
            if role == 2:
                node = caps["chunk"][0]
                comments = self._comments_above(node)
                first = comments[0] if comments else node
                spans.append((first.start_point[0], node.end_point[0]))
            elif role == 1:
                imports.append(_import_row(caps))
            else:
                kind = kinds.get(pattern) or self._kind(pattern, caps)
                node = caps["definition." + kind][0]
                name = _text(caps["name"][0])
                key = (node.start_byte, node.end_byte, name)
                if key not in found or found[key].pattern > pattern:
                    found[key] = _Definition(
                        node.start_byte, node.end_byte, pattern, kind, node, name,
                        _first(caps, "body"), _first(caps, "doc"),
                        _text(caps["scope"][0]) if "scope" in caps else "",
                    )
        symbols = self._symbols(sorted(found.values(), key=lambda d: (d.start, -d.end)), source)
        lines = text.split("\n")
        return Extraction(symbols, _dedupe_imports(imports), _chunks(spans, lines, symbols))

    def _kind(self, pattern: int, caps: dict[str, list[tree_sitter.Node]]) -> str:
        kind = next(key for key in caps if key.startswith("definition."))[len("definition."):]
        self.kinds[pattern] = kind
        return kind

    def _symbols(self, definitions: list[_Definition], source: bytes) -> list[SymbolRow]:
        """Rows with scopes from nesting: a stack of (start, end, qualified name, kind)."""
        rows: list[SymbolRow] = []
        stack: list[tuple[int, int, str, str]] = []
        for d in definitions:
            while stack and not (
                stack[-1][0] <= d.start and d.end <= stack[-1][1]
                and (stack[-1][0], stack[-1][1]) != (d.start, d.end)
            ):
                stack.pop()
            outer = stack[-1] if stack else None
            scope = outer[2] if outer else ""
            if d.scope:
                scope = f"{scope}.{d.scope}" if scope else d.scope
            kind = d.kind
            if kind == "function" and outer is not None and outer[3] in CLASS_LIKE:
                kind = "method"
            stack.append((d.start, d.end, f"{scope}.{d.name}" if scope else d.name, kind))
            start, end = d.node.start_point, d.node.end_point
            rows.append((d.name, kind, scope, _signature(d, source), self._doc(d),
                         start[0], start[1], end[0], end[1]))
        return rows

    def _doc(self, d: _Definition) -> str:
        if d.doc is not None:
            return _clean_docstring(_text(d.doc))
        anchor = d.node
        while anchor.parent is not None and anchor.parent.type in self.row.wrappers:
            anchor = anchor.parent
        comments = self._comments_above(anchor)
        return _clean_comments([_text(c) for c in comments]) if comments else ""

    def _comments_above(self, node: tree_sitter.Node) -> list[tree_sitter.Node]:
        """The doc comments right above ``node`` (adjacent lines, attributes skipped)."""
        comments: list[tree_sitter.Node] = []
        line = node.start_point[0]
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


def _signature(d: _Definition, source: bytes) -> str:
    """The definition's text up to its body (or its first line when it has none)."""
    if d.body is not None and d.body.start_byte > d.start:
        end = d.body.start_byte
    else:
        newline = source.find(b"\n", d.start, d.end)
        end = d.end if newline < 0 else newline
    text = source[d.start:min(end, d.start + MAX_SIGNATURE)].decode("utf-8", "replace")
    lines = text.rstrip().split("\n")
    while len(lines) > 1 and _COMMENT_LINE.match(lines[-1]):
        lines.pop()  # comments between the signature and the body's first statement
    return "\n".join(lines).rstrip()


def _clean_docstring(literal: str) -> str:
    body = _STRING_QUOTES.sub("", literal.strip())
    lines = body.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents, default=0)
    text = "\n".join([lines[0].strip(), *(line[margin:].rstrip() for line in lines[1:])])
    return text.strip()[:MAX_DOC]


def _clean_comments(comments: list[str]) -> str:
    lines = [_COMMENT_END.sub("", _COMMENT_MARKS.sub("", line))
             for comment in comments for line in comment.split("\n")]
    return "\n".join(line for line in lines if line.strip(" */")).strip()[:MAX_DOC]


def _chunks(spans: list[tuple[int, int]], lines: list[str],
            symbols: list[SymbolRow]) -> list[ChunkRow]:
    """Chunk rows named after the outermost definition that starts inside them.

    Their search terms are the camelCase parts of the names they define (finding those
    in the whole text costs a sixth of a cold index; the query side splits its own).
    """
    starts = [row[5] for row in symbols]
    rows: list[ChunkRow] = []
    for first, last, is_candidate in layout(spans, lines):
        kind, name = "statements", ""
        i = bisect_left(starts, first)
        if is_candidate and i < len(symbols) and starts[i] <= last:
            kind, scope, name = symbols[i][1], symbols[i][2], symbols[i][0]
            name = f"{scope}.{name}" if scope else name
        j = bisect_right(starts, last, lo=i)
        text = "\n".join(lines[first:last + 1])
        rows.append((kind, name, first, last, text, name_terms(row[0] for row in symbols[i:j])))
    return rows
