"""Identifier splitting for full-text search, shared by the indexer and the query side.

SQLite's FTS5 ``unicode61`` tokenizer already splits ``snake_case`` (``_`` is a
separator) but keeps ``parseHttpRequest`` as one token. So the indexer stores, next to
each chunk's text, the parts of the camelCase names the chunk defines (``parse http
request``), and a query asks for both the whole identifier and its parts: a search for
``parseHttpRequest`` finds the chunks that use it, the one that defines it, and
``parse_http_request`` alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CASE_CHANGE = re.compile(r"[a-z][A-Z]|[A-Z][A-Z][a-z]")
_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORDS = re.compile(r"\w+")

# Words that match nearly every chunk of some language: they cost time and rank nothing.
STOP_WORDS = frozenset((
    "a", "an", "and", "as", "def", "else", "for", "from", "if", "import", "in", "is", "it",
    "not", "of", "or", "return", "self", "the", "this", "to", "var", "let", "const",
    "function", "class", "public", "private", "static", "void", "int", "new", "end",
))


def split_identifier(identifier: str) -> list[str]:
    """``parseHTTPRequest_v2`` -> ``["parse", "HTTP", "Request", "v", "2"]``."""
    return _PARTS.findall(identifier)


def name_terms(names: Iterable[str]) -> str:
    """The parts of the camelCase ``names``, lowercased, space-separated, each once."""
    parts: dict[str, None] = {}
    for name in names:
        # (``islower``/``isupper``: snake_case and CONSTANTS, most names, skip the regex)
        if not (name.islower() or name.isupper()) and _CASE_CHANGE.search(name):
            for part in _PARTS.findall(name):
                parts[part.lower()] = None
    return " ".join(parts)


def query_terms(text: str) -> list[str]:
    """Search terms for free text or code: whole identifiers and their parts, lowercased."""
    terms: dict[str, None] = {}
    for word in _WORDS.findall(text):
        pieces = [piece for piece in word.split("_") if piece]
        if len(pieces) == 1 and not word.startswith("_"):
            terms[word.lower()] = None  # one FTS token as the tokenizer sees it
        for piece in pieces:
            for part in _PARTS.findall(piece) or [piece]:
                terms[part.lower()] = None
    return [term for term in terms if len(term) > 1 and term not in STOP_WORDS]


def match_expression(terms: Iterable[str]) -> str:
    """An FTS5 MATCH string that ORs ``terms`` (each a ``\\w+`` word, so quoting is safe)."""
    return " OR ".join(f'"{term}"' for term in terms)


def pick_terms(counts: dict[str, int], budget: int, most: int = 24) -> list[str]:
    """The rarest terms whose postings fit ``budget`` (at least one, when any is known).

    BM25 gives common terms little weight anyway, while each of their postings must be
    scored: dropping them bounds the query's time on a large index at little cost.
    """
    chosen: list[str] = []
    spent = 0
    for term, count in sorted(counts.items(), key=lambda item: item[1]):
        if count == 0:
            continue
        if chosen and (spent + count > budget or len(chosen) >= most):
            break
        chosen.append(term)
        spent += count
    return chosen
