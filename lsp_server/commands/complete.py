"""``llama-lsp complete FILE --line L --col C``: one completion at a cursor, printed.

Like an invoked request in the editor: the workspace index (brought up to date first)
supplies repository context, all of it evaluated at once since the user waits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from lsp_server.commands.common import add_workspace_flag, fail, file_project, open_index
from lsp_server.config import add_setting_flags
from lsp_server.documents.cursor import split_at
from lsp_server.documents.source_file import read_source
from lsp_server.errors import LlamaLspError
from lsp_server.generation.loader import load_model
from lsp_server.languages import language_of_file


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("complete", help="complete the code at a cursor in FILE")
    parser.add_argument("file", type=Path)
    parser.add_argument("--line", type=int, required=True, help="1-based line, as editors show")
    parser.add_argument("--col", type=int, required=True, help="1-based column (characters)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    add_workspace_flag(parser, "FILE")
    add_setting_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        workspace, settings = file_project(args)
        text = read_source(args.file)
        language = language_of_file(args.file, text)
        cursor = split_at(text, args.line - 1, args.col - 1)
        read_ms = (time.perf_counter() - start) * 1000
        model = load_model(settings)
        from lsp_server.pipeline import complete

        index = open_index(workspace, settings) if settings.max_context_tokens else None
        try:
            retrieve = None
            if index is not None:
                from lsp_server.retrieval.provider import ContextProvider

                reader = index.reader
                provider = ContextProvider(lambda: reader, lambda: [workspace])
                retrieve = provider.retrieve(args.file.resolve(), cursor, language,
                                             settings, model, invoked=True)
            result = complete(model, cursor, settings, language, None, retrieve)
        finally:
            if index is not None:
                index.close()
    except LlamaLspError as exc:
        return fail(str(exc))
    timings = {"read": round(read_ms, 3), "load": round(model.load_ms, 3), **result.timings_ms,
               "total": round((time.perf_counter() - start) * 1000, 3)}
    if args.json:
        print(json.dumps({
            "completion": result.text, "raw": result.raw, "family": result.family,
            "model": str(model.path), "prompt_ids": result.prompt_ids,
            "tokens": asdict(result.tokens), "stop_reason": result.stop_reason,
            "timings_ms": timings, "blocked": result.blocked,
            "security": [asdict(issue) for issue in result.security],
            "context": result.context,
        }, indent=2))
    else:
        print(result.text)
        for issue in result.security:
            verb = "hidden" if result.blocked else "warning"
            print(f"{verb}: {issue.rule} ({issue.cwe}, {issue.severity}) line {issue.line}: "
                  f"{issue.description}", file=sys.stderr)
    model.close()
    return 0
