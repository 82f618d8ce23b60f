"""A Code Shield-style insecure-code filter: rules per language, as data, in microseconds.

``scan(code, language)`` answers a :class:`ScanResult` (``insecure``, ``action``,
``issues``); ``scan_completion`` scans a completion in its context and reports only what
the completion itself brings. Rules live in ``rules/<language>.toml`` (and
``rules/secrets.toml`` for every language), each with an id, CWE, severity, description,
prefilter keywords and a regex or tree-sitter query. Policy per severity: block / warn /
off; errors inside the scanner block (fail closed).
"""

from lsp_server.safety.catalog import Rule, RuleError, all_rules, rules_for
from lsp_server.safety.dialects import dialect_for, language_for_path
from lsp_server.safety.result import (
    Action,
    Issue,
    Policy,
    PolicyAction,
    ScanResult,
    Severity,
)
from lsp_server.safety.scanner import SCANNER_ERROR, prepare, scan, scan_completion

__all__ = [
    "SCANNER_ERROR",
    "Action",
    "Issue",
    "Policy",
    "PolicyAction",
    "Rule",
    "RuleError",
    "ScanResult",
    "Severity",
    "all_rules",
    "dialect_for",
    "language_for_path",
    "prepare",
    "rules_for",
    "scan",
    "scan_completion",
]
