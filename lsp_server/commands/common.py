"""What every subcommand shares: the workspace, the layered settings, error reporting."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from lsp_server.config import Settings, cli_overrides, load_settings

WORKSPACE_MARKERS = ("llama-lsp.toml", "pyproject.toml", ".git")


def find_workspace(start: Path) -> Path:
    """The nearest directory at or above ``start`` that looks like a project root."""
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for candidate in (base, *base.parents):
        if any((candidate / marker).exists() for marker in WORKSPACE_MARKERS):
            return candidate
    return base


def settings_for(args: argparse.Namespace, workspace: Path) -> Settings:
    """Layered settings with the command's flags on top; problems printed once."""
    loaded = load_settings(workspace=workspace, cli=cli_overrides(args))
    logging.basicConfig(level=loaded.settings.log_level.upper(), stream=sys.stderr,
                        format="llama-lsp %(levelname)s %(name)s: %(message)s")
    for problem in loaded.problems:
        print(f"llama-lsp: {problem}", file=sys.stderr)
    return loaded.settings


def fail(message: str) -> int:
    print(f"llama-lsp: {message}", file=sys.stderr)
    return 1
