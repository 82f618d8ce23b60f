"""The names around a cursor: what the definitions source looks up.

Nearest first, because the name being completed is usually the receiver just typed
(``utils.`` or ``parser.``) or a name a few lines up; keywords and one-letter names are
left out (they are everywhere and define nothing).
"""

from __future__ import annotations

import keyword
import re
from collections import Counter

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?:?=\s*[A-Za-z0-9_]*$")
_RECEIVER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:\.|::|->)\s*[A-Za-z0-9_]*$")
# Keywords of the indexed languages that would otherwise look like names.
_COMMON_TEXT = (
    "self this super cls true false null nil none let var const func fn function return "
    "new delete public private protected static void int str bool string char float double "
    "auto impl pub mut use mod package import from export default type interface struct "
    "enum class def if else elif for while do switch case break continue try catch except "
    "finally raise throw throws async await yield with as in is not and or typeof "
    "instanceof extends implements")
_COMMON = frozenset(keyword.kwlist) | frozenset(_COMMON_TEXT.split())
PREFIX_LINES = 12  # lines above the cursor whose names count as near
SUFFIX_LINES = 4


def near_names(prefix: str, suffix: str, limit: int = 24) -> tuple[str, ...]:
    """Identifiers of the lines around the cursor, nearest first, each once."""
    above = prefix[-4000:].split("\n")[-PREFIX_LINES:]
    below = suffix[:1500].split("\n")[:SUFFIX_LINES]
    ordered: list[str] = []
    for line in reversed(above):
        ordered += reversed(_IDENTIFIER.findall(line))
    for line in below:
        ordered += _IDENTIFIER.findall(line)
    names = [n for n in dict.fromkeys(ordered) if len(n) > 1 and n.lower() not in _COMMON]
    return tuple(names[:limit])


def names_in_reach(prefix: str, suffix: str, line: int,
                   reach: int) -> tuple[Counter[str], tuple[int, int]]:
    """How often each identifier occurs within ``reach`` characters either side of the
    cursor (on ``line``), and the document lines that text spans. Bounded, so that a
    document of megabytes costs a few milliseconds on the keystroke path, not a
    source's whole time box (a Counter over 1 MB: about 56 ms)."""
    before, after = prefix[-reach:], suffix[:reach]
    counts = Counter(_IDENTIFIER.findall(before))
    counts.update(_IDENTIFIER.findall(after))
    return counts, (line - before.count("\n"), line + after.count("\n"))


def receiver(prefix: str) -> str | None:
    """The name whose member is being typed (``utils.is_`` -> ``utils``), if any."""
    match = _RECEIVER.search(prefix[-200:].rsplit("\n", 1)[-1])
    return match.group(1) if match else None


def assigned(prefix: str) -> str | None:
    """The name being assigned at the cursor (``errors = |``, ``let n: T = |``), if any."""
    match = _ASSIGNED.search(prefix[-200:].rsplit("\n", 1)[-1])
    return match.group(1) if match else None


TYPE_LINES = 60  # lines above the cursor searched for a receiver's declaration
_TYPE = r"(?:&\s*(?:mut\s+)?|\*\s*)?((?:[A-Za-z_]\w*\.)*[A-Z]\w*)"  # a capitalized type name


def _declarations(name: str) -> list[re.Pattern[str]]:
    n = re.escape(name)
    return [re.compile(p) for p in (
        rf"\b{n}\s*(?::=|=)\s*(?:new\s+|&\s*)?{_TYPE}\s*(?:<[^()]*>\s*)?(?:::\s*\w+\s*)?[({{]",
        rf"\b{n}\s*:\s*{_TYPE}",  # x: T (Python, TS, Rust)
        rf"[(,]\s*{n}\s+{_TYPE}",  # (x *T) (Go)
        rf"\b{_TYPE}(?:<[^<>]*>)?\s+{n}\s*[=;,)]",  # T x = … (Java, C#, C++)
    )]


def declared_type(prefix: str, name: str) -> str | None:
    """The class a local name was last declared or constructed as in the lines above the
    cursor (``app = Flask(…)``, ``p: Parser``, ``c := geom.Circle{…}``, ``let p =
    Parser::new(…)``, ``Parser p = new Parser()``, ``func (c *Circle)``), without its
    module; None when no line says. Only capitalized names count: ``x = load(…)`` is a
    call whose result type the text does not show."""
    patterns = _declarations(name)
    assigned_at_all = re.compile(rf"\b{re.escape(name)}\s*:?=(?!=)")
    for line in reversed(prefix[-6000:].split("\n")[-TYPE_LINES:]):
        for pattern in patterns:
            if match := pattern.search(line):
                return match.group(1).rsplit(".", 1)[-1]
        if assigned_at_all.search(line):  # the latest value is not a constructor call
            return None
    return None
