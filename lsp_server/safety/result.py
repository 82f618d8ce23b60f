"""What a scan answers: the issues found and what the policy says to do about them.

The policy lives next to the result because the action is a property of the answer, not
of a rule: the same rule may block in one workspace and only warn in another.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from lsp_server.config import Settings

Severity = Literal["high", "medium", "low"]
Action = Literal["block", "warn", "allow"]
PolicyAction = Literal["block", "warn", "off"]

SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
_STRICTNESS: dict[Action, int] = {"allow": 0, "warn": 1, "block": 2}


@dataclass(frozen=True)
class Issue:
    """One match of one rule. ``line`` is 1-based within the scanned text (or completion)."""

    rule: str
    cwe: str
    severity: Severity
    line: int
    description: str
    action: Action = "warn"


@dataclass(frozen=True)
class ScanResult:
    """``action`` is the strictest action among ``issues``; "allow" when there are none."""

    insecure: bool
    action: Action
    issues: tuple[Issue, ...] = ()


CLEAN = ScanResult(insecure=False, action="allow")


@dataclass(frozen=True)
class Policy:
    """What each severity does (block / warn / off) and which rule ids never apply."""

    high: PolicyAction = "block"
    medium: PolicyAction = "warn"
    low: PolicyAction = "warn"
    disabled: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            high=settings.safety_high,
            medium=settings.safety_medium,
            low=settings.safety_low,
            disabled=frozenset(settings.safety_disabled_rules),
        )

    def action_for(self, severity: Severity) -> PolicyAction:
        action: PolicyAction = getattr(self, severity)
        return action

    def without(self, rules: Collection[str]) -> Policy:
        """This policy with more rule ids disabled (a per-call ``disabled=`` argument)."""
        if not rules:
            return self
        return Policy(self.high, self.medium, self.low, self.disabled | frozenset(rules))


DEFAULT_POLICY = Policy()


def strictest(actions: Collection[Action]) -> Action:
    return max(actions, key=_STRICTNESS.__getitem__, default="allow")
