"""The insecure-code rule catalog: the data files under rules/, validated and compiled once.

A rule is a regex (run on the lexer's view chosen by its scope) or a tree-sitter query
(whose ``@issue`` capture is the finding; a query can only match code, never the text of
comments or strings, by construction). Every rule names literal ``keywords``, one of which
must occur in the text before the rule runs at all: that check is what keeps a scan in
the microseconds for the many windows that contain nothing suspicious.

A rule file has ``languages`` (dialect ids, or ``"*"``) and ``[[rules]]`` tables with
``id`` (kebab-case), ``cwe`` ("CWE-78"), ``severity`` (high / medium / low),
``description``, ``keywords`` and one of ``regex`` or ``query``; optional: ``languages``
(overrides the file's), ``ignore_case``, and for regexes ``in_strings = true`` (string
literals stay visible, comments do not) or ``in_comments = true`` (the raw text).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import tree_sitter

from lsp_server.languages import grammar
from lsp_server.safety.dialects import dialect_for, dialects
from lsp_server.safety.result import SEVERITIES, Severity

Scope = Literal["code", "strings", "raw"]  # what a regex sees: code only, + strings, all
ANY_LANGUAGE = "*"
_CWE = re.compile(r"CWE-\d+")
_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)+")


class RuleError(ValueError):
    """A rule file is malformed; raised at load time so tests and scans catch it."""


@dataclass(frozen=True)
class Rule:
    id: str
    cwe: str
    severity: Severity
    description: str
    languages: frozenset[str]
    keywords: tuple[str, ...]
    regex: re.Pattern[str] | None = None
    query: str = ""
    scope: Scope = "code"
    ignore_case: bool = False
    source: str = ""  # the rule file, for messages


def _rule(row: dict[str, Any], default_languages: list[str], source: str) -> Rule:
    where = f"{source}: rule {row.get('id', '?')!r}"
    missing = [k for k in ("id", "cwe", "severity", "description", "keywords") if k not in row]
    if missing:
        raise RuleError(f"{where} lacks {', '.join(missing)}")
    if not _ID.fullmatch(row["id"]) or not _CWE.fullmatch(row["cwe"]):
        raise RuleError(f"{where}: ids are kebab-case and CWE ids look like CWE-78")
    if row["severity"] not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {SEVERITIES}")
    if ("regex" in row) == ("query" in row):
        raise RuleError(f"{where} needs exactly one of regex or query")
    if "query" in row and "@issue" not in row["query"]:
        raise RuleError(f"{where}: a query must capture the finding as @issue")
    languages = frozenset(row.get("languages", default_languages))
    unknown = sorted(name for name in languages if name != ANY_LANGUAGE and name not in dialects())
    if not languages or unknown:
        raise RuleError(f"{where}: unknown or no languages {unknown}")
    if "query" in row and any(not getattr(dialects().get(n), "grammar", "") for n in languages):
        raise RuleError(f"{where}: query rules need languages with a tree-sitter grammar")
    ignore_case = bool(row.get("ignore_case", False))
    keywords = tuple(k.lower() if ignore_case else k for k in row["keywords"])
    if not keywords or not all(keywords):
        raise RuleError(f"{where}: keywords must be non-empty literals")
    scope: Scope = (
        "raw" if row.get("in_comments") else "strings" if row.get("in_strings") else "code"
    )
    try:
        regex = (
            re.compile(row["regex"], re.IGNORECASE if ignore_case else 0)
            if "regex" in row
            else None
        )
    except re.error as exc:
        raise RuleError(f"{where}: bad regex: {exc}") from exc
    return Rule(
        id=row["id"],
        cwe=row["cwe"],
        severity=row["severity"],
        description=" ".join(row["description"].split()),
        languages=languages,
        keywords=keywords,
        regex=regex,
        query=row.get("query", ""),
        scope=scope,
        ignore_case=ignore_case,
        source=source,
    )


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every file under rules/, in file then declaration order."""
    folder = resources.files("lsp_server.safety").joinpath("rules")
    found: list[Rule] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text("utf-8"))
            found += [_rule(row, data.get("languages", []), entry.name) for row in data["rules"]]
    ids = [rule.id for rule in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleError(f"duplicate rule ids: {duplicates}")
    return tuple(found)


def rules_for(language: str) -> tuple[Rule, ...]:
    """The rules that apply to a language id (or alias); unknown languages get secrets only."""
    return rule_set(language).rules


@dataclass(frozen=True)
class RuleSet:
    """A language's rules with their keywords deduplicated, for the prefilter."""

    rules: tuple[Rule, ...]
    keywords: tuple[str, ...]  # case-sensitive keywords, each once
    folded: tuple[str, ...]  # lower-cased keywords of ignore_case rules, each once

    def candidates(self, text: str) -> list[Rule]:
        """The rules one of whose keywords occurs in ``text``: usually none, in microseconds."""
        hits = {keyword for keyword in self.keywords if keyword in text}
        folded_hits: set[str] = set()
        if self.folded:
            lowered = text.lower()
            folded_hits = {keyword for keyword in self.folded if keyword in lowered}
        if not hits and not folded_hits:
            return []
        return [
            rule
            for rule in self.rules
            if not (folded_hits if rule.ignore_case else hits).isdisjoint(rule.keywords)
        ]


def rule_set(language: str) -> RuleSet:
    dialect = dialect_for(language)
    return _rule_set(dialect.id if dialect else "")


@cache
def _rule_set(dialect_id: str) -> RuleSet:
    rules = tuple(
        r for r in all_rules() if ANY_LANGUAGE in r.languages or dialect_id in r.languages
    )
    return RuleSet(
        rules,
        tuple(dict.fromkeys(k for r in rules if not r.ignore_case for k in r.keywords)),
        tuple(dict.fromkeys(k for r in rules if r.ignore_case for k in r.keywords)),
    )


@cache
def compiled_query(rule: Rule, language: str) -> tree_sitter.Query | None:
    """The rule's query for the language's grammar; None when the language has no grammar."""
    dialect = dialect_for(language)
    lang = grammar(dialect.grammar) if dialect and dialect.grammar else None
    if lang is None:
        return None
    try:
        return tree_sitter.Query(lang, rule.query)
    except tree_sitter.QueryError as exc:
        raise RuleError(f"{rule.source}: rule {rule.id!r} ({language}): {exc}") from exc
