"""A gitignore matcher, written to the rules of ``git help gitignore``.

Why our own: the walk must decide for every entry of a large tree, at every level, with
git's precedence, and without asking git (a workspace need not be a repository). The
rules implemented: blank lines and ``#`` comments skipped, ``\\#`` / ``\\!`` escapes,
trailing spaces dropped unless escaped; ``!`` re-includes; a trailing ``/`` matches
directories only; a pattern with a ``/`` at its start or middle is anchored to the
ignore file's directory, otherwise it matches a name at any depth; ``*``, ``?`` and
``[...]`` never cross ``/``; a leading ``**/``, a trailing ``/**`` and a middle ``/**/``
span directories; the last matching line wins, and a deeper ignore file wins over a
shallower one. (A file inside an excluded directory cannot be re-included: the walk
never enters that directory, exactly as in git.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    pattern: str  # the line as written, for messages
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    basename: bool  # matches the entry's name alone (no "/" in the pattern)


@dataclass(frozen=True)
class RuleSet:
    """The rules of one ignore file, relative to its directory (``""`` = the root)."""

    base: str  # posix path of the directory, relative to the walk's root
    source: str  # where the rules came from, e.g. "sub/.gitignore" or "defaults"
    rules: tuple[Rule, ...]

    def decide(self, rel: str, name: str, is_dir: bool) -> bool | None:
        """True = ignored, False = re-included, None = no rule here matches."""
        for rule in reversed(self.rules):
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(name if rule.basename else rel):
                return not rule.negated
        return None


def parse_rules(lines: Iterable[str], base: str = "", source: str = "") -> RuleSet:
    """Compile the lines of one ignore file whose directory is ``base``."""
    rules = []
    for raw in lines:
        rule = compile_rule(raw)
        if rule is not None:
            rules.append(rule)
    return RuleSet(base, source, tuple(rules))


def compile_rule(line: str) -> Rule | None:
    """One gitignore line as a rule; None for blanks and comments."""
    line = line.rstrip("\n").rstrip("\r")
    if not line or line.startswith("#"):
        return None
    line = _strip_trailing_spaces(line)
    negated = line.startswith("!")
    if negated or line.startswith(("\\!", "\\#")):
        line = line[1:]
    dir_only = line.endswith("/")
    body = line.rstrip("/")
    if not body:
        return None
    anchored = "/" in body
    body = body.lstrip("/") if anchored else body
    regex = re.compile(_translate(body) + r"\Z", re.DOTALL)
    return Rule(line, regex, negated, dir_only, basename=not anchored)


def _strip_trailing_spaces(line: str) -> str:
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped[:-1] + " "  # "\ " keeps one space
    return stripped


def _translate(pattern: str) -> str:
    """A gitignore glob as a regex over a posix path relative to the ignore file."""
    parts: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i) and (i == 0 or pattern[i - 1] == "/"):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i) and i + 2 == n and (i == 0 or pattern[i - 1] == "/"):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            while i < n and pattern[i] == "*":
                i += 1
            parts.append("[^/]*")
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            klass, i = _bracket(pattern, i)
            parts.append(klass)
        elif pattern[i] == "\\" and i + 1 < n:
            parts.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return "".join(parts)


def _bracket(pattern: str, start: int) -> tuple[str, int]:
    """``[...]`` at ``start`` as a regex class, and where it ends; a lone ``[`` is literal."""
    i = start + 1
    if i < len(pattern) and pattern[i] in "!^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    end = pattern.find("]", i)
    if end < 0:
        return re.escape("["), start + 1
    inner = pattern[start + 1:end]
    negate = inner[:1] in ("!", "^")
    inner = inner[1:] if negate else inner
    inner = inner.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{'^/' if negate else ''}{inner}]", end + 1


def is_ignored(stack: Sequence[RuleSet], rel: str, is_dir: bool) -> RuleSet | None:
    """The rule set that ignores ``rel`` (deepest decides), or None when it is kept."""
    name = rel.rsplit("/", 1)[-1]
    for ruleset in reversed(stack):
        if ruleset.base and not rel.startswith(ruleset.base + "/"):
            continue  # not an ancestor's rules
        local = rel[len(ruleset.base) + 1:] if ruleset.base else rel
        decision = ruleset.decide(local, name, is_dir)
        if decision is not None:
            return ruleset if decision else None
    return None
