"""Cross-file completion quality: does repository context name the right identifier?

Runs line-completion cases (the format of ``shared/data/crossfile-dev``) through the
editor's own pipeline: the case's repository is indexed, the case's file is replaced in
the index by the document with the hole, and a completion is requested at the cursor as
an invoked request (the user asked and waits, so new context is evaluated at once). The
document is the whole file with the masked text cut out (``--document file``: what the
editor has open; the answer is nowhere) or only the case's ``prefix + suffix`` windows
(``--document window``: the file's imports and classes beyond them are unknown). Writes
one ``{"id", "completion"}`` line per case and prints, per mode, exact match, edit
similarity, identifier exact match, cross-file identifier hits (the case directory's
own ``score_fim.py``), how often that identifier was in the packed repository context at
all (``in_ctx``: what retrieval found, whether or not the model used it) and p50/p90
latency. With ``--details``, a second file per mode (``PREDICTIONS.details.jsonl``) keeps
per case what tuning needs and the scorer does not read: the model's raw text before the
filters, whether the name was in the context, the latency and the context's snippets.

Modes: ``infile`` (local window only), ``bm25`` (plus BM25-similar chunks), ``full``
(every context source: definitions through imports, similar code, recent edits, outline).
``oracle`` and ``full+oracle`` show the model the case's expected definition (the only
context, or first among full's), ``usage`` and ``full+usage`` another file's use of the
expected name: the most that better retrieval could buy (``oracle.py``).

    python bench/quality.py --cases shared/data/crossfile-dev/cases_midline.jsonl \\
        --repo-root shared/data/crossfile-dev/repos --model MODEL.gguf \\
        --mode infile,bm25,full --out /tmp/preds.jsonl [--limit 40]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import oracle  # bench/oracle.py

from lsp_server.config import Settings
from lsp_server.documents.cursor import Cursor
from lsp_server.generation.loader import LoadedModel, load_model
from lsp_server.indexing.service import WorkspaceIndex
from lsp_server.pipeline import Completion, complete
from lsp_server.retrieval.provider import ContextProvider

T = TypeVar("T")
MODES: dict[str, list[str]] = {"infile": [], "bm25": ["similar"],
                               "full": oracle.FULL,
                               **{mode: o.sources for mode, o in oracle.ORACLE_MODES.items()}}


def read_cases(path: Path, limit: int | None) -> list[dict[str, Any]]:
    """The cases, sorted by repository and file (neighbours share KV-cached context);
    ``limit`` keeps an evenly spread subset."""
    cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if limit and limit < len(cases):
        step = len(cases) / limit
        cases = [cases[int(i * step)] for i in range(limit)]
    return sorted(cases, key=lambda c: (c["repo"], c["path"], c["line_no"]))


def document_of(case: dict[str, Any], root: Path, whole: bool) -> Cursor:
    """The open document with the hole as a cursor: the file on disk with ``middle`` cut out
    (``whole``), or only the case's windows around it."""
    prefix, suffix = case["prefix"], case["suffix"]
    if whole:
        text = (root / case["path"]).read_text("utf-8")
        start = text.index(prefix + case["middle"] + suffix) + len(prefix)
        prefix, suffix = text[:start], text[start + len(case["middle"]):]
    return Cursor(prefix, suffix, prefix.count("\n"), len(prefix.rsplit("\n", 1)[-1]))


def run_mode(mode: str, cases: list[dict[str, Any]], repo_root: Path, model: LoadedModel,
             settings: Settings, cache: Path,
             whole: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[float]]:
    settings = settings.model_copy(update={"context_sources": MODES[mode]})
    rows: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    latencies: list[float] = []
    for repo in dict.fromkeys(c["repo"] for c in cases):
        root = (repo_root / repo).resolve()
        index = WorkspaceIndex.for_settings([root], settings.model_copy(
            update={"cache_dir": cache}), watch=False)
        index.start().result()
        provider = ContextProvider(partial(_same, index.reader), partial(_same, [root]))
        try:
            for case in (c for c in cases if c["repo"] == repo):
                path = root / case["path"]
                cursor = document_of(case, root, whole)
                index.overlay(path, cursor.prefix + cursor.suffix).result()
                # The oracle's own search is the bench's, not the editor's: not timed.
                shown = oracle.ORACLE_MODES.get(mode)
                found = shown.find(case, index.reader, root) if shown else None
                start = time.perf_counter()
                retrieve = (provider.retrieve(path, cursor, "python", settings, model,
                                              invoked=True) if MODES[mode] else None)
                if retrieve is not None and shown:
                    retrieve = oracle.with_oracle(retrieve, found, shown.only)
                done = complete(model, cursor, settings, "python", None, retrieve)
                latencies.append((time.perf_counter() - start) * 1000)
                rows.append({"id": case["id"], "completion": done.text})
                details.append({
                    "id": case["id"], "raw": done.raw, "ms": round(latencies[-1]),
                    "in_ctx": _in_context(model, done, case["cross_file_identifier"]),
                    "context_tokens": done.context.get("tokens", 0),
                    "snippets": done.context.get("snippets", [])})
                index.clear_overlay(path).result()
                print(f"{mode} {len(rows):4d}/{len(cases)} {latencies[-1]:7.0f} ms "
                      f"ctx {done.context.get('tokens', 0):5} tok  {case['id']}: "
                      f"{done.text.splitlines()[0] if done.text else ''!r}",
                      file=sys.stderr, flush=True)
        finally:
            index.close()
    return rows, details, latencies


