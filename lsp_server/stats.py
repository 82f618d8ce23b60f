"""Per-stage latency percentiles and counters, for ``llama-lsp/stats`` and benchmarks."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from typing import Any

WINDOW = 1000  # latest samples kept per stage


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class Stats:
    def __init__(self) -> None:
        self.latency: defaultdict[str, deque[float]] = defaultdict(lambda: deque(maxlen=WINDOW))
        self.counts: Counter[str] = Counter()
        self.tokens: Counter[str] = Counter()

    def time(self, stage: str, ms: float) -> None:
        self.latency[stage].append(ms)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def add_tokens(self, **counts: int) -> None:
        self.tokens.update(counts)

    def snapshot(self, pending: int = 0) -> dict[str, Any]:
        hits, misses = self.counts["cache_hits"], self.counts["cache_misses"]
        return {
            "latencyMs": {
                stage: {"p50": percentile(list(v), 50), "p90": percentile(list(v), 90),
                        "p99": percentile(list(v), 99), "count": len(v)}
                for stage, v in sorted(self.latency.items())
            },
            "cache": {"hits": hits, "misses": misses,
                      "hitRate": hits / (hits + misses) if hits + misses else 0.0},
            "tokens": dict(self.tokens),
            "completions": {k: v for k, v in self.counts.items()
                            if k not in ("cache_hits", "cache_misses")},
            "accepted": self.counts["accepted"],
            "dismissed": self.counts["dismissed"],
            "pending": pending,
        }
