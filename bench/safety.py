"""Insecure-code filter benchmark: latency per completion and share of benign code flagged.

usage: python bench/safety.py [--root DIR ...] [--per-language N] [--include-tests]
                              [--show N] [--json]

Real code windows (12 lines, at seeded random places) are cut from the sources installed
on this machine: site-packages, /usr/lib, /usr/include, /usr/share (Python, JavaScript,
C, C++ headers, PHP, Go, ... whatever is there). Each window is split as an editor
would see a completion: 4 lines of prefix, 4 lines of inserted text, 4 of suffix, and
``scan_completion`` runs on it in-process (rules are loaded and compiled before timing).
A flagged window is a false positive by assumption (installed packages are benign code,
though not all of it is good practice), so the share flagged is a proxy for the noise
users would see. ``scan`` of the whole window is reported too.

Targets (issue 5): p99 <= 1 ms per completion; under 1 % of benign windows flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sysconfig
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lsp_server.safety import language_for_path, prepare, rules_for, scan, scan_completion

WINDOW_LINES = 12
TARGET_P99_US = 1000.0
TARGET_FLAGGED = 0.01
SKIP_DIRS = {"__pycache__", ".git"}
TEST_DIRS = {"tests", "test", "testing"}  # fixtures with fake keys: skipped unless asked


def default_roots() -> list[Path]:
    roots = [
        Path(sysconfig.get_paths()["purelib"]),
        Path("/usr/lib"),
        Path("/usr/include"),
        Path("/usr/share"),
    ]
    return [root for root in roots if root.is_dir()]


def collect_files(roots: list[Path], limit: int, tests: bool) -> dict[str, list[Path]]:
    """Up to ``limit * 4`` source files per language, in walk order (sampled later)."""
    skip = SKIP_DIRS if tests else SKIP_DIRS | TEST_DIRS
    found: dict[str, list[Path]] = defaultdict(list)
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in skip)
            for name in sorted(files):
                language = language_for_path(name)
                if language and len(found[language]) < limit * 4:
                    found[language].append(Path(folder, name))
    return found


def windows_of(path: Path, rng: random.Random, count: int) -> list[list[str]]:
    try:
        if path.stat().st_size > 1_000_000:
            return []
        lines = path.read_text("utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return []
    if len(lines) < WINDOW_LINES:
        return []
    picked = []
    for _ in range(count):
        start = rng.randrange(len(lines) - WINDOW_LINES + 1)
        window = lines[start : start + WINDOW_LINES]
        if max(map(len, window)) <= 400 and any(line.strip() for line in window[4:8]):
            picked.append(window)  # minified lines are not what a completion looks like
    return picked


def sample(
    roots: list[Path], per_language: int, seed: int, tests: bool = False
) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    samples: list[tuple[str, list[str]]] = []
    for language, files in sorted(collect_files(roots, per_language, tests).items()):
        rng.shuffle(files)
        taken: list[list[str]] = []
        for path in files:
            taken += windows_of(path, rng, 2)
            if len(taken) >= per_language:
                break
        samples += [(language, window) for window in taken[:per_language]]
    return samples


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Report:
    cold_ms: float  # loading, validating and compiling every rule used (once per process)
    rows: dict[str, dict[str, float]] = field(default_factory=dict)
    top_rules: list[tuple[str, int]] = field(default_factory=list)


def run(samples: list[tuple[str, list[str]]], show: int) -> Report:
    start = time.perf_counter_ns()
    for language in {language for language, _ in samples}:
        prepare(language)  # what the server does off the keystroke path
        for rule in rules_for(language):  # and the lexer and regex engine warmed
            scan(" ".join(rule.keywords), language)
    report = Report(cold_ms=round((time.perf_counter_ns() - start) / 1e6, 1))
    times: dict[str, list[float]] = defaultdict(list)
    flagged: Counter[str] = Counter()
    whole_flagged: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for language, window in samples:
        prefix, completion, suffix = "".join(window[:4]), "".join(window[4:8]), "".join(window[8:])
        start = time.perf_counter_ns()
        result = scan_completion(prefix, completion, suffix, language)
        times[language].append((time.perf_counter_ns() - start) / 1000)
        whole_flagged[language] += scan("".join(window), language).insecure
        if result.insecure:
            flagged[language] += 1
            rules.update(issue.rule for issue in result.issues)
            if sum(flagged.values()) <= show:
                print(f"--- {language}: {[i.rule for i in result.issues]}\n{''.join(window)}")
    flagged["overall"] = sum(flagged.values())
    whole_flagged["overall"] = sum(whole_flagged.values())
    every = [t for values in times.values() for t in values]
    for language, values in [*sorted(times.items()), ("overall", every)]:
        count = len(values)
        report.rows[language] = {
            "windows": count,
            "p50_us": round(statistics.median(values), 1),
            "p99_us": round(percentile(values, 0.99), 1),
            "max_us": round(max(values), 1),
            "flagged": flagged[language],
            "flagged_share": round(flagged[language] / count, 4),
            "whole_window_flagged_share": round(whole_flagged[language] / count, 4),
        }
    report.top_rules = rules.most_common(10)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, action="append", help="source folder (repeatable)")
    parser.add_argument("--per-language", type=int, default=600, help="windows per language")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print the first N flagged windows")
    parser.add_argument("--include-tests", action="store_true", help="sample test folders too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    samples = sample(args.root or default_roots(), args.per_language, args.seed, args.include_tests)
    report = run(samples, args.show)
    if args.json:
        print(json.dumps(asdict(report), indent=2))
        return
    print(f"rules loaded and compiled in {report.cold_ms} ms (once per process)")
    print(
        f"{'language':<12} {'windows':>7} {'p50 us':>8} {'p99 us':>8} {'max us':>8} "
        f"{'flagged':>8} {'whole':>7}"
    )
    for language, row in report.rows.items():
        print(
            f"{language:<12} {row['windows']:>7} {row['p50_us']:>8} {row['p99_us']:>8} "
            f"{row['max_us']:>8} {row['flagged_share']:>8.2%} "
            f"{row['whole_window_flagged_share']:>7.2%}"
        )
    print("top rules flagged:", report.top_rules)
    overall = report.rows["overall"]
    print(
        f"targets: p99 <= {TARGET_P99_US:.0f} us: {overall['p99_us'] <= TARGET_P99_US}; "
        f"flagged < {TARGET_FLAGGED:.0%}: {overall['flagged_share'] < TARGET_FLAGGED}"
    )


if __name__ == "__main__":
    main()
