"""Secrets never reach a prompt: tokens that look like credentials are replaced.

The secret shapes are the insecure-code scanner's own rules (``safety/rules/
secrets.toml``: private keys, cloud and VCS tokens, passwords in literals, credentials in
URLs), so what the scanner would flag in a completion is never shown to the model either.
A private key block is cut whole, its line breaks kept (a citation or a position below it
still names the file's own line); elsewhere the value inside the match is replaced.

The text may be a window of a file that starts or ends inside a key: a block whose END is
past the text is cut to the text's end, and key lines at the text's start up to an END
line (the BEGIN was above the window) are cut too. A BEGIN marker that is not followed by
key material (code that parses PEM files) is left alone, with the code after it.
"""

from __future__ import annotations

import re
from functools import cache

from lsp_server.safety.catalog import Rule, all_rules

REDACTED = "<redacted>"
_VALUE = re.compile(r"[A-Za-z0-9+/=_\-.:~]{6,}")
_END = r"-----END[A-Z ]{0,30} PRIVATE KEY(?: BLOCK)?-----"
# As the scanner's secret-private-key rule: BEGIN, optional headers, then key material.
_KEY_BLOCK = re.compile(r"-----BEGIN[A-Z ]{0,30} PRIVATE KEY(?: BLOCK)?-----(?:\\r|\\n|\s)+"
                        r"(?:[\w-]+:[^\n]{0,300}(?:\\n|\n)\s*)*[A-Za-z0-9+/=]{40}.*?"
                        rf"(?:{_END}|\Z)", re.S)
# Key lines (base64, headers, blank; quoted or escaped) from the text's start to an END.
_KEY_TAIL = re.compile(r"\A(?:[ \t\"'`]*(?:[A-Za-z0-9+/=]{16,}|[\w-]+:[^\n]*|)[\"'`,+ \t]*"
                       rf"(?:\\n)?[\"'`,+ \t]*\n)+[ \t\"'`]*{_END}")


@cache
def _secret_rules() -> tuple[tuple[Rule, re.Pattern[str] | None], ...]:
    """Each secret rule with, where it ignores case and its pattern has no capital letter,
    the same pattern without IGNORECASE, to run on the lowercased text: the same matches
    (on ASCII; Unicode case folding has a few exotic extra pairs, such as the long s),
    about ten times faster (``re`` skips ahead by the first letters only when it is case
    sensitive), which matters on the keystroke path (the passwords rule on a 32 KB window:
    4.6 ms against 0.4 ms). A capital in the pattern (``[A-Z]``, ``\\S``) would change
    meaning on lowercased text, so such a rule keeps its own regex."""
    return tuple(
        (rule, re.compile(rule.regex.pattern) if rule.ignore_case
         and not any(c.isupper() for c in rule.regex.pattern) else None)
        for rule in all_rules() if rule.id.startswith("secret-") and rule.regex is not None)


def redact(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``<redacted>``."""
    if "PRIVATE KEY" in text:
        text = _KEY_TAIL.sub(_cut_key, _KEY_BLOCK.sub(_cut_key, text))
    lowered = text.lower()
    for rule, lowercase in _secret_rules():
        if not any(k.lower() in lowered for k in rule.keywords):
            continue
        assert rule.regex is not None
        if lowercase is not None and len(lowered) == len(text):  # same offsets in both
            spans = [match.span() for match in lowercase.finditer(lowered)]
        else:
            spans = [match.span() for match in rule.regex.finditer(text)]
        if spans:
            text = _hide_spans(text, spans)
            lowered = text.lower()
    return text


def _cut_key(match: re.Match[str]) -> str:
    return REDACTED + "\n" * match.group().count("\n")


def _hide_spans(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, end = [], 0
    for start, stop in spans:
        pieces += [text[end:start], _hide_value(text[start:stop])]
        end = stop
    return "".join([*pieces, text[end:]])


def _hide_value(found: str) -> str:
    """A match with its last credential-like run (the value, not the key name) hidden."""
    runs = list(_VALUE.finditer(found))
    if not runs:
        return REDACTED
    last = runs[-1]
    return found[: last.start()] + REDACTED + found[last.end():]
