"""Engine benchmark: prompt and generation speed, and what KV prefix reuse buys.

usage: python bench/engine.py --model PATH [--repeat 3] [--prefix-tokens 1536]
                              [--suffix-tokens 512]

Runs the product's completion pipeline (window, FIM prompt, generation, filters) on a
~2k-token FIM prompt cut from a real source file (the standard library's argparse.py),
cursor mid-line in a method body. Three requests per round:
  cold       empty KV cache
  keystroke  one more character typed at the cursor
  line edit  a one-line edit two lines above the cursor
Prints medians over --repeat rounds with the reused / evaluated token counts.
"""

from __future__ import annotations

import argparse
import argparse as argparse_module
import statistics
import time
from pathlib import Path

from lsp_server.config import Settings
from lsp_server.documents.cursor import Cursor, split_at
from lsp_server.generation.loader import LoadedModel, load_model
from lsp_server.pipeline import Completion, WindowState, complete


def cursors(source: str) -> dict[str, Cursor]:
    """The three cursors of one round, on a line with code just past the file's middle."""
    lines = source.split("\n")
    line = next(i for i in range(len(lines) // 2, len(lines))
                if lines[i].startswith("        ") and len(lines[i].strip()) > 12)
    column = len(lines[line]) - len(lines[line].lstrip()) + 6
    base = split_at(source, line, column)
    typed = lines[line][column]
    keystroke = split_at(source.replace(base.prefix, base.prefix + typed, 1), line, column + 1)
    edited_lines = list(lines)
    edited_lines[line - 2] += "  # edited"
    edit = split_at("\n".join(edited_lines), line, column)
    return {"cold": base, "keystroke": keystroke, "line edit": edit}


def timed(
    model: LoadedModel, cursor: Cursor, settings: Settings, state: WindowState
) -> tuple[float, Completion]:
    start = time.perf_counter()
    result = complete(model, cursor, settings, "python", state)
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prefix-tokens", type=int, default=1536)
    parser.add_argument("--suffix-tokens", type=int, default=512)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    settings = Settings(n_ctx=args.prefix_tokens + args.suffix_tokens + args.max_tokens + 64,
                        n_threads=args.threads, max_tokens=args.max_tokens,
                        max_prefix_tokens=args.prefix_tokens,
                        max_suffix_tokens=args.suffix_tokens)
    model = load_model(settings, args.model)
    rounds = cursors(Path(argparse_module.__file__).read_text())
    times: dict[str, list[float]] = {name: [] for name in rounds}
    last: dict[str, Completion] = {}
    prompt_tps: list[float] = []
    gen_tps: list[float] = []
    for _ in range(args.repeat):
        model.backend.llm.n_tokens = 0  # cold: nothing reusable in the KV cache
        state = WindowState()  # as the server keeps one per open document
        for name, cursor in rounds.items():
            ms, result = timed(model, cursor, settings, state)
            times[name].append(ms)
            last[name] = result
        cold = last["cold"]
        prompt_tps.append(cold.tokens.evaluated / (cold.timings_ms["prompt_eval"] / 1000))
        for result in last.values():
            decode_ms = result.timings_ms["eval"] - result.timings_ms["prompt_eval"]
            if result.tokens.generated > 1:
                gen_tps.append(result.tokens.generated /
                               ((decode_ms + result.timings_ms["sample"]) / 1000))
    med = statistics.median
    print(f"model           {args.model.name} ({last['cold'].family})")
    print(f"prompt eval     {med(prompt_tps):8.1f} tok/s (cold request)")
    print(f"generation      {med(gen_tps):8.1f} tok/s (decode + sampling, all requests)")
    print(f"{'request':<15} {'median ms':>9} {'prompt':>7} {'reused':>7} {'evaluated':>9} "
          f"{'generated':>9}  completion")
    for name, result in last.items():
        t = result.tokens
        print(f"{name:<15} {med(times[name]):9.0f} {t.prompt:7d} {t.reused:7d} {t.evaluated:9d} "
              f"{t.generated:9d}  {result.text.splitlines()[0] if result.text else ''!r}")
    cold_ms = med(times["cold"])
    print(f"keystroke/cold  {med(times['keystroke']) / cold_ms:8.3f}")
    print(f"line edit/cold  {med(times['line edit']) / cold_ms:8.3f}")
    model.close()


if __name__ == "__main__":
    main()
