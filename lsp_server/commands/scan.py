"""``llama-lsp scan [FILE|-] --language LANG``: the insecure-code filter on a file or stdin.

Exit code 1 when the text is insecure under the workspace's policy (any issue that is not
"off"), 0 when clean, 2 on a usage error (unknown language, unreadable file).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from lsp_server.commands.common import find_workspace, settings_for
from lsp_server.config import add_setting_flags
from lsp_server.documents.source_file import read_source
from lsp_server.errors import LlamaLspError
from lsp_server.safety import Policy, all_rules, dialect_for, language_for_path, rules_for, scan
from lsp_server.safety.dialects import dialects

USAGE_ERROR = 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("scan", help="scan code for insecure patterns (CWE rules)")
    parser.add_argument("file", nargs="?", default="-", help="file to scan, or - for stdin")
    parser.add_argument("--language", help="language id (default: from the file extension)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--list-rules", action="store_true", help="list the rules (of --language, or all) and exit"
    )
    add_setting_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    language = _language(args)
    if language is None:
        return USAGE_ERROR
    if args.list_rules:
        return _list_rules(language, as_json=args.json)
    try:
        text = sys.stdin.read() if args.file == "-" else read_source(args.file)
    except (OSError, LlamaLspError) as exc:
        return _usage(f"cannot read {args.file}: {exc}")
    start = Path.cwd() if args.file == "-" else Path(args.file)
    policy = Policy.from_settings(settings_for(args, find_workspace(start)))
    result = scan(text, language or "plaintext", policy=policy)  # unknown: secrets only
    if args.json:
        print(json.dumps({"language": language, **asdict(result)}, indent=2))
    else:
        name = "<stdin>" if args.file == "-" else args.file
        for issue in result.issues:
            print(
                f"{name}:{issue.line}: {issue.action}: {issue.rule} ({issue.cwe}, "
                f"{issue.severity}) {issue.description}"
            )
    return 1 if result.insecure else 0


def _language(args: argparse.Namespace) -> str | None:
    """The dialect id to scan as; "" means unknown (secrets only); None: a usage error."""
    if args.language:
        dialect = dialect_for(args.language)
        if dialect is None:
            _usage(f"unknown language {args.language!r}; known: {', '.join(sorted(dialects()))}")
            return None
        return dialect.id
    if args.file == "-":
        if args.list_rules:
            return ""
        _usage("--language is required when reading stdin")
        return None
    inferred = language_for_path(args.file)
    if inferred is not None:
        return inferred
    print(
        f"llama-lsp: no rules for {args.file}'s language; checking for secrets only",
        file=sys.stderr,
    )
    return ""


def _list_rules(language: str, *, as_json: bool) -> int:
    rules = rules_for(language) if language else all_rules()
    rows = [
        {
            "id": r.id,
            "cwe": r.cwe,
            "severity": r.severity,
            "kind": "regex" if r.regex else "query",
            "languages": sorted(r.languages),
            "description": r.description,
        }
        for r in rules
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(
                f"{row['id']:<36} {row['cwe']:<9} {row['severity']:<7} {row['kind']:<6} "
                f"{row['description']}"
            )
    return 0


def _usage(message: str) -> int:
    print(f"llama-lsp scan: {message}", file=sys.stderr)
    return USAGE_ERROR
