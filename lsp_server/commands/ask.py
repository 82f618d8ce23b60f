"""``llama-lsp ask "question"``: answer from the workspace's code, streamed, with sources."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from lsp_server.assist.ask import ask
from lsp_server.assist.index_retrieval import IndexRetriever
from lsp_server.assist.retrieval import Current
from lsp_server.commands.common import (
    add_workspace_flag,
    fail,
    open_index,
    refuse_secret_file,
    settings_for,
    workspace_for,
)
from lsp_server.commands.explain import parse_line_range, print_piece
from lsp_server.config import add_setting_flags
from lsp_server.documents.source_file import read_source
from lsp_server.errors import DocumentError, LlamaLspError
from lsp_server.generation.loader import load_model

SOURCES_HEADINGS = {
    "cited": "\nSources:",
    "mentioned": "\nSources (the files the answer names):",
    "context": "\nCode shown to the model (the answer cites none):",
}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("ask", help="answer a question about the workspace's code")
    parser.add_argument("question")
    add_workspace_flag(parser, "--file, or the current directory,")
    parser.add_argument("--file", type=Path, help="the file the question is about")
    parser.add_argument("--lines", metavar="A-B", help="the selection in --file (1-based)")
    parser.add_argument("--json", action="store_true",
                        help="print the final result as JSON instead of streaming the text")
    add_setting_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        workspace = workspace_for(args, args.file or Path.cwd())
        settings = settings_for(args, workspace)
        current = None
        if args.file is not None:
            lines = parse_line_range(args.lines) if args.lines else None
            refuse_secret_file(args.file, workspace, settings)
            current = Current(args.file, read_source(args.file), lines)
        elif args.lines:
            raise DocumentError("--lines needs --file")
        model = load_model(settings)
    except LlamaLspError as exc:
        return fail(str(exc))
    index = open_index(workspace, settings)
    try:
        retriever = None
        if index is not None:
            retriever = IndexRetriever(index.reader, workspace, current,
                                       secret_globs=tuple(settings.index_secret_globs))
        answer = ask(model, settings, question=args.question, workspace=workspace,
                     current=current, on_text=None if args.json else print_piece,
                     retriever=retriever)
    except LlamaLspError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    finally:
        if index is not None:
            index.close()
        model.close()
    if args.json:
        print(json.dumps({
            "answer": answer.text, "workspace": str(workspace), "templated": answer.templated,
            "model": str(model.path),
            "citations": [{"path": c.path, "start": c.start_line + 1, "end": c.end_line + 1,
                           "kind": c.kind, "label": c.label} for c in answer.citations],
            "context": [c.label for c in answer.context],
            "stop_reason": answer.stop_reason, "tokens": asdict(answer.tokens),
            "timings_ms": {"load": round(model.load_ms, 3), **answer.timings_ms,
                           "total": round((time.perf_counter() - start) * 1000, 3)},
        }, indent=2))
        return 0
    print()
    if answer.citations:
        print(SOURCES_HEADINGS[answer.citations[0].kind])
        for citation in answer.citations:
            print(citation.label)
    return 0