def _in_context(model: LoadedModel, done: Completion, name: str) -> bool:
    """Whether ``name`` is spelled in the prompt's repository context (its first tokens)."""
    tokens = done.context.get("tokens", 0)
    text = model.backend.detokenize(done.prompt_ids[:tokens]) if isinstance(tokens, int) else ""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _same(value: T) -> T:
    return value


def score(cases_file: Path, preds: Path) -> dict[str, Any]:
    """The case set's own scorer (score_fim.py next to the cases), overall figures."""
    scorer = cases_file.parent / "score_fim.py"
    out = subprocess.run([sys.executable, str(scorer), "--cases", str(cases_file), "--preds",
                          str(preds)], capture_output=True, text=True, check=True).stdout
    overall: dict[str, Any] = json.loads(out)["overall"]
    return overall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--repo-root", type=Path, required=True)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--mode", default="full",
                        help="one of infile, bm25, full, oracle, full+oracle, usage, "
                        "full+usage, or a comma list")
    parser.add_argument("--out", type=Path, required=True,
                        help="predictions JSONL; with several modes, one file per mode "
                        "(the mode's name before the extension)")
    parser.add_argument("--limit", type=int, help="an evenly spread subset of the cases")
    parser.add_argument("--document", choices=("file", "window"), default="file",
                        help="the open document: the whole file with the hole (default) or "
                        "only the case's prefix and suffix windows")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--max-prefix-tokens", type=int, default=1024)
    parser.add_argument("--max-suffix-tokens", type=int, default=256)
    parser.add_argument("--max-context-tokens", type=int, default=1536)
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--n-threads", type=int, help="llama.cpp threads (default: all cores)")
    parser.add_argument("--details", action="store_true",
                        help="also write PREDICTIONS.details.jsonl: raw text, in_ctx, latency "
                        "and snippets per case")
    args = parser.parse_args()
    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    if unknown := [m for m in modes if m not in MODES]:
        raise SystemExit(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    cases = read_cases(args.cases, args.limit)
    settings = Settings(n_ctx=args.n_ctx, max_prefix_tokens=args.max_prefix_tokens,
                        max_suffix_tokens=args.max_suffix_tokens,
                        max_context_tokens=args.max_context_tokens, max_tokens=args.max_tokens,
                        temperature=0.0, n_threads=args.n_threads)
    model = load_model(settings, args.model)
    table = []
    with tempfile.TemporaryDirectory(prefix="llama-lsp-quality-") as tmp:
        subset = Path(tmp) / args.cases.name  # scored against exactly the cases run
        subset.write_text("".join(json.dumps(c) + "\n" for c in cases), "utf-8")
        (Path(tmp) / "score_fim.py").symlink_to((args.cases.parent / "score_fim.py").resolve())
        for mode in modes:
            rows, details, latencies = run_mode(mode, cases, args.repo_root, model, settings,
                                                Path(tmp) / "cache", args.document == "file")
            out = args.out if len(modes) == 1 else args.out.with_suffix(
                f".{mode}{args.out.suffix}")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
            if args.details:
                out.with_suffix(".details" + out.suffix).write_text(
                    "".join(json.dumps(d) + "\n" for d in details), "utf-8")
            in_context = sum(d["in_ctx"] for d in details) / len(cases)
            table.append((mode, score(subset, out), latencies, in_context))
    model.close()
    print(f"{len(cases)} cases from {args.cases.name}; document: {args.document}")
    print(f"{'mode':8} {'em':>6} {'es':>6} {'id_em':>6} {'xid_hit':>8} {'in_ctx':>7} "
          f"{'p50 ms':>8} {'p90 ms':>8}")
    for mode, overall, latencies, in_ctx in table:
        p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 1 else latencies[0]
        print(f"{mode:8} {overall['em']:6.3f} {overall['es']:6.3f} {overall['id_em']:6.3f} "
              f"{overall['xid_hit']:8.3f} {in_ctx:7.3f} {statistics.median(latencies):8.0f} "
              f"{p90:8.0f}")


if __name__ == "__main__":
    main()
