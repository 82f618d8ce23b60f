"""Engine benchmark: prompt and generation speed, and what KV prefix reuse buys.

usage: python bench/engine.py --model PATH [--repeat 3] [--prompt-tokens 2048]

Builds a ~2k-token FIM prompt from a real source file (the standard library's
argparse.py), then times a cold request (empty KV cache) against a warm one after a
one-line edit just above the cursor, the way a keystroke looks to the engine.
Prints medians over --repeat runs.
"""

from __future__ import annotations

import argparse
import argparse as argparse_module
import statistics
import time
from pathlib import Path

from lsp_server.config import Settings
from lsp_server.generation.backend import GenerationRequest, GenerationResult
from lsp_server.generation.llama_cpp import LlamaCppBackend
from lsp_server.prompting.families import detect_family
from lsp_server.prompting.fim import render_fim
from lsp_server.prompting.window import fit_prefix, fit_suffix


def fim_prompt(backend: LlamaCppBackend, source: str, cursor: int, total: int,
               edit: bool) -> list[int]:
    spec = detect_family(backend.info)
    assert spec is not None, "the model cannot fill in the middle"
    prefix, suffix = source[:cursor], source[cursor:]
    if edit:  # a one-line edit two lines above the cursor
        lines = prefix.split("\n")
        lines[-3] = lines[-3] + "  # edited"
        prefix = "\n".join(lines)
    prefix = fit_prefix(backend, prefix, total * 3 // 4)
    suffix = fit_suffix(backend, suffix, total // 4)
    return render_fim(spec, backend, prefix, suffix)


def run(
    backend: LlamaCppBackend, ids: list[int], max_tokens: int
) -> tuple[float, GenerationResult]:
    start = time.perf_counter()
    result = backend.generate(GenerationRequest(ids, max_tokens=max_tokens))
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prompt-tokens", type=int, default=2048)
    parser.add_argument("--gen-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    backend = LlamaCppBackend(args.model, Settings(n_ctx=args.prompt_tokens + 512,
                                                  n_threads=args.threads))
    source = Path(argparse_module.__file__).read_text()
    cursor = source.index("\n", len(source) // 2) + 1 + 8  # inside a method body
    cold_ids = fim_prompt(backend, source, cursor, args.prompt_tokens, edit=False)
    warm_ids = fim_prompt(backend, source, cursor, args.prompt_tokens, edit=True)
    cold_ms, warm_ms, prompt_tps, gen_tps = [], [], [], []
    warm: GenerationResult | None = None
    for _ in range(args.repeat):
        backend.llm.n_tokens = 0  # cold: nothing reusable in the KV cache
        ms, cold = run(backend, cold_ids, args.gen_tokens)
        cold_ms.append(ms)
        prompt_tps.append(cold.tokens.evaluated / (cold.prompt_ms / 1000 or 1))
        ms, warm = run(backend, warm_ids, args.gen_tokens)
        warm_ms.append(ms)
        decode_ms = warm.eval_ms - warm.prompt_ms  # one decode per generated token
        if warm.tokens.generated:
            gen_tps.append(warm.tokens.generated / ((decode_ms + warm.sample_ms) / 1000))
    assert warm is not None
    med = statistics.median
    print(f"model                 {args.model.name}")
    print(f"prompt tokens         {len(cold_ids)} (cold), {len(warm_ids)} (after the edit)")
    print(f"prompt eval           {med(prompt_tps):8.1f} tok/s  (cold request)")
    print(f"generation            {med(gen_tps) if gen_tps else 0:8.1f} tok/s  (warm request)")
    print(f"cold request          {med(cold_ms):8.0f} ms  (reused 0, evaluated {len(cold_ids)})")
    print(f"warm request          {med(warm_ms):8.0f} ms  (reused {warm.tokens.reused}, "
          f"evaluated {warm.tokens.evaluated}, generated {warm.tokens.generated})")
    print(f"warm / cold           {med(warm_ms) / med(cold_ms):8.3f}")
    backend.close()


if __name__ == "__main__":
    main()
