"""Replay typing a real function through ``llama-lsp serve`` and print what the user feels.

The function's body is deleted from the file, then typed back character by character:
each keystroke is an incremental ``didChange`` followed at once by an inline-completion
request (as VS Code does), keystrokes come at a typist's pace, and at the end of each
line the typist waits for the suggestion. Newer requests supersede older ones, exactly as
in an editor, so latency is measured for the requests that were answered.

Prints p50/p90 keystroke->suggestion latency, the share of prompt tokens re-evaluated
per model call, the daemon's own overhead (request time minus engine time, from
``llama-lsp/stats``) and the line acceptance rate: answered suggestions whose first line
equals what the user typed next on that line.

    python bench/lsp_latency.py --model MODEL.gguf --file lsp_server/tickets.py \
        [--line N] [--max-chars 300] [--pause-ms 120]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsp_server import protocol
from lsp_server.languages import language_for


def body_span(lines: list[str], start: int | None) -> tuple[int, int]:
    """(first, end) lines of the body to retype: of the function at ``start`` (0-based), or
    of the first ``def``/``function``/``fn``/``func`` with a body of 3+ lines."""
    candidates = [start] if start is not None else [
        i for i, line in enumerate(lines)
        if line.lstrip().startswith(("def ", "async def ", "function ", "fn ", "func "))]
    for head in candidates:
        indent = len(lines[head]) - len(lines[head].lstrip())
        end = head + 1
        while end < len(lines) and (not lines[end].strip()
                                    or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        while end > head + 1 and not lines[end - 1].strip():
            end -= 1
        if end - head > 3:
            return head + 1, end
    raise SystemExit("no function with a body of 3+ lines found; pass --line")


class Typist:
    def __init__(self, client: LanguageClient, uri: str, line: int) -> None:
        self.client, self.uri = client, uri
        self.line, self.col, self.version = line, 0, 1
        self.latencies: list[float] = []
        self.answered = self.superseded = self.accepted = 0
        self.verbose = False

    def type_char(self, char: str) -> None:
        at = types.Position(line=self.line, character=self.col)
        self.version += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri,
                                                                version=self.version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=at, end=at), text=char)]))
        if char == "\n":
            self.line, self.col = self.line + 1, 0
        else:
            self.col += len(char.encode("utf-16-le")) // 2

    async def request(self, rest_of_line: str) -> None:
        sent = time.perf_counter()
        result = await self.client.text_document_inline_completion_async(
            types.InlineCompletionParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri),
                position=types.Position(line=self.line, character=self.col),
                context=types.InlineCompletionContext(
                    trigger_kind=types.InlineCompletionTriggerKind.Automatic)))
        items = result.items if isinstance(result, types.InlineCompletionList) else result
        if not items:
            self.superseded += 1
            return
        self.latencies.append((time.perf_counter() - sent) * 1000)
        self.answered += 1
        text = items[0].insert_text
        first = text if isinstance(text, str) else text.value
        if rest_of_line.strip() and first.split("\n", 1)[0].rstrip() == rest_of_line.rstrip():
            self.accepted += 1
        if self.verbose:
            print(f"{self.latencies[-1]:7.0f} ms  want {rest_of_line!r}  got {first[:60]!r}")


async def stats(client: LanguageClient) -> dict[str, Any]:
    result: dict[str, Any] = protocol.as_json(
        await client.protocol.send_request_async(protocol.STATS, {}))
    return result


async def replay(args: argparse.Namespace) -> None:
    path = args.file.resolve()
    lines = path.read_text(encoding="utf-8").split("\n")
    first, end = body_span(lines, args.line - 1 if args.line else None)
    body = "\n".join(lines[first:end])[: args.max_chars]
    document = "\n".join([*lines[:first], "", *lines[end:]])
    client = LanguageClient("llama-lsp-bench", "1")
    await client.start_io(sys.executable, "-m", "lsp_server.cli", "serve")
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=path.parent.as_uri(),
        initialization_options={"model": str(args.model), "nCtx": args.n_ctx}))
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language_for(path),
                                             version=1, text=document)))
    typist = Typist(client, uri, first)
    typist.verbose = args.verbose
    await typist.request(body.split("\n", 1)[0])  # load the model, evaluate the file once
    warm = await stats(client)
    typist.latencies.clear()
    typist.answered = typist.accepted = 0
    rng = random.Random(7)
    pending: list[asyncio.Task[None]] = []
    started = time.perf_counter()
    for i, char in enumerate(body):
        typist.type_char(char)
        rest = body[i + 1 :].split("\n", 1)[0]
        pending.append(asyncio.ensure_future(typist.request(rest)))
        if char == "\n":  # end of a line: the typist reads the suggestion
            await asyncio.gather(*pending)
            pending.clear()
        else:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.pause_ms / 1000)
    await asyncio.gather(*pending)
    final = await stats(client)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    report(args, typist, warm, final, len(body), time.perf_counter() - started)


def report(args: argparse.Namespace, typist: Typist, warm: dict[str, Any],
           final: dict[str, Any], chars: int, seconds: float) -> None:
    tokens = {k: final["tokens"].get(k, 0) - warm["tokens"].get(k, 0)
              for k in ("prompt", "reused", "evaluated", "generated")}
    overhead = final["latencyMs"].get("overhead", {})
    lat = sorted(typist.latencies)
    p90 = lat[min(len(lat) - 1, round(0.9 * (len(lat) - 1)))] if lat else 0.0
    print(f"file {args.file}  typed {chars} chars in {seconds:.1f} s "
          f"(pause {args.pause_ms} ms +-50%)")
    print(f"answered {typist.answered}  superseded/empty {typist.superseded}")
    print(f"keystroke->suggestion latency ms: p50 {statistics.median(lat) if lat else 0:.0f}"
          f"  p90 {p90:.0f}")
    share = tokens["evaluated"] / tokens["prompt"] if tokens["prompt"] else 0.0
    print(f"prompt tokens {tokens['prompt']}  reused {tokens['reused']}  evaluated "
          f"{tokens['evaluated']}  re-evaluated share {share:.3f}")
    print(f"daemon overhead ms (request - engine): p50 {overhead.get('p50', 0):.1f}  "
          f"p90 {overhead.get('p90', 0):.1f}")
    calls = final["completions"].get("model_calls", 0) - warm["completions"].get("model_calls", 0)
    generate = final["latencyMs"].get("generate", {})
    hits = final["cache"]["hits"] - warm["cache"]["hits"]
    print(f"model calls {calls} (engine time p50 {generate.get('p50', 0):.0f} ms, p90 "
          f"{generate.get('p90', 0):.0f} ms)  typing-through cache hits {hits}")
    rate = typist.accepted / typist.answered if typist.answered else 0.0
    print(f"line acceptance {typist.accepted}/{typist.answered} = {rate:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--line", type=int, help="1-based line of the function to retype")
    parser.add_argument("--max-chars", type=int, default=300)
    parser.add_argument("--pause-ms", type=float, default=120.0)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--verbose", action="store_true", help="print every answer")
    asyncio.run(replay(parser.parse_args()))


if __name__ == "__main__":
    main()
