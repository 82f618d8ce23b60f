"""``llama-lsp index PATH``: build or update a workspace's index, with a progress bar.

The same incremental scan the daemon runs at start-up, without the watcher: a second run
re-parses only what changed. The bar goes to stderr, the summary to stdout (``--json``
for scripts and benchmarks).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lsp_server.commands.common import fail, settings_for
from lsp_server.config import add_setting_flags
from lsp_server.errors import IndexWriteError
from lsp_server.indexing.database import index_file, remove_database, write_errors_reported
from lsp_server.indexing.indexer import Indexer
from lsp_server.indexing.policy import policy_from_settings
from lsp_server.indexing.report import IndexReport
from lsp_server.indexing.store import Store
from lsp_server.indexing.walk import Walker


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("index", help="index a workspace folder (symbols, chunks)")
    parser.add_argument("path", type=Path, help="the workspace folder")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--rebuild", action="store_true", help="start from an empty index")
    add_setting_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = args.path.resolve()
    if not root.is_dir():
        return fail(f"not a folder: {args.path}")
    settings = settings_for(args, root)
    database = index_file(settings.cache_dir, [root])
    if args.rebuild:
        remove_database(database)
    walker = Walker([root], policy_from_settings(settings, [str(database.parent)]))
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("Finding files", total=None)

        def progress(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total or None, description=message)

        try:
            with write_errors_reported(database):
                store = Store(database)
                try:
                    report = Indexer(store, walker, workers=settings.index_workers,
                                     progress=progress).run()
                finally:
                    store.close()
        except IndexWriteError as exc:
            return fail(str(exc))
    print(json.dumps({"root": str(root), **report.as_dict()}, indent=2) if args.json
          else summary(root, report))
    return 0


def summary(root: Path, report: IndexReport) -> str:
    skipped = ", ".join(f"{reason} {count}" for reason, count in report.skipped.items())
    return "\n".join([
        f"indexed {root}: {report.files} files, {report.lines} lines, {report.symbols} "
        f"symbols, {report.imports} imports, {report.chunks} chunks",
        f"parsed {report.parsed} files ({report.parsed_lines} lines) in {report.seconds:.2f} s"
        f" = {report.lines_per_second:,.0f} lines/s; removed {report.removed}",
        f"database {report.database} ({report.database_bytes / 2**20:.1f} MiB)",
        f"skipped: {skipped or 'nothing'}",
    ])
