"""``llama-lsp``: one entry point, one module per subcommand (lsp_server/commands/)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lsp_server import __version__


def build_parser() -> argparse.ArgumentParser:
    # Imported here, not at the top: the index's parse workers (a process pool) re-import
    # the main module, and the commands pull in llama.cpp and pydantic (~0.7 s each time).
    from lsp_server.commands import ask, complete, doctor, explain, index, models, scan, serve

    parser = argparse.ArgumentParser(
        prog="llama-lsp", description="Local, private AI code completion (llama.cpp + LSP)."
    )
    parser.add_argument("--version", action="version", version=f"llama-lsp {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in (ask, complete, doctor, explain, index, models, scan, serve):
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
