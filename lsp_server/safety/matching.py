"""Run the rules of a language over a text: prefilter, then regexes and queries.

Work is done only as far as needed: keywords first (``in``, microseconds), the lexer only
when a rule survived, the tree-sitter parse only when a query rule's keyword is in the
code itself (not only in a comment or string). Findings are character offsets into the
text, so callers can tell whether a finding overlaps an inserted completion.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import tree_sitter

from lsp_server.languages import grammar
from lsp_server.safety.catalog import Rule, compiled_query, rule_set
from lsp_server.safety.dialects import Dialect, dialect_for
from lsp_server.safety.lexer import Views, lex

logger = logging.getLogger(__name__)
MATCH_LIMIT = 256  # tree-sitter in-progress match cap: bounds pathological windows
# A completion window of code parses in tens of microseconds; prose (a window inside a
# long comment) can take milliseconds of error recovery. Past this budget the query rules
# skip the window (completions only: whole files are parsed without a budget).
PARSE_BUDGET_NS = 400_000


@dataclass(frozen=True)
class Finding:
    rule: Rule
    start: int  # character offsets into the scanned text
    end: int


def find(text: str, language: str, parse_budget_ns: int | None = None) -> list[Finding]:
    """Every finding of the language's rules (and the language-agnostic ones) in ``text``."""
    candidates = rule_set(language).candidates(text)
    if not candidates:
        return []
    dialect = dialect_for(language)
    needs_lexer = any(rule.scope != "raw" for rule in candidates)  # secrets read raw text
    views = lex(text, dialect) if needs_lexer else Views(text, text)
    found = list(_regex_findings(text, views, [r for r in candidates if r.regex is not None]))
    queries = [r for r in candidates if r.regex is None and _in_code(r, views.code)]
    if queries and dialect is not None:
        found += _query_findings(views.no_comments, dialect, queries, parse_budget_ns)
    return found


def _in_code(rule: Rule, code: str) -> bool:
    haystack = code.lower() if rule.ignore_case else code
    return any(keyword in haystack for keyword in rule.keywords)


def _regex_findings(text: str, views: Views, rules: list[Rule]) -> Iterator[Finding]:
    for rule in rules:
        assert rule.regex is not None
        view = {"raw": text, "code": views.code, "strings": views.no_comments}[rule.scope]
        for match in rule.regex.finditer(view):
            yield Finding(rule, match.start(), max(match.end(), match.start() + 1))


def _query_findings(
    text: str, dialect: Dialect, rules: list[Rule], budget_ns: int | None
) -> list[Finding]:
    lang = grammar(dialect.grammar) if dialect.grammar else None
    tree = _parse(lang, text, budget_ns) if lang is not None else None
    if lang is None or tree is None:
        return []
    trees = [(_char_offsets(text, 0), tree)]
    before, after = dialect.fragment
    if before and tree.root_node.has_error:
        wrapped = _parse(lang, before + text + after, budget_ns)
        if wrapped is not None:
            trees.append((_char_offsets(before + text, len(before)), wrapped))
    found: dict[tuple[str, int, int], Finding] = {}
    for rule in rules:
        query = compiled_query(rule, dialect.id)
        if query is None:
            continue
        for to_char, parsed in trees:
            cursor = tree_sitter.QueryCursor(query, match_limit=MATCH_LIMIT)
            for _, captures in cursor.matches(parsed.root_node):
                for node in captures.get("issue", ()):
                    start = max(to_char(node.start_byte), 0)
                    end = min(to_char(node.end_byte), len(text))
                    if end > start:
                        found.setdefault((rule.id, start, end), Finding(rule, start, end))
    return list(found.values())


def _parse(lang: tree_sitter.Language, text: str, budget_ns: int | None) -> tree_sitter.Tree | None:
    """A parse, bounded when a budget is given; None when it ran out (logged at debug)."""
    data = text.encode("utf-8")
    if budget_ns is None:
        return tree_sitter.Parser(lang).parse(data)
    started = time.perf_counter_ns()

    def over_budget(_offset: int, _has_error: bool) -> bool:
        return time.perf_counter_ns() - started > budget_ns

    try:
        return tree_sitter.Parser(lang).parse(
            lambda byte, _point: data[byte:], progress_callback=over_budget
        )
    except ValueError:
        logger.debug("parse over budget (%d bytes): query rules skipped", len(data))
        return None


def _char_offsets(parsed: str, shift: int) -> Callable[[int], int]:
    """Byte offset in ``parsed`` -> character offset in the scanned text (``shift`` chars
    of wrapper before it); plain subtraction for ASCII, the common case."""
    if parsed.isascii():
        return lambda offset: offset - shift
    data = parsed.encode("utf-8")
    return lambda offset: len(data[:offset].decode("utf-8", errors="ignore")) - shift
