"""What every subcommand shares: the workspace, the layered settings, the workspace index,
error reporting."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lsp_server.config import Settings, cli_overrides
from lsp_server.config_loading import load_settings
from lsp_server.errors import DocumentError, IndexWriteError, SecretFileError
from lsp_server.indexing.policy import secret_document

if TYPE_CHECKING:
    from lsp_server.indexing.service import WorkspaceIndex

WORKSPACE_MARKERS = ("llama-lsp.toml", "pyproject.toml", ".git")


def find_workspace(start: Path) -> Path:
    """The nearest directory at or above ``start`` that looks like a project root."""
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for candidate in (base, *base.parents):
        if any((candidate / marker).exists() for marker in WORKSPACE_MARKERS):
            return candidate
    return base


def add_workspace_flag(parser: argparse.ArgumentParser, start: str) -> None:
    parser.add_argument("--workspace", type=Path, metavar="DIR",
                        help="the project: its llama-lsp.toml, index and relative paths "
                        f"[default: the nearest folder around {start} with "
                        f"{', '.join(WORKSPACE_MARKERS)}]")


def workspace_for(args: argparse.Namespace, start: Path, *, holds: Path | None = None) -> Path:
    """``--workspace`` when given (it must be a folder, holding the file worked on),
    otherwise the project around ``start``."""
    if args.workspace is None:
        return find_workspace(start)
    workspace: Path = args.workspace.resolve()
    if not workspace.is_dir():
        raise DocumentError(f"workspace not found: {args.workspace}")
    if holds is not None and not holds.resolve().is_relative_to(workspace):
        raise DocumentError(f"{holds} is not inside the workspace {args.workspace}")
    return workspace


def file_project(args: argparse.Namespace) -> tuple[Path, Settings]:
    """The workspace and settings of a command on ``args.file``; a secrets file is refused
    here, before any model loads."""
    workspace = workspace_for(args, args.file, holds=args.file)
    settings = settings_for(args, workspace)
    refuse_secret_file(args.file, workspace, settings)
    return workspace, settings


def settings_for(args: argparse.Namespace, workspace: Path) -> Settings:
    """Layered settings with the command's flags on top; problems printed once."""
    loaded = load_settings(workspace=workspace, cli=cli_overrides(args))
    logging.basicConfig(level=loaded.settings.log_level.upper(), stream=sys.stderr,
                        format="llama-lsp %(levelname)s %(name)s: %(message)s")
    for problem in loaded.problems:
        print(f"llama-lsp: {problem}", file=sys.stderr)
    return loaded.settings


def open_index(workspace: Path, settings: Settings) -> WorkspaceIndex | None:
    """The workspace's index, brought up to date (only changed files are parsed; as it was
    when it cannot be written), or None when indexing is off. The caller closes it."""
    if not settings.index_enabled:
        return None
    from lsp_server.indexing.service import WorkspaceIndex

    index = WorkspaceIndex.for_settings([workspace], settings, watch=False)
    try:
        index.start().result()
    except IndexWriteError as exc:  # the index still answers from its last commit
        print(f"llama-lsp: {exc}", file=sys.stderr)
    except BaseException:
        index.close()
        raise
    return index


def fail(message: str) -> int:
    print(f"llama-lsp: {message}", file=sys.stderr)
    return 1


def refuse_secret_file(path: Path, workspace: Path, settings: Settings) -> None:
    """The rule of the editor's completions and explanations: no secrets file as a prompt."""
    if secret_document(path.resolve(), [workspace.resolve()], settings.index_secret_globs):
        raise SecretFileError(path)
