"""Indexing benchmark: cold and warm indexing, file-change latency, daemon memory.

usage: python bench/index.py [--source DIR ...] [--workers N] [--cold-runs 3] [--changes 20]
                            [--json]

Copies a real corpus to a temporary folder (by default the installed interpreter's
standard library plus the source files of its site-packages, well over 1M lines), then
runs the daemon's own ``WorkspaceIndex`` on it, as the server does:

  cold     first start with an empty cache: walk, parse on a process pool, write; the
           median of --cold-runs builds (each into a new cache), all of them listed:
           on a shared machine one build's speed swings by a third between runs
  warm     a restart with nothing changed (open, walk, compare stat, no parse)
  change   a function appended to one file (of median and p95 size, and the largest): from
           the first watchdog event (and from the write) until the definition is visible
           to a reader, median and max over --changes edits
  rss      this process's resident memory after all that (VmRSS, peak VmHWM); the
           parse workers are separate processes that exit after the cold run

Targets (the issue's speed item): cold >= 150k lines/s, warm <= 2 s, change <= 50 ms,
RSS <= 300 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from lsp_server.indexing.policy import Policy, extension_languages
from lsp_server.indexing.service import WorkspaceIndex

TARGETS = {"cold_lines_per_s": 150_000, "warm_s": 2.0, "rss_mib": 300.0,
           **{f"change_{label}_event_to_visible_ms_median": 50.0
              for label in ("median", "p95", "largest")}}


def default_sources() -> list[Path]:
    paths = sysconfig.get_paths()
    return [Path(paths["stdlib"]), Path(paths["purelib"])]


def copy_corpus(sources: list[Path], target: Path) -> None:
    """Source files only (by extension); site-packages and caches are not copied twice."""
    known = set(extension_languages())
    for source in sources:
        destination = target / source.name
        for folder, dirs, files in os.walk(source, followlinks=True):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", "site-packages")
                       or Path(folder) == source.parent]
            for name in files:
                if os.path.splitext(name)[1] in known:
                    path = Path(folder, name)
                    copy = destination / path.relative_to(source)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, copy)


def memory_mib() -> dict[str, float]:
    status = Path("/proc/self/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status if line.startswith(("VmRSS", "VmHWM")))
    return {key: int(value.split()[0]) / 1024 for key, value in fields.items()}


def start(corpus: Path, database: Path, workers: int | None) -> tuple[WorkspaceIndex, float]:
    began = time.perf_counter()
    index = WorkspaceIndex([corpus], database=database, policy=Policy(), workers=workers)
    index.start().result()
    return index, time.perf_counter() - began


def change_targets(corpus: Path) -> dict[str, Path]:
    """Files of median and 95th-percentile size, and the largest, among the .py files."""
    files = sorted(corpus.rglob("*.py"), key=lambda path: path.stat().st_size)
    return {"median": files[len(files) // 2], "p95": files[len(files) * 95 // 100],
            "largest": files[-1]}


def measure_changes(index: WorkspaceIndex, target: Path, count: int) -> dict[str, float]:
    """Append a function to a file; time event -> visible and write -> visible."""
    event_ms, write_ms = [], []
    for i in range(count):
        name = f"bench_probe_{target.stem}_{i}"
        written = time.monotonic()
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"\n\ndef {name}():\n    return {i}\n")
        while not index.reader.definitions(name):
            time.sleep(0.001)
        visible = time.monotonic()
        write_ms.append((visible - written) * 1000)
        while index.last_batch is None or index.last_batch[0] < written:
            time.sleep(0.001)  # the batch's timing is recorded just after its commit
        event_ms.append((visible - index.last_batch[0]) * 1000)
        time.sleep(0.05)  # let the next edit be its own batch
    lines = target.read_text(encoding="utf-8").count("\n")
    return {"lines": lines, "event_to_visible_ms_median": statistics.median(event_ms),
            "event_to_visible_ms_max": max(event_ms),
            "write_to_visible_ms_median": statistics.median(write_ms),
            "write_to_visible_ms_max": max(write_ms)}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--source", type=Path, action="append", help="corpus folder(s)")
    parser.add_argument("--workers", type=int, default=None, help="parse processes")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold builds (median)")
    parser.add_argument("--changes", type=int, default=20, help="file changes to time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llama-lsp-bench-") as tmp:
        corpus = Path(tmp, "corpus")
        copy_corpus(args.source or default_sources(), corpus)
        cold_runs = []
        database = Path(tmp, "cache", "index.sqlite")
        for _run in range(max(args.cold_runs, 1)):
            shutil.rmtree(database.parent, ignore_errors=True)  # each build a new cache
            index, seconds = start(corpus, database, args.workers)
            cold_runs.append(seconds)
            counts = index.reader.counts()
            lines = index.reader.conn.execute("SELECT sum(lines) FROM files").fetchone()[0]
            index.close()
        cold_s = statistics.median(cold_runs)
        index, warm_s = start(corpus, database, args.workers)
        changes = {f"change_{label}_{key}": value
                   for label, target in change_targets(corpus).items()
                   for key, value in measure_changes(index, target, args.changes).items()}
        memory = memory_mib()
        index.close()
        size = sum(f.stat().st_size for f in database.parent.iterdir())
    result = {"corpus_lines": lines, **counts, "cold_s": round(cold_s, 2),
              "cold_lines_per_s": round(lines / cold_s),
              "cold_lines_per_s_runs": [round(lines / s) for s in cold_runs],
              "warm_s": round(warm_s, 3),
              **{k: round(v, 1) if isinstance(v, float) else v for k, v in changes.items()},
              "rss_mib": round(memory["VmRSS"], 1), "peak_rss_mib": round(memory["VmHWM"], 1),
              "database_mib": round(size / 2**20, 1), "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            target = TARGETS.get(key)
            bound = ">=" if key.endswith("per_s") else "<="
            print(f"{key:42} {value}" + (f"   (target {bound} {target})" if target else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
