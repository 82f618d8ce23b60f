"""Secrets never reach a prompt: tokens that look like credentials are replaced.

The secret shapes are the insecure-code scanner's own rules (``safety/rules/
secrets.toml``: private keys, cloud and VCS tokens, passwords in literals, credentials in
URLs), so what the scanner would flag in a completion is never shown to the model either.
A private key block is cut whole; elsewhere the value inside the match is replaced.

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
def _secret_rules() -> tuple[Rule, ...]:
    return tuple(r for r in all_rules() if r.id.startswith("secret-") and r.regex is not None)


def redact(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``<redacted>``."""
    if "PRIVATE KEY" in text:
        text = _KEY_TAIL.sub(REDACTED, _KEY_BLOCK.sub(REDACTED, text))
    lowered = text.lower()
    for rule in _secret_rules():
        if not any(k.lower() in lowered for k in rule.keywords):
            continue
        assert rule.regex is not None
        text = rule.regex.sub(_hide_value, text)
    return text


def _hide_value(match: re.Match[str]) -> str:
    """The match with its last credential-like run (the value, not the key name) hidden."""
    found = match.group(0)
    runs = list(_VALUE.finditer(found))
    if not runs:
        return REDACTED
    last = runs[-1]
    return found[: last.start()] + REDACTED + found[last.end():]
