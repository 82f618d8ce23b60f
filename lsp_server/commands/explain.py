"""``llama-lsp explain FILE --lines A-B``: explain lines of a file, streamed as generated."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from lsp_server.assist.explain import explain, selected_text
from lsp_server.assist.retrieval import relative_path
from lsp_server.commands.common import add_workspace_flag, fail, file_project
from lsp_server.config import add_setting_flags
from lsp_server.documents.source_file import read_source
from lsp_server.errors import LlamaLspError, PositionError
from lsp_server.generation.loader import load_model
from lsp_server.languages import language_of_file


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("explain", help="explain lines of FILE (streamed)")
    parser.add_argument("file", type=Path)
    parser.add_argument("--lines", required=True, metavar="A-B",
                        help="1-based inclusive line range, as editors show it (e.g. 10-24, or 10)")
    parser.add_argument("--json", action="store_true",
                        help="print the final result as JSON instead of streaming the text")
    add_workspace_flag(parser, "FILE")
    add_setting_flags(parser)
    parser.set_defaults(run=run)


def parse_line_range(text: str) -> tuple[int, int]:
    """``"A-B"`` or ``"A"`` (1-based, inclusive) -> 0-based inclusive lines."""
    first, _, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise PositionError(f"bad line range {text!r}: expected A-B, e.g. 10-24") from None
    if start < 1 or end < start:
        raise PositionError(f"bad line range {text!r}: lines start at 1 and A <= B")
    return start - 1, end - 1


def print_piece(piece: str) -> None:
    sys.stdout.write(piece)
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        first, last = parse_line_range(args.lines)
        workspace, settings = file_project(args)
        text = read_source(args.file)
        path = Path(relative_path(args.file, workspace))
        selected_text(path, text, first, last)  # a bad range fails before the model loads
        model = load_model(settings)
    except LlamaLspError as exc:
        return fail(str(exc))
    try:
        result = explain(model, settings, path=path, text=text, start_line=first,
                         end_line=last, language=language_of_file(path, text),
                         on_text=None if args.json else print_piece)
    except LlamaLspError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    finally:
        model.close()
    if not args.json:
        if not result.text.endswith("\n"):
            print()
        return 0
    scope = result.scope
    print(json.dumps({
        "explanation": result.text, "path": str(path), "lines": f"{first + 1}-{last + 1}",
        "language": result.language, "templated": result.templated, "model": str(model.path),
        "scope": None if scope is None else {
            "kind": scope.kind, "name": scope.name, "whole": scope.whole,
            "lines": f"{scope.start_line + 1}-{scope.end_line + 1}"},
        "stop_reason": result.stop_reason, "tokens": asdict(result.tokens),
        "timings_ms": {"load": round(model.load_ms, 3), **result.timings_ms,
                       "total": round((time.perf_counter() - start) * 1000, 3)},
    }, indent=2))
    return 0
