"""``scan`` and ``scan_completion``: findings -> issues -> one action, failing closed.

A completion is scanned together with a few lines around it, so that a call the model
finished on a line the user had started is seen whole; but only findings that overlap
the inserted text count, or one insecure line already in the file would block every
completion near it. Any error inside the scanner blocks: a broken filter must not turn
into an open door.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from lsp_server.documents.cursor import lines_after, lines_before
from lsp_server.safety.catalog import compiled_query, rule_set
from lsp_server.safety.dialects import dialect_for
from lsp_server.safety.matching import PARSE_BUDGET_NS, Finding, find
from lsp_server.safety.result import (
    CLEAN,
    DEFAULT_POLICY,
    Issue,
    Policy,
    ScanResult,
    strictest,
)

logger = logging.getLogger(__name__)
CONTEXT_LINES = 4  # lines of prefix and of suffix scanned around a completion
CONTEXT_CHARS = 4_000  # ... fewer where they pass this (a minified line cost ~95 ms a scan)
SCANNER_ERROR = "scanner-error"


def scan(
    code: str, language: str, *, disabled: Collection[str] = (), policy: Policy | None = None
) -> ScanResult:
    """Scan a whole text (no parse budget); ``line`` in each issue is 1-based within ``code``."""
    try:
        return _judge(
            code,
            find(code, language),
            (policy or DEFAULT_POLICY).without(disabled),
            0,
            len(code) + 1,
        )
    except Exception as exc:
        return _failed(exc)


def scan_completion(
    prefix_tail: str,
    completion: str,
    suffix_head: str,
    language: str,
    *,
    disabled: Collection[str] = (),
    policy: Policy | None = None,
    context_lines: int = CONTEXT_LINES,
) -> ScanResult:
    """Scan ``completion`` as inserted between the text before and after the cursor.

    Only the last ``context_lines`` lines of ``prefix_tail`` and the first ones of
    ``suffix_head`` are read (whole documents may be passed). Issues are those whose match
    overlaps the completion; their lines are 1-based within the completion.
    """
    try:
        if not completion.strip():
            return CLEAN
        before = lines_before(prefix_tail, context_lines, CONTEXT_CHARS)
        after = lines_after(suffix_head, context_lines, CONTEXT_CHARS)
        text = before + completion + after
        start = len(before)
        return _judge(
            text,
            find(text, language, PARSE_BUDGET_NS),
            (policy or DEFAULT_POLICY).without(disabled),
            start,
            start + len(completion),
        )
    except Exception as exc:
        return _failed(exc)


def prepare(language: str) -> None:
    """Load and compile a language's rules now, off the keystroke path.

    The first scan of a language otherwise pays for it: tens of milliseconds, up to ~200 ms
    for the big grammars (C++, TypeScript) whose queries are slow to compile. Raises
    RuleError for a broken rule (scans would then fail closed).
    """
    dialect = dialect_for(language)
    for rule in rule_set(language).rules:
        if rule.query and dialect is not None:
            compiled_query(rule, dialect.id)


def _judge(text: str, findings: list[Finding], policy: Policy, start: int, end: int) -> ScanResult:
    """Issues from the findings that overlap [start, end), under the policy."""
    issues: dict[tuple[str, int], Issue] = {}
    for finding in findings:
        rule = finding.rule
        action = policy.action_for(rule.severity)
        if action == "off" or rule.id in policy.disabled:
            continue
        if finding.start >= end or finding.end <= start:
            continue
        line = text.count("\n", start, finding.start) + 1 if finding.start > start else 1
        issues.setdefault(
            (rule.id, line), Issue(rule.id, rule.cwe, rule.severity, line, rule.description, action)
        )
    ordered = tuple(sorted(issues.values(), key=lambda i: (i.line, i.rule)))
    return ScanResult(bool(ordered), strictest([i.action for i in ordered]), ordered)


def _failed(exc: Exception) -> ScanResult:
    logger.exception("insecure-code scanner failed; blocking the text (fail closed)")
    issue = Issue(
        SCANNER_ERROR,
        "",
        "high",
        1,
        f"the insecure-code scanner failed ({type(exc).__name__}: {exc}); blocked to fail closed",
        "block",
    )
    return ScanResult(True, "block", (issue,))
