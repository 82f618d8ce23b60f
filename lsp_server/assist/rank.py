"""BM25 over code identifiers: which excerpts a question is about.

Identifiers are the words of code, so a term is a lowercased identifier and, when it
has several, its parts: ``parseHttpRequest`` and ``parse_http_request`` both give
``parse``, ``http`` and ``request`` besides themselves, and a question that says
"HTTP request" finds either. Common English question words are dropped from queries.
BM25 as in Robertson & Zaragoza, "The Probabilistic Relevance Framework" (2009).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_STOP_TEXT = (
    "a an and any are as at be by can could do does did for from has have how i if in into "
    "is it its me my of on or our should so that the their then there these this those to "
    "use used uses using was we what when where which who why will with would you your "
    "define defined defines definition implement implemented implementation work works "
    "happen happens explain mean means code file files find show tell please about"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
K1, B = 1.2, 0.75


def terms(text: str) -> list[str]:
    """Every identifier of ``text``, lowercased, followed by its parts when it has several."""
    out: list[str] = []
    for word in _IDENTIFIER.findall(text):
        out.append(word.lower())
        parts = [part.lower() for piece in word.split("_") for part in _PARTS.findall(piece)]
        if len(parts) > 1:
            out.extend(part for part in parts if len(part) > 1)
    return out


def query_terms(text: str) -> list[str]:
    """The distinct search terms of a question, stop words and single letters left out."""
    return [t for t in dict.fromkeys(terms(text)) if len(t) > 1 and t not in STOP_WORDS]


def identifiers(text: str) -> set[str]:
    """The whole identifiers of a question, lowercased: names it may be asking about."""
    return {word.lower() for word in _IDENTIFIER.findall(text)} - STOP_WORDS


def bm25(documents: Sequence[Counter[str]], query: Sequence[str]) -> list[float]:
    """The BM25 score of each document (a term bag) for the query terms."""
    if not documents or not query:
        return [0.0] * len(documents)
    n = len(documents)
    lengths = [sum(doc.values()) for doc in documents]
    average = max(sum(lengths) / n, 1.0)
    frequency = Counter(term for doc in documents for term in query if term in doc)
    idf = {term: math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
           for term in query}
    scores = []
    for doc, length in zip(documents, lengths, strict=True):
        norm = K1 * (1 - B + B * length / average)
        scores.append(sum(idf[t] * doc[t] * (K1 + 1) / (doc[t] + norm) for t in query if t in doc))
    return scores
